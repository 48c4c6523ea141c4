"""test_hierarchy.py — the agent hierarchy through the real aws CLI and boto3: the structure
(levels One..Five), groups (create, describe with the full path, list, search, rename, delete),
every error they can answer, permissions of user keys, and auto-pagination over 1,200 groups.

Each test that shapes a hierarchy works in an instance of its own (CreateInstance), so tests do
not see each other's levels or groups.
"""
import concurrent.futures
import json
import re
import unittest
import uuid

from harness import RosterTestCase

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
LEVELS = ["LevelOne", "LevelTwo", "LevelThree", "LevelFour", "LevelFive"]
NAMES = ["Planet", "Continent", "Country", "Region", "City"]


def structure(n):
    """HierarchyStructure with the first n levels named from NAMES."""
    return {LEVELS[i]: {"Name": NAMES[i]} for i in range(n)}


class HierarchyTest(RosterTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.b = cls.roster.boto()
        cls.raw = cls.roster.boto(validate=False)

    def new_instance(self, levels=0):
        iid = self.b.create_instance(IdentityManagementType="CONNECT_MANAGED", InboundCallsEnabled=True,
                                     OutboundCallsEnabled=True)["Id"]
        if levels:
            self.b.update_user_hierarchy_structure(InstanceId=iid, HierarchyStructure=structure(levels))
        return iid

    def group_arn_re(self, iid):
        return re.compile(rf"^arn:aws:connect:us-east-1:\d{{12}}:instance/{iid}/agent-group/({UUID})$")

    def create(self, iid, name, parent=None, **kw):
        args = dict(InstanceId=iid, Name=name, **kw)
        if parent:
            args["ParentGroupId"] = parent
        return self.b.create_user_hierarchy_group(**args)["HierarchyGroupId"]

    # ---- the structure -------------------------------------------------------------------------
    def test_structure_cli_set_rename_describe(self):
        iid = self.new_instance()
        out = self.aws_ok("describe-user-hierarchy-structure", "--instance-id", iid)
        self.assertEqual(out, {"HierarchyStructure": {}})
        self.assertIsNone(self.aws_ok("update-user-hierarchy-structure", "--instance-id", iid,
                                      "--hierarchy-structure", json.dumps(structure(2))))
        hs = self.aws_ok("describe-user-hierarchy-structure", "--instance-id", iid)["HierarchyStructure"]
        self.assertEqual(sorted(hs), ["LevelOne", "LevelTwo"])
        for i, key in enumerate(["LevelOne", "LevelTwo"]):
            lvl = hs[key]
            self.assertEqual(lvl["Name"], NAMES[i])
            self.assertRegex(lvl["Id"], f"^{UUID}$")
            self.assertRegex(lvl["Arn"],
                             rf"^arn:aws:connect:us-east-1:\d{{12}}:instance/{iid}/agent-group-level/{i + 1}$")
            self.assertIsInstance(lvl["LastModifiedTime"], (int, float))
            self.assertEqual(lvl["LastModifiedRegion"], "us-east-1")
        # Renaming LevelTwo and adding LevelThree (shorthand syntax) keeps the existing Ids.
        self.aws_ok("update-user-hierarchy-structure", "--instance-id", iid, "--hierarchy-structure",
                    "LevelOne={Name=Planet},LevelTwo={Name=Landmass},LevelThree={Name=Country}")
        hs2 = self.b.describe_user_hierarchy_structure(InstanceId=iid)["HierarchyStructure"]
        self.assertEqual(hs2["LevelOne"]["Id"], hs["LevelOne"]["Id"])
        self.assertEqual(hs2["LevelTwo"]["Id"], hs["LevelTwo"]["Id"])
        self.assertEqual(hs2["LevelTwo"]["Name"], "Landmass")
        self.assertEqual(hs2["LevelThree"]["Name"], "Country")
        self.assertNotIn(hs2["LevelThree"]["Id"], {hs["LevelOne"]["Id"], hs["LevelTwo"]["Id"]})
        # Unused levels can be removed, down to none.
        self.b.update_user_hierarchy_structure(InstanceId=iid, HierarchyStructure={})
        self.assertEqual(self.b.describe_user_hierarchy_structure(InstanceId=iid)["HierarchyStructure"], {})

    def test_structure_errors(self):
        iid = self.new_instance()
        err = self.assertAwsError(self.roster.aws("update-user-hierarchy-structure", "--instance-id", iid,
                                                  "--hierarchy-structure",
                                                  "LevelOne={Name=A},LevelThree={Name=C}"),
                                  "InvalidParameterException", "LevelThree is given without LevelTwo")
        self.assertIn("contiguous", err)
        self.assertBotoError("InvalidParameterException", self.b.update_user_hierarchy_structure, InstanceId=iid,
                             HierarchyStructure={"LevelTwo": {"Name": "B"}})
        self.assertBotoError("InvalidParameterException", self.b.update_user_hierarchy_structure, InstanceId=iid,
                             HierarchyStructure={"LevelOne": {"Name": "x" * 51}})
        self.assertBotoError("InvalidParameterException", self.b.update_user_hierarchy_structure, InstanceId=iid,
                             HierarchyStructure={"LevelOne": {"Name": "Same"}, "LevelTwo": {"Name": "Same"}})
        # What the clients would refuse, sent anyway.
        raw = self.roster.boto(validate=False)
        body = json.dumps({"HierarchyStructure": {"LevelOne": {"Name": "A"}, "LevelSix": {"Name": "F"}}})

        def replace_body(request, **_):
            request.data = body.encode()

        raw.meta.events.register("before-sign.connect.UpdateUserHierarchyStructure", replace_body)
        e = self.assertBotoError("InvalidParameterException", raw.update_user_hierarchy_structure, InstanceId=iid,
                                 HierarchyStructure=structure(1))
        self.assertIn("LevelSix", e.response["Error"]["Message"])
        self.assertBotoError("InvalidParameterException", self.raw.update_user_hierarchy_structure, InstanceId=iid,
                             HierarchyStructure={"LevelOne": {}})
        self.assertBotoError("ResourceNotFoundException", self.b.update_user_hierarchy_structure,
                             InstanceId=str(uuid.uuid4()), HierarchyStructure=structure(1))
        self.assertEqual(self.b.describe_user_hierarchy_structure(InstanceId=iid)["HierarchyStructure"], {})

    def test_remove_level_in_use(self):
        iid = self.new_instance(3)
        top = self.create(iid, "Earth")
        child = self.create(iid, "Europe", top)
        err = self.assertAwsError(self.roster.aws("update-user-hierarchy-structure", "--instance-id", iid,
                                                  "--hierarchy-structure", "LevelOne={Name=Planet}"),
                                  "ResourceInUseException", "LevelTwo")
        e = self.assertBotoError("ResourceInUseException", self.b.update_user_hierarchy_structure, InstanceId=iid,
                                 HierarchyStructure=structure(1))
        self.assertEqual(e.response["ResourceType"], "HIERARCHY_LEVEL")
        self.assertRegex(e.response["ResourceId"],
                         rf"^arn:aws:connect:us-east-1:\d{{12}}:instance/{iid}/agent-group-level/2$")
        self.assertIn("LevelTwo", err)
        # Nothing changed; the unused LevelThree can go, and LevelTwo once its group is gone.
        self.assertIn("LevelThree", self.b.describe_user_hierarchy_structure(InstanceId=iid)["HierarchyStructure"])
        self.b.update_user_hierarchy_structure(InstanceId=iid, HierarchyStructure=structure(2))
        self.b.delete_user_hierarchy_group(InstanceId=iid, HierarchyGroupId=child)
        self.b.update_user_hierarchy_structure(InstanceId=iid, HierarchyStructure=structure(1))
        self.assertEqual(list(self.b.describe_user_hierarchy_structure(InstanceId=iid)["HierarchyStructure"]),
                         ["LevelOne"])

    # ---- groups ----------------------------------------------------------------------------------
    def test_five_level_chain_describe_cli(self):
        iid = self.new_instance(5)
        ids = []
        for i, name in enumerate(["Earth", "Europe", "France", "Brittany", "Rennes"]):
            args = ["create-user-hierarchy-group", "--instance-id", iid, "--name", name]
            if ids:
                args += ["--parent-group-id", ids[-1]]
            if i == 4:
                args += ["--tags", "team=west,floor=2"]
            out = self.aws_ok(*args)
            m = self.group_arn_re(iid).match(out["HierarchyGroupArn"])
            self.assertIsNotNone(m, out)
            self.assertEqual(m.group(1), out["HierarchyGroupId"])
            ids.append(out["HierarchyGroupId"])
        g = self.aws_ok("describe-user-hierarchy-group", "--instance-id", iid,
                        "--hierarchy-group-id", ids[4])["HierarchyGroup"]
        self.assertEqual(g["Id"], ids[4])
        self.assertEqual(g["Name"], "Rennes")
        self.assertRegex(g["Arn"], self.group_arn_re(iid))
        hs = self.b.describe_user_hierarchy_structure(InstanceId=iid)["HierarchyStructure"]
        self.assertEqual(g["LevelId"], "5")  # the level's number, as Amazon Connect shows it
        self.assertEqual(g["Tags"], {"team": "west", "floor": "2"})
        self.assertIsInstance(g["LastModifiedTime"], (int, float))
        self.assertEqual(g["LastModifiedRegion"], "us-east-1")
        path = g["HierarchyPath"]
        self.assertEqual(list(path), LEVELS)
        for level, gid in zip(LEVELS, ids):
            s = path[level]
            self.assertEqual(s["Id"], gid)
            self.assertEqual(self.group_arn_re(iid).match(s["Arn"]).group(1), gid)
            self.assertIsInstance(s["LastModifiedTime"], (int, float))
            self.assertEqual(s["LastModifiedRegion"], "us-east-1")
        self.assertEqual([path[k]["Name"] for k in LEVELS], ["Earth", "Europe", "France", "Brittany", "Rennes"])
        # A level-one group's path is itself; no Tags member when there are none.
        top = self.b.describe_user_hierarchy_group(InstanceId=iid, HierarchyGroupId=ids[0])["HierarchyGroup"]
        self.assertEqual(list(top["HierarchyPath"]), ["LevelOne"])
        self.assertEqual(top["LevelId"], "1")
        self.assertNotIn("Tags", top)
        # Nothing sits below level five.
        self.assertAwsError(self.roster.aws("create-user-hierarchy-group", "--instance-id", iid, "--name", "Street",
                                            "--parent-group-id", ids[4]), "InvalidParameterException", "level five")

    def test_create_errors(self):
        iid = self.new_instance()
        self.assertAwsError(self.roster.aws("create-user-hierarchy-group", "--instance-id", iid, "--name", "Earth"),
                            "InvalidParameterException", "no LevelOne")
        self.b.update_user_hierarchy_structure(InstanceId=iid, HierarchyStructure=structure(1))
        earth = self.create(iid, "Earth")
        self.assertAwsError(self.roster.aws("create-user-hierarchy-group", "--instance-id", iid, "--name", "Earth"),
                            "DuplicateResourceException", "Earth")
        # The structure has no LevelTwo, so a child of a level-one group has nowhere to sit.
        self.assertAwsError(self.roster.aws("create-user-hierarchy-group", "--instance-id", iid, "--name", "Europe",
                                            "--parent-group-id", earth), "InvalidParameterException", "LevelTwo")
        self.assertAwsError(self.roster.aws("create-user-hierarchy-group", "--instance-id", iid, "--name", "Mars",
                                            "--parent-group-id", str(uuid.uuid4())), "ResourceNotFoundException")
        self.assertAwsError(self.roster.aws("create-user-hierarchy-group", "--instance-id", iid, "--name", "x" * 101),
                            "InvalidParameterException", "1 to 100")
        self.assertAwsError(self.roster.aws("create-user-hierarchy-group", "--instance-id", iid, "--name", "Venus",
                                            "--tags", "aws:reserved=1"), "InvalidParameterException", "aws:")
        self.assertBotoError("InvalidParameterException", self.raw.create_user_hierarchy_group, InstanceId=iid,
                             Name="")
        self.assertBotoError("InvalidParameterException", self.raw.create_user_hierarchy_group, InstanceId=iid,
                             Name="Venus", Tags={})
        self.assertBotoError("ResourceNotFoundException", self.b.create_user_hierarchy_group,
                             InstanceId=str(uuid.uuid4()), Name="Venus")
        # A parent in another instance is not found here.
        other = self.new_instance(2)
        there = self.create(other, "There")
        self.assertBotoError("ResourceNotFoundException", self.b.create_user_hierarchy_group, InstanceId=iid,
                             Name="Child", ParentGroupId=there)
        # 100 characters (not bytes) is the limit; a name may repeat across instances.
        self.create(iid, "é" * 100)
        self.create(other, "Earth")
        names = [s["Name"] for s in self.b.list_user_hierarchy_groups(InstanceId=iid)["UserHierarchyGroupSummaryList"]]
        self.assertEqual(names, ["Earth", "é" * 100])

    def test_unknown_group(self):
        iid = self.new_instance(1)
        nope = str(uuid.uuid4())
        self.assertAwsError(self.roster.aws("describe-user-hierarchy-group", "--instance-id", iid,
                                            "--hierarchy-group-id", nope), "ResourceNotFoundException", nope)
        self.assertAwsError(self.roster.aws("delete-user-hierarchy-group", "--instance-id", iid,
                                            "--hierarchy-group-id", nope), "ResourceNotFoundException")
        self.assertAwsError(self.roster.aws("update-user-hierarchy-group-name", "--instance-id", iid,
                                            "--hierarchy-group-id", nope, "--name", "X"), "ResourceNotFoundException")
        # A group of another instance is not found through this one.
        gid = self.create(iid, "Mine")
        other = self.new_instance()
        self.assertBotoError("ResourceNotFoundException", self.b.describe_user_hierarchy_group, InstanceId=other,
                             HierarchyGroupId=gid)

    def test_rename(self):
        iid = self.new_instance(1)
        a, b = self.create(iid, "Alpha"), self.create(iid, "Beta")
        before = self.b.describe_user_hierarchy_group(InstanceId=iid, HierarchyGroupId=a)["HierarchyGroup"]
        self.assertAwsError(self.roster.aws("update-user-hierarchy-group-name", "--instance-id", iid,
                                            "--hierarchy-group-id", a, "--name", "Beta"), "DuplicateResourceException")
        self.assertIsNone(self.aws_ok("update-user-hierarchy-group-name", "--instance-id", iid,
                                      "--hierarchy-group-id", a, "--name", "Gamma"))
        after = self.b.describe_user_hierarchy_group(InstanceId=iid, HierarchyGroupId=a)["HierarchyGroup"]
        self.assertEqual(after["Name"], "Gamma")
        self.assertGreaterEqual(after["LastModifiedTime"], before["LastModifiedTime"])
        self.b.update_user_hierarchy_group_name(InstanceId=iid, HierarchyGroupId=b, Name="Beta")  # its own name
        self.assertBotoError("InvalidParameterException", self.b.update_user_hierarchy_group_name, InstanceId=iid,
                             HierarchyGroupId=a, Name="y" * 101)
        self.assertBotoError("InvalidParameterException", self.raw.update_user_hierarchy_group_name, InstanceId=iid,
                             HierarchyGroupId=a, Name="")
        self.create(iid, "Alpha")  # the old name is free again

    def test_delete_with_children(self):
        iid = self.new_instance(2)
        parent = self.create(iid, "Parent", Tags={"k": "v"})
        child = self.create(iid, "Child", parent)
        err = self.assertAwsError(self.roster.aws("delete-user-hierarchy-group", "--instance-id", iid,
                                                  "--hierarchy-group-id", parent), "ResourceInUseException")
        self.assertIn("child group", err)
        e = self.assertBotoError("ResourceInUseException", self.b.delete_user_hierarchy_group, InstanceId=iid,
                                 HierarchyGroupId=parent)
        self.assertEqual(e.response["ResourceType"], "HIERARCHY_GROUP")
        self.assertEqual(e.response["ResourceId"],
                         self.b.describe_user_hierarchy_group(InstanceId=iid, HierarchyGroupId=parent)
                         ["HierarchyGroup"]["Arn"])
        self.assertIsNone(self.aws_ok("delete-user-hierarchy-group", "--instance-id", iid,
                                      "--hierarchy-group-id", child))
        self.b.delete_user_hierarchy_group(InstanceId=iid, HierarchyGroupId=parent)
        self.assertBotoError("ResourceNotFoundException", self.b.describe_user_hierarchy_group, InstanceId=iid,
                             HierarchyGroupId=parent)
        self.assertBotoError("ResourceNotFoundException", self.b.delete_user_hierarchy_group, InstanceId=iid,
                             HierarchyGroupId=parent)
        self.assertEqual(self.b.list_user_hierarchy_groups(InstanceId=iid)["UserHierarchyGroupSummaryList"], [])
        # The name is free again.
        self.create(iid, "Parent")

    def test_delete_group_with_users(self):
        iid = self.new_instance(2)
        parent = self.create(iid, "Parent")
        child = self.create(iid, "Child", parent)
        sp = self.b.list_security_profiles(InstanceId=iid)["SecurityProfileSummaryList"][0]["Id"]
        rp = self.b.list_routing_profiles(InstanceId=iid)["RoutingProfileSummaryList"][0]["Id"]
        uid = self.b.create_user(InstanceId=iid, Username="grouped", Password="Passw0rd!x",
                                 IdentityInfo={"FirstName": "G", "LastName": "U", "Email": "g@example.com"},
                                 SecurityProfileIds=[sp], RoutingProfileId=rp, HierarchyGroupId=child)["UserId"]
        err = self.assertAwsError(self.roster.aws("delete-user-hierarchy-group", "--instance-id", iid,
                                                  "--hierarchy-group-id", child), "ResourceInUseException")
        self.assertIn("1 user", err)
        e = self.assertBotoError("ResourceInUseException", self.b.delete_user_hierarchy_group, InstanceId=iid,
                                 HierarchyGroupId=child)
        self.assertEqual(e.response["ResourceType"], "HIERARCHY_GROUP")
        # Moved to the parent, the user keeps the parent instead.
        self.b.update_user_hierarchy(InstanceId=iid, UserId=uid, HierarchyGroupId=parent)
        self.b.delete_user_hierarchy_group(InstanceId=iid, HierarchyGroupId=child)
        self.assertIn("1 user", self.assertAwsError(self.roster.aws("delete-user-hierarchy-group", "--instance-id",
                                                                    iid, "--hierarchy-group-id", parent),
                                                    "ResourceInUseException"))
        # Out of the hierarchy (the CLI sends {}), the user no longer holds any group.
        self.assertIsNone(self.aws_ok("update-user-hierarchy", "--instance-id", iid, "--user-id", uid))
        self.assertNotIn("HierarchyGroupId", self.b.describe_user(InstanceId=iid, UserId=uid)["User"])
        self.b.delete_user_hierarchy_group(InstanceId=iid, HierarchyGroupId=parent)
        self.assertEqual(self.b.list_user_hierarchy_groups(InstanceId=iid)["UserHierarchyGroupSummaryList"], [])

    def test_list_and_paging_errors(self):
        iid = self.new_instance(1)
        ids = {self.create(iid, f"g{i}") for i in range(5)}
        p1 = self.b.list_user_hierarchy_groups(InstanceId=iid, MaxResults=3)
        self.assertEqual(len(p1["UserHierarchyGroupSummaryList"]), 3)
        p2 = self.b.list_user_hierarchy_groups(InstanceId=iid, MaxResults=3, NextToken=p1["NextToken"])
        self.assertNotIn("NextToken", p2)
        got = [s["Id"] for s in p1["UserHierarchyGroupSummaryList"] + p2["UserHierarchyGroupSummaryList"]]
        self.assertEqual(set(got), ids)
        for s in p1["UserHierarchyGroupSummaryList"]:
            self.assertEqual(sorted(s), ["Arn", "Id", "LastModifiedRegion", "LastModifiedTime", "Name"])
        self.assertAwsError(self.roster.aws("list-user-hierarchy-groups", "--instance-id", iid, "--max-results",
                                            "5000"), "InvalidParameterException", "between 1 and 1000")
        self.assertBotoError("InvalidParameterException", self.raw.list_user_hierarchy_groups, InstanceId=iid,
                             MaxResults=0)
        self.assertAwsError(self.roster.aws("list-user-hierarchy-groups", "--instance-id", iid, "--next-token",
                                            "not-a-token"), "InvalidParameterException", "token")
        self.assertBotoError("InvalidParameterException", self.b.search_user_hierarchy_groups, InstanceId=iid,
                             MaxResults=101)
        self.assertBotoError("InvalidParameterException", self.raw.search_user_hierarchy_groups, InstanceId=iid,
                             MaxResults=0)
        self.assertAwsError(self.roster.aws("search-user-hierarchy-groups", "--instance-id", iid, "--next-token",
                                            "bm90IGEgdG9rZW4"), "InvalidParameterException", "token")
        # A list token is not a search token.
        self.assertBotoError("InvalidParameterException", self.b.search_user_hierarchy_groups, InstanceId=iid,
                             NextToken=p1["NextToken"])
        self.assertBotoError("ResourceNotFoundException", self.b.list_user_hierarchy_groups,
                             InstanceId=str(uuid.uuid4()))
        self.assertBotoError("ResourceNotFoundException", self.b.search_user_hierarchy_groups,
                             InstanceId=str(uuid.uuid4()))

    def test_agent_key_refused(self):
        self.roster.add_user("a1", "Agent")
        agent = self.roster.new_key(user="a1")
        iid = self.roster.instance_id
        b = self.roster.boto(creds=agent)
        for fn, kw in [(b.describe_user_hierarchy_structure, {}),
                       (b.update_user_hierarchy_structure, {"HierarchyStructure": structure(1)}),
                       (b.create_user_hierarchy_group, {"Name": "X"}),
                       (b.describe_user_hierarchy_group, {"HierarchyGroupId": str(uuid.uuid4())}),
                       (b.list_user_hierarchy_groups, {}),
                       (b.search_user_hierarchy_groups, {}),
                       (b.update_user_hierarchy_group_name, {"HierarchyGroupId": str(uuid.uuid4()), "Name": "Y"}),
                       (b.delete_user_hierarchy_group, {"HierarchyGroupId": str(uuid.uuid4())})]:
            with self.subTest(op=fn.__name__):
                e = self.assertBotoError("AccessDeniedException", fn, InstanceId=iid, **kw)
                self.assertIn("AgentGrouping.", e.response["Error"]["Message"])
        err = self.assertAwsError(self.roster.aws("list-user-hierarchy-groups", "--instance-id", iid, creds=agent),
                                  "AccessDeniedException", "AgentGrouping.View")
        self.assertIn("a1", err)
        # The Admin's key may.
        self.roster.add_user("boss", "Admin")
        boss = self.roster.boto(creds=self.roster.new_key(user="boss"))
        boss.describe_user_hierarchy_structure(InstanceId=iid)

    def test_search_criteria_and_tag_filter(self):
        iid = self.new_instance(2)
        hs = self.b.describe_user_hierarchy_structure(InstanceId=iid)["HierarchyStructure"]
        earth = self.create(iid, "Earth", Tags={"color": "blue", "kind": "planet"})
        mars = self.create(iid, "Mars", Tags={"color": "red", "kind": "planet"})
        europe = self.create(iid, "Europe", earth, Tags={"color": "blue"})
        self.create(iid, "Asia", earth)
        olympus = self.create(iid, "Olympus Mons", mars, Tags={"kind": "volcano"})

        def names(**kw):
            out = self.b.search_user_hierarchy_groups(InstanceId=iid, **kw)
            self.assertEqual(out["ApproximateTotalCount"], len(out["UserHierarchyGroups"]))
            return [g["Name"] for g in out["UserHierarchyGroups"]]

        def cond(field, value, cmp="EXACT"):
            return {"StringCondition": {"FieldName": field, "Value": value, "ComparisonType": cmp}}

        self.assertEqual(names(), ["Asia", "Earth", "Europe", "Mars", "Olympus Mons"])
        self.assertEqual(names(SearchCriteria=cond("parentId", earth)), ["Asia", "Europe"])
        self.assertEqual(names(SearchCriteria=cond("levelId", "1")), ["Earth", "Mars"])
        self.assertEqual(names(SearchCriteria=cond("levelId", "2")), ["Asia", "Europe", "Olympus Mons"])
        # The level's own Id (from DescribeUserHierarchyStructure) finds the same groups.
        self.assertEqual(names(SearchCriteria=cond("levelId", hs["LevelOne"]["Id"])), ["Earth", "Mars"])
        self.assertEqual(names(SearchCriteria=cond("resourceID", olympus)), ["Olympus Mons"])
        self.assertEqual(names(SearchCriteria=cond("resourceId", europe)), ["Europe"])
        self.assertEqual(names(SearchCriteria=cond("name", "MONS", "CONTAINS")), ["Olympus Mons"])
        self.assertEqual(names(SearchCriteria=cond("name", "e", "STARTS_WITH")), ["Earth", "Europe"])
        self.assertEqual(names(SearchCriteria=cond("name", "earth")), [])  # EXACT is exact
        nested = {"OrConditions": [cond("name", "Asia"),
                                   {"AndConditions": [cond("parentId", mars), cond("name", "Olympus", "STARTS_WITH")]}]}
        self.assertEqual(names(SearchCriteria=nested), ["Asia", "Olympus Mons"])
        # ControlPlaneAttributeFilter over tags, alone and with criteria.
        tag = {"TagCondition": {"TagKey": "color", "TagValue": "blue"}}
        self.assertEqual(names(SearchFilter={"AttributeFilter": tag}), ["Earth", "Europe"])
        self.assertEqual(names(SearchFilter={"AttributeFilter": {"TagCondition": {"TagKey": "kind"}}}),
                         ["Earth", "Mars", "Olympus Mons"])
        anded = {"AndCondition": {"TagConditions": [{"TagKey": "kind", "TagValue": "planet"},
                                                    {"TagKey": "color", "TagValue": "red"}]}}
        self.assertEqual(names(SearchFilter={"AttributeFilter": anded}), ["Mars"])
        ored = {"OrConditions": [{"TagConditions": [{"TagKey": "kind", "TagValue": "volcano"}]},
                                 {"TagConditions": [{"TagKey": "color", "TagValue": "red"}]}]}
        self.assertEqual(names(SearchFilter={"AttributeFilter": ored}), ["Mars", "Olympus Mons"])
        self.assertEqual(names(SearchFilter={"AttributeFilter": tag}, SearchCriteria=cond("parentId", earth)),
                         ["Europe"])
        # Results are whole HierarchyGroup shapes.
        g = self.b.search_user_hierarchy_groups(InstanceId=iid, SearchCriteria=cond("resourceID", europe))
        g = g["UserHierarchyGroups"][0]
        self.assertEqual(g["LevelId"], "2")
        self.assertEqual([g["HierarchyPath"][k]["Id"] for k in ["LevelOne", "LevelTwo"]], [earth, europe])
        self.assertEqual(g["Tags"], {"color": "blue"})
        self.assertRegex(g["Arn"], self.group_arn_re(iid))
        # The CLI sends the criteria as JSON and prints the same.
        out = self.aws_ok("search-user-hierarchy-groups", "--instance-id", iid, "--search-criteria",
                          json.dumps(cond("parentId", earth)))
        self.assertEqual([x["Name"] for x in out["UserHierarchyGroups"]], ["Asia", "Europe"])
        self.assertEqual(out["ApproximateTotalCount"], 2)
        # Errors.
        self.assertBotoError("InvalidParameterException", self.b.search_user_hierarchy_groups, InstanceId=iid,
                             SearchCriteria=cond("Username", "x"))
        self.assertBotoError("InvalidParameterException", self.raw.search_user_hierarchy_groups, InstanceId=iid,
                             SearchCriteria=cond("name", "x", "LIKE"))
        self.assertBotoError("InvalidParameterException", self.b.search_user_hierarchy_groups, InstanceId=iid,
                             SearchFilter={"AttributeFilter": {"TagCondition": {"TagValue": "blue"}}})


class HierarchyPaginationTest(RosterTestCase):
    """1,200 groups: the CLI's auto-pagination walks them all, without a duplicate or a gap."""

    N = 1200

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        b = cls.roster.boto()
        cls.iid = iid = cls.roster.instance_id
        b.update_user_hierarchy_structure(InstanceId=iid, HierarchyStructure=structure(1))

        def make(i):
            tags = {"parity": "even" if i % 2 == 0 else "odd"}
            return b.create_user_hierarchy_group(InstanceId=iid, Name=f"grp-{i:04d}", Tags=tags)["HierarchyGroupId"]

        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            ids = list(pool.map(make, range(cls.N)))
        cls.ids = dict(zip(ids, (f"grp-{i:04d}" for i in range(cls.N))))

    def pages_served(self, path_part):
        return sum(1 for line in self.roster.log().splitlines() if path_part in line)

    def test_cli_list_autopaginates_1200(self):
        before = self.pages_served("/user-hierarchy-groups-summary/")
        out = self.aws_ok("list-user-hierarchy-groups", "--instance-id", self.iid)
        got = [s["Id"] for s in out["UserHierarchyGroupSummaryList"]]
        self.assertEqual(len(got), self.N)
        self.assertEqual(len(set(got)), self.N, "duplicate across pages")
        self.assertEqual(set(got), set(self.ids), "gap across pages")
        self.assertEqual([s["Name"] for s in out["UserHierarchyGroupSummaryList"]], sorted(self.ids.values()))
        self.assertNotIn("NextToken", out)
        self.assertEqual(self.pages_served("/user-hierarchy-groups-summary/") - before, 12)  # pages of 100
        # --page-size changes the page, not the result.
        paged = self.aws_ok("list-user-hierarchy-groups", "--instance-id", self.iid, "--page-size", "1000")
        self.assertEqual([s["Id"] for s in paged["UserHierarchyGroupSummaryList"]], got)

    def test_cli_search_autopaginates(self):
        criteria = {"OrConditions": [
            {"StringCondition": {"FieldName": "name", "Value": f"grp-0{d}", "ComparisonType": "STARTS_WITH"}}
            for d in "0123"]}
        tag_filter = {"AttributeFilter": {"TagCondition": {"TagKey": "parity", "TagValue": "even"}}}
        want = {gid for gid, name in self.ids.items()
                if name[:6] in ("grp-00", "grp-01", "grp-02", "grp-03") and int(name[4:]) % 2 == 0}
        self.assertEqual(len(want), 200)
        out = self.aws_ok("search-user-hierarchy-groups", "--instance-id", self.iid, "--search-criteria",
                          json.dumps(criteria), "--search-filter", json.dumps(tag_filter), "--page-size", "30")
        got = [g["Id"] for g in out["UserHierarchyGroups"]]
        self.assertEqual(len(got), len(set(got)), "duplicate across pages")
        self.assertEqual(set(got), want)
        self.assertEqual(out["ApproximateTotalCount"], 200)
        # No criteria: everything, in pages of the default size.
        out = self.aws_ok("search-user-hierarchy-groups", "--instance-id", self.iid)
        got = [g["Id"] for g in out["UserHierarchyGroups"]]
        self.assertEqual(len(got), self.N)
        self.assertEqual(set(got), set(self.ids))
        self.assertEqual(out["ApproximateTotalCount"], self.N)


if __name__ == "__main__":
    unittest.main()
