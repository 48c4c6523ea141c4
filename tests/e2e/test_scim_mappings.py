"""test_scim_mappings.py — SCIM group mappings and settings (issue 12) end to end: `roster
scim-mapping add|list|remove` against the store of a running `roster serve`, and the roster API's
/roster/v1/instances/{I}/scim/settings and …/scim/mappings with their errors. A mapping added for
a group that already has members changes them at once (seen through the Connect API), removing it
takes back what it gave, the change is in the audit trail, and a group-derived routing profile
stays read-only for an admin of a managed user while its phone settings do not.

The SCIM Groups door is another file's work: the group and its members are written straight into
the store here, as the door would have left them.
"""
import json
import re
import sqlite3
import time
import uuid

from harness import RosterTestCase
from httpraw import assert_error_shape
from signing import call


def scim_base(instance):
    return f"/roster/v1/instances/{instance}/scim"


class ScimMappingsTest(RosterTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.roster
        cls.iid = r.instance_id
        r.add_user("grouped1", "Agent")
        r.add_user("grouped2", "Agent")
        r.add_user("mgr1", "Admin")
        cls.admin_key = r.new_key(user="mgr1")
        boto = r.boto()
        users = {u["Username"]: u["Id"] for u in boto.list_users(InstanceId=cls.iid)["UserSummaryList"]}
        cls.g1, cls.g2 = users["grouped1"], users["grouped2"]
        boto.update_user_hierarchy_structure(
            InstanceId=cls.iid,
            HierarchyStructure={"LevelOne": {"Name": "Region"}, "LevelTwo": {"Name": "Site"}})
        cls.emea = boto.create_user_hierarchy_group(InstanceId=cls.iid, Name="EMEA")["HierarchyGroupId"]
        cls.paris = boto.create_user_hierarchy_group(InstanceId=cls.iid, Name="Paris",
                                                     ParentGroupId=cls.emea)["HierarchyGroupId"]
        cls.profiles = {p["Name"]: p["Id"]
                        for p in boto.list_security_profiles(InstanceId=cls.iid)["SecurityProfileSummaryList"]}

    # ---- helpers -----------------------------------------------------------------------------
    def push_group(self, name, *user_ids):
        """A SCIM group with these members, as the SCIM door stores one."""
        gid = str(uuid.uuid4())
        now = int(time.time() * 1000)
        with sqlite3.connect(self.roster.db, timeout=30) as db:
            db.execute("INSERT INTO scim_groups(id, instance_id, display_name, display_fold, version, created_ms, "
                       "modified_ms) VALUES (?, ?, ?, ?, 1, ?, ?)", (gid, self.iid, name, name.lower(), now, now))
            db.executemany("INSERT INTO scim_group_members(group_id, user_id) VALUES (?, ?)",
                           [(gid, u) for u in user_ids])
        return gid

    def mapping(self, *args, check=True):
        return self.roster.cli("scim-mapping", *args, check=check)

    def user(self, user_id):
        return self.roster.boto().describe_user(InstanceId=self.iid, UserId=user_id)["User"]

    def api(self, method, path, body=None, creds=None):
        data = json.dumps(body).encode() if body is not None else b""
        return call(self.roster, method, scim_base(self.iid) + path, body=data, creds=creds)

    def ok_json(self, resp):
        self.assertEqual(resp.status, 200, resp)
        return resp.json()

    # ---- the command line --------------------------------------------------------------------
    def test_cli_add_list_remove_changes_members(self):
        self.push_group("Night Shift", self.g1, self.g2)
        out = self.mapping("add", "--instance", self.iid, "--group", "night shift",
                           "--security-profile", "QualityAnalyst").stdout
        sp_map = re.search(r"Mapping id: (\S+)", out).group(1)
        out = self.mapping("add", "--instance", "default", "--group", "NIGHT SHIFT",
                           "--hierarchy-group", "EMEA / Paris", "--precedence", "7").stdout
        hg_map = re.search(r"Mapping id: (\S+)", out).group(1)
        for uid in (self.g1, self.g2):
            u = self.user(uid)
            self.assertEqual(sorted(u["SecurityProfileIds"]),
                             sorted([self.profiles["Agent"], self.profiles["QualityAnalyst"]]))
            self.assertEqual(u["HierarchyGroupId"], self.paris)
        listed = self.mapping("list", "--instance", self.iid).stdout
        self.assertRegex(listed, rf"{hg_map}\s+7\s+HIERARCHY_GROUP\s+\S+\s+NIGHT SHIFT\s+EMEA / Paris")
        self.assertRegex(listed, rf"{sp_map}\s+100\s+SECURITY_PROFILE\s+\S+\s+night shift\s+QualityAnalyst")
        audit = self.roster.cli("audit", "--user", "grouped1").stdout
        self.assertIn("ScimGroupMapping", audit)

        self.assertIn(f"removed {sp_map}", self.mapping("remove", "--instance", self.iid, sp_map).stdout)
        self.mapping("remove", "--instance", self.iid, hg_map)
        for uid in (self.g1, self.g2):
            u = self.user(uid)
            self.assertEqual(u["SecurityProfileIds"], [self.profiles["Agent"]])
            self.assertNotIn("HierarchyGroupId", u)
        self.assertNotIn(sp_map, self.mapping("list", "--instance", self.iid).stdout)

    def test_cli_refusals(self):
        p = self.mapping("add", "--instance", self.iid, "--group", "G", "--security-profile", "Agnet", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn('did you mean "Agent"', p.stderr)
        p = self.mapping("add", "--instance", self.iid, "--group", "G", "--hierarchy-group", "EMEA / Lyon",
                         check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("Lyon", p.stderr)
        for args in (["add", "--instance", self.iid, "--group", "G"],                      # no target
                     ["add", "--instance", self.iid, "--group", "G", "--routing-profile", "Basic Routing Profile",
                      "--security-profile", "Agent"],                                         # two targets
                     ["add", "--instance", self.iid, "--group", "G", "--security-profile", "Agent",
                      "--precedence", "soon"],
                     ["list"], ["remove", "--instance", self.iid], ["bogus", "--instance", self.iid]):
            with self.subTest(args=args):
                self.assertEqual(self.mapping(*args, check=False).returncode, 2)
        p = self.mapping("remove", "--instance", self.iid, str(uuid.uuid4()), check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("not found", p.stderr)
        p = self.mapping("list", "--instance", "no-such-instance", check=False)
        self.assertEqual(p.returncode, 1)

    # ---- the roster API ------------------------------------------------------------------------
    def test_api_settings(self):
        doc = self.ok_json(self.api("GET", "/settings"))
        self.assertEqual(doc, {"RoutingProfile": None, "SecurityProfiles": [], "AdminsEditSettings": False,
                               "DeleteDisables": False})
        doc = self.ok_json(self.api("PUT", "/settings", {"SecurityProfiles": ["Agent", "QualityAnalyst"],
                                                         "DeleteDisables": True}))
        self.assertEqual(sorted(doc["SecurityProfiles"]), ["Agent", "QualityAnalyst"])
        self.assertTrue(doc["DeleteDisables"])
        self.assertFalse(doc["AdminsEditSettings"])
        doc = self.ok_json(self.api("PUT", "/settings", {"RoutingProfile": "Basic Routing Profile"}))
        self.assertEqual(doc["RoutingProfile"], "Basic Routing Profile")
        self.assertTrue(doc["DeleteDisables"])                   # members left out stay
        self.assertIn("Routing profile: Basic Routing Profile\n",
                      self.roster.cli("scim-settings", "show", "--instance", self.iid).stdout)
        doc = self.ok_json(self.api("PUT", "/settings", {"RoutingProfile": "", "SecurityProfiles": [],
                                                         "DeleteDisables": False}))
        self.assertEqual(doc, {"RoutingProfile": None, "SecurityProfiles": [], "AdminsEditSettings": False,
                               "DeleteDisables": False})
        err = assert_error_shape(self, self.api("PUT", "/settings", {"RoutingProfile": "Nope"}), 404,
                                 "ResourceNotFoundException")
        self.assertEqual(err["Field"], "RoutingProfile")
        assert_error_shape(self, self.api("PUT", "/settings", {"Routing": "x"}), 400, "InvalidParameterException")
        assert_error_shape(self, self.api("PUT", "/settings", {"AdminsEditSettings": "yes"}), 400,
                           "InvalidParameterException")
        # an account-wide principal only
        assert_error_shape(self, self.api("GET", "/settings", creds=self.admin_key), 403, "AccessDeniedException")
        assert_error_shape(self, self.api("PUT", "/settings", {"DeleteDisables": True}, creds=self.admin_key), 403,
                           "AccessDeniedException")
        assert_error_shape(self, call(self.roster, "GET", scim_base(str(uuid.uuid4())) + "/settings"), 404,
                           "ResourceNotFoundException")
        by_alias = self.ok_json(call(self.roster, "GET", scim_base("default") + "/settings"))
        self.assertFalse(by_alias["AdminsEditSettings"])

    def test_api_mappings(self):
        gid = self.push_group("Api Team", self.g2)
        doc = self.ok_json(self.api("POST", "/mappings", {"GroupName": "api team", "Kind": "HIERARCHY_GROUP",
                                                          "Target": self.emea, "Precedence": 3}))
        m = doc["Mapping"]
        self.assertEqual((m["GroupName"], m["Kind"], m["TargetId"], m["Target"], m["Precedence"]),
                         ("api team", "HIERARCHY_GROUP", self.emea, "EMEA", 3))
        self.assertIsInstance(m["CreatedTime"], (int, float))
        self.assertEqual(self.user(self.g2)["HierarchyGroupId"], self.emea)
        listed = self.ok_json(self.api("GET", "/mappings"))["Mappings"]
        self.assertIn(m["MappingId"], [x["MappingId"] for x in listed])
        dup = assert_error_shape(self, self.api("POST", "/mappings", {"GroupName": "API TEAM", "Kind": "HIERARCHY_GROUP",
                                                                      "Target": "EMEA"}), 409)
        self.assertEqual(dup["Field"], "GroupName")
        for body, status, field in (({"GroupName": "x", "Kind": "QUEUE", "Target": "y"}, 400, "Kind"),
                                    ({"GroupName": "x", "Kind": "ROUTING_PROFILE", "Target": "Nope"}, 404, "Target"),
                                    ({"GroupName": "", "Kind": "ROUTING_PROFILE", "Target": "Basic Routing Profile"},
                                     400, "GroupName"),
                                    ({"GroupName": "x", "Kind": "ROUTING_PROFILE", "Target": "Basic Routing Profile",
                                      "Precedence": 1000001}, 400, "Precedence"),
                                    ({"Kind": "ROUTING_PROFILE", "Target": "Basic Routing Profile"}, 400, "GroupName"),
                                    ({"GroupName": "x", "Kind": "ROUTING_PROFILE", "Target": "y", "Extra": 1}, 400,
                                     None)):
            with self.subTest(body=body):
                err = assert_error_shape(self, self.api("POST", "/mappings", body), status)
                if field:
                    self.assertEqual(err.get("Field"), field, err)
        assert_error_shape(self, self.api("POST", "/mappings", {"GroupName": "x", "Kind": "SECURITY_PROFILE",
                                                                "Target": "Agent"}, creds=self.admin_key), 403,
                           "AccessDeniedException")
        resp = self.api("DELETE", f"/mappings/{m['MappingId']}")
        self.assertEqual(resp.status, 200, resp)
        self.assertNotIn("HierarchyGroupId", self.user(self.g2))
        assert_error_shape(self, self.api("DELETE", f"/mappings/{m['MappingId']}"), 404, "ResourceNotFoundException")
        self.assertNotIn(m["MappingId"], [x["MappingId"] for x in self.ok_json(self.api("GET", "/mappings"))["Mappings"]])
        self.assertTrue(gid)

    def test_group_derived_settings_are_read_only_for_admins(self):
        self.roster.add_user("managed1", "Agent")
        boto = self.roster.boto()
        uid = next(u["Id"] for u in boto.list_users(InstanceId=self.iid)["UserSummaryList"]
                   if u["Username"] == "managed1")
        with sqlite3.connect(self.roster.db, timeout=30) as db:   # as a SCIM create leaves it
            db.execute("UPDATE users SET externally_managed = 1 WHERE id = ?", (uid,))
        self.push_group("Locked", uid)
        rp = boto.create_routing_profile(
            InstanceId=self.iid, Name="Locked RP", Description="d",
            DefaultOutboundQueueId=boto.list_queues(InstanceId=self.iid, QueueTypes=["STANDARD"])
            ["QueueSummaryList"][0]["Id"],
            MediaConcurrencies=[{"Channel": "VOICE", "Concurrency": 1}])["RoutingProfileId"]
        self.ok_json(self.api("PUT", "/settings", {"AdminsEditSettings": True}))
        try:
            self.ok_json(self.api("POST", "/mappings", {"GroupName": "Locked", "Kind": "ROUTING_PROFILE",
                                                        "Target": "Locked RP"}))
            self.assertEqual(self.user(uid)["RoutingProfileId"], rp)
            admin = self.roster.boto(self.admin_key)
            basic = next(p["Id"] for p in boto.list_routing_profiles(InstanceId=self.iid)["RoutingProfileSummaryList"]
                         if p["Name"] == "Basic Routing Profile")
            err = self.assertBotoError("InvalidRequestException", admin.update_user_routing_profile,
                                       InstanceId=self.iid, UserId=uid, RoutingProfileId=basic)
            self.assertIn("routing profile", str(err))
            admin.update_user_phone_config(InstanceId=self.iid, UserId=uid,
                                           PhoneConfig={"PhoneType": "SOFT_PHONE", "AfterContactWorkTimeLimit": 30})
            self.assertEqual(self.user(uid)["PhoneConfig"]["AfterContactWorkTimeLimit"], 30)
            self.assertEqual(self.user(uid)["RoutingProfileId"], rp)
        finally:
            self.ok_json(self.api("PUT", "/settings", {"AdminsEditSettings": False}))
