"""test_security.py — security profiles end to end: create, describe, list, search, update,
delete and their permissions, through the aws CLI and boto3, with every error they return.
"""
import json
import unittest

from harness import RosterTestCase


class SecurityProfilesTest(RosterTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.roster
        cls.iid = r.instance_id
        cls.b = r.boto()
        cls.builtin = {s["Name"]: s["Id"] for s in
                       cls.b.list_security_profiles(InstanceId=cls.iid)["SecurityProfileSummaryList"]}
        r.add_user("sp-agent", "Agent")
        r.add_user("sp-manager", "CallCenterManager")
        r.add_user("sp-admin", "Admin")
        cls.agent_key = r.new_key(user="sp-agent")
        cls.manager_key = r.new_key(user="sp-manager")
        cls.admin_key = r.new_key(user="sp-admin")

    def create(self, name, **kw):
        return self.b.create_security_profile(InstanceId=self.iid, SecurityProfileName=name, **kw)

    # ---- create and describe ----------------------------------------------------------------
    def test_create_describe_roundtrip_cli(self):
        out = self.aws_ok("create-security-profile", "--instance-id", self.iid, "--security-profile-name",
                          "Team Leads", "--description", "leads of teams", "--permissions", "Users.View",
                          "Users.Edit", "Users.View", "--allowed-access-control-tags", "site=paris",
                          "--tag-restricted-resources", "User", "--tags", "team=blue")
        sid = out["SecurityProfileId"]
        self.assertTrue(out["SecurityProfileArn"].endswith(f":instance/{self.iid}/security-profile/{sid}"))
        p = self.aws_ok("describe-security-profile", "--instance-id", self.iid, "--security-profile-id",
                        sid)["SecurityProfile"]
        self.assertEqual(p["SecurityProfileName"], "Team Leads")
        self.assertEqual(p["Description"], "leads of teams")
        self.assertEqual(p["OrganizationResourceId"], self.iid)
        self.assertEqual(p["AllowedAccessControlTags"], {"site": "paris"})
        self.assertEqual(p["TagRestrictedResources"], ["User"])
        self.assertEqual(p["Tags"], {"team": "blue"})
        self.assertIsInstance(p["LastModifiedTime"], (int, float))
        perms = self.aws_ok("list-security-profile-permissions", "--instance-id", self.iid,
                            "--security-profile-id", sid)["Permissions"]
        self.assertEqual(sorted(perms), ["Users.Edit", "Users.View"])  # the duplicate is folded
        names = [s["Name"] for s in self.aws_ok("list-security-profiles", "--instance-id", self.iid)
                 ["SecurityProfileSummaryList"]]
        self.assertIn("Team Leads", names)

    def test_name_rules(self):
        self.assertBotoError("DuplicateResourceException", self.create, name="Agent")
        for bad in ["semi;colon", "x" * 128, "tab\there"]:
            self.assertBotoError("InvalidParameterException", self.create, name=bad)
        self.create("Ok_name-1 @x")
        b = self.roster.boto(validate=False)
        self.assertBotoError("InvalidParameterException", b.create_security_profile, InstanceId=self.iid,
                             SecurityProfileName="")

    def test_unknown_permission_named(self):
        err = self.assertAwsError(self.roster.aws("create-security-profile", "--instance-id", self.iid,
                                                  "--security-profile-name", "Flyers", "--permissions",
                                                  "Users.View", "Users.Fly"), "InvalidParameterException")
        self.assertIn("Users.Fly", err)
        # Nothing was written.
        names = [s["Name"] for s in self.b.list_security_profiles(InstanceId=self.iid)["SecurityProfileSummaryList"]]
        self.assertNotIn("Flyers", names)

    def test_limits(self):
        self.assertBotoError("InvalidParameterException", self.create, name="Desc", Description="d" * 251)
        self.assertBotoError("InvalidParameterException", self.create, name="TooManyTags",
                             AllowedAccessControlTags={f"k{i}": "v" for i in range(5)})
        self.assertBotoError("InvalidParameterException", self.create, name="TooManyRes",
                             TagRestrictedResources=[f"R{i}" for i in range(11)])
        self.assertBotoError("InvalidParameterException", self.create, name="AwsTag", Tags={"aws:x": "1"})
        self.assertBotoError("InvalidRequestException", self.create, name="Apps",
                             Applications=[{"Namespace": "x", "ApplicationPermissions": ["a"]}])
        self.assertBotoError("ResourceNotFoundException", self.create, name="NoGroup",
                             AllowedAccessControlHierarchyGroupId="00000000-0000-0000-0000-000000000000")

    # ---- update ----------------------------------------------------------------------------------
    def test_update_changes_permissions_at_once(self):
        sid = self.create("Editable", Permissions=["BasicAgentAccess"])["SecurityProfileId"]
        self.roster.add_user("sp-editable", "Editable")
        key = self.roster.new_key(user="sp-editable")
        user_client = self.roster.boto(key)
        self.assertBotoError("AccessDeniedException", user_client.list_security_profiles, InstanceId=self.iid)
        self.aws_ok("update-security-profile", "--instance-id", self.iid, "--security-profile-id", sid,
                    "--permissions", "SecurityProfiles.View", "--description", "now sees profiles")
        # The very next request of that user is allowed.
        self.assertIn("SecurityProfileSummaryList", user_client.list_security_profiles(InstanceId=self.iid))
        p = self.b.describe_security_profile(InstanceId=self.iid, SecurityProfileId=sid)["SecurityProfile"]
        self.assertEqual(p["Description"], "now sees profiles")
        # Permissions untouched by an update that does not name them.
        self.b.update_security_profile(InstanceId=self.iid, SecurityProfileId=sid, Description="again")
        perms = self.b.list_security_profile_permissions(InstanceId=self.iid, SecurityProfileId=sid)["Permissions"]
        self.assertEqual(perms, ["SecurityProfiles.View"])

    def test_update_errors(self):
        self.assertBotoError("ResourceNotFoundException", self.b.update_security_profile, InstanceId=self.iid,
                             SecurityProfileId="nope", Description="x")
        self.assertBotoError("InvalidParameterException", self.b.update_security_profile, InstanceId=self.iid,
                             SecurityProfileId=self.builtin["Agent"], Permissions=["Nope.Nope"])

    def test_admin_cannot_be_stripped_or_deleted(self):
        admin = self.builtin["Admin"]
        err = self.assertAwsError(self.roster.aws("update-security-profile", "--instance-id", self.iid,
                                                  "--security-profile-id", admin, "--permissions", "Users.View"),
                                  "InvalidRequestException")
        self.assertIn("Admin", err)
        self.assertAwsError(self.roster.aws("delete-security-profile", "--instance-id", self.iid,
                                            "--security-profile-id", admin), "AccessDeniedException")
        perms = self.b.list_security_profile_permissions(InstanceId=self.iid, SecurityProfileId=admin)["Permissions"]
        self.assertIn("Users.EditPermission", perms)
        # Its description may change.
        self.b.update_security_profile(InstanceId=self.iid, SecurityProfileId=admin, Description="all powers")

    # ---- delete ------------------------------------------------------------------------------------
    def test_delete(self):
        sid = self.create("Disposable")["SecurityProfileId"]
        self.aws_ok("delete-security-profile", "--instance-id", self.iid, "--security-profile-id", sid)
        self.assertBotoError("ResourceNotFoundException", self.b.describe_security_profile, InstanceId=self.iid,
                             SecurityProfileId=sid)
        self.assertAwsError(self.roster.aws("delete-security-profile", "--instance-id", self.iid,
                                            "--security-profile-id", sid), "ResourceNotFoundException")

    def test_delete_in_use(self):
        sid = self.create("Held")["SecurityProfileId"]
        self.roster.add_user("sp-holder", "Held")
        e = self.assertBotoError("ResourceInUseException", self.b.delete_security_profile, InstanceId=self.iid,
                                 SecurityProfileId=sid)
        self.assertEqual(e.response["ResourceType"], "USER")
        self.assertIn(f":instance/{self.iid}/agent/", e.response["ResourceId"])
        self.assertIn("1 user", e.response["Error"]["Message"])

    # ---- permissions of the caller -----------------------------------------------------------------
    def test_permissions_of_user_keys(self):
        agent = self.roster.boto(self.agent_key)
        self.assertBotoError("AccessDeniedException", agent.create_security_profile, InstanceId=self.iid,
                             SecurityProfileName="ByAgent")
        self.assertBotoError("AccessDeniedException", agent.search_security_profiles, InstanceId=self.iid)
        manager = self.roster.boto(self.manager_key)  # SecurityProfiles.View only
        self.assertIn("SecurityProfiles", manager.search_security_profiles(InstanceId=self.iid))
        self.assertBotoError("AccessDeniedException", manager.delete_security_profile, InstanceId=self.iid,
                             SecurityProfileId=self.builtin["QualityAnalyst"])

    def test_cannot_grant_what_you_do_not_hold(self):
        # A user with SecurityProfiles.Create/Edit but not Users.EditPermission.
        sid = self.create("ProfileEditors", Permissions=["SecurityProfiles.Create", "SecurityProfiles.Edit",
                                                         "SecurityProfiles.View", "Users.View"])["SecurityProfileId"]
        self.roster.add_user("sp-editor", "ProfileEditors")
        editor = self.roster.boto(self.roster.new_key(user="sp-editor"))
        e = self.assertBotoError("AccessDeniedException", editor.create_security_profile, InstanceId=self.iid,
                                 SecurityProfileName="Escalate", Permissions=["Users.EditPermission"])
        self.assertIn("Users.EditPermission", e.response["Error"]["Message"])
        self.assertBotoError("AccessDeniedException", editor.update_security_profile, InstanceId=self.iid,
                             SecurityProfileId=sid, Permissions=["SecurityProfiles.Delete"])
        # Granting what it holds is fine.
        editor.create_security_profile(InstanceId=self.iid, SecurityProfileName="Viewers", Permissions=["Users.View"])

    # ---- search --------------------------------------------------------------------------------------
    def test_search_matches_brute_force(self):
        made = {}
        for i, (name, desc, tag) in enumerate([("Night Shift", "overnight agents", "blue"),
                                               ("Day Shift", "daytime agents", "red"),
                                               ("Night Leads", "overnight leads", "blue"),
                                               ("Trainers", "teach new hires", None)]):
            kw = {"Description": desc}
            if tag:
                kw["Tags"] = {"shift-team": tag}
            made[name] = self.create(name, **kw)["SecurityProfileId"]
        all_profiles = self.b.search_security_profiles(InstanceId=self.iid, MaxResults=100)["SecurityProfiles"]

        def names(**kw):
            pages = self.b.get_paginator("search_security_profiles").paginate(InstanceId=self.iid, **kw)
            out = [p["SecurityProfileName"] for page in pages for p in page["SecurityProfiles"]]
            return out

        crit = {"OrConditions": [
            {"StringCondition": {"FieldName": "name", "Value": "night", "ComparisonType": "STARTS_WITH"}},
            {"StringCondition": {"FieldName": "description", "Value": "teach", "ComparisonType": "CONTAINS"}}]}
        expect = sorted(p["SecurityProfileName"] for p in all_profiles
                        if p["SecurityProfileName"].lower().startswith("night") or "teach" in p["Description"].lower())
        self.assertEqual(names(SearchCriteria=crit), expect)
        self.assertEqual(set(expect), {"Night Shift", "Night Leads", "Trainers"})

        crit = {"AndConditions": [
            {"StringCondition": {"FieldName": "name", "Value": "Shift", "ComparisonType": "CONTAINS"}},
            {"StringCondition": {"FieldName": "description", "Value": "overnight", "ComparisonType": "CONTAINS"}}]}
        self.assertEqual(names(SearchCriteria=crit), ["Night Shift"])
        crit = {"StringCondition": {"FieldName": "resourceID", "Value": made["Trainers"], "ComparisonType": "EXACT"}}
        self.assertEqual(names(SearchCriteria=crit), ["Trainers"])
        tagged = names(SearchFilter={"TagFilter": {"TagCondition": {"TagKey": "shift-team", "TagValue": "blue"}}})
        self.assertEqual(tagged, ["Night Leads", "Night Shift"])
        either = names(SearchFilter={"TagFilter": {"OrConditions": [[{"TagKey": "shift-team", "TagValue": "red"}],
                                                                    [{"TagKey": "shift-team", "TagValue": "blue"}]]}})
        self.assertEqual(either, ["Day Shift", "Night Leads", "Night Shift"])

    def test_search_pagination_cli(self):
        for i in range(7):
            self.create(f"Paged {i:02d}", Tags={"paged": "yes"})
        tag = json.dumps({"TagFilter": {"TagCondition": {"TagKey": "paged"}}})
        out = self.aws_ok("search-security-profiles", "--instance-id", self.iid, "--search-filter", tag,
                          "--page-size", "3")
        names = [p["SecurityProfileName"] for p in out["SecurityProfiles"]]
        self.assertEqual(names, [f"Paged {i:02d}" for i in range(7)])
        self.assertEqual(out["ApproximateTotalCount"], 7)
        one = self.aws_ok("search-security-profiles", "--instance-id", self.iid, "--search-filter", tag,
                          "--max-results", "2")
        self.assertEqual(len(one["SecurityProfiles"]), 2)
        self.assertIn("NextToken", one)
        self.assertEqual(one["ApproximateTotalCount"], 7)

    def test_search_errors(self):
        bad = [
            {"StringCondition": {"FieldName": "color", "Value": "x", "ComparisonType": "EXACT"}},
            {"StringCondition": {"FieldName": "name", "Value": "x", "ComparisonType": "CONTAINS"}},
            {"StringCondition": {"FieldName": "name", "Value": "x" * 26, "ComparisonType": "CONTAINS"}},
            {"StringCondition": {"FieldName": "name", "Value": "x", "ComparisonType": "LIKE"}},
        ]
        b = self.roster.boto(validate=False)
        for crit in bad:
            self.assertBotoError("InvalidParameterException", b.search_security_profiles, InstanceId=self.iid,
                                 SearchCriteria=crit)
        self.assertBotoError("InvalidParameterException", b.search_security_profiles, InstanceId=self.iid,
                             MaxResults=101)
        self.assertBotoError("InvalidParameterException", b.search_security_profiles, InstanceId=self.iid,
                             NextToken="garbage")
        self.assertBotoError("ResourceNotFoundException", b.search_security_profiles, InstanceId="nope")


if __name__ == "__main__":
    unittest.main()
