"""test_console_list.py — the console's user list (GET /roster/v1/instances/{I}/console/users) and
its filter as a bulk selection (Selection.Filter), plus Changes.Disabled.

One instance of 60 users spread over routing profiles, security profiles (roles), hierarchy
groups, phone types, with names that tie ignoring case and badges set in the SQLite file. The
expected answer of every request is computed here from what DescribeUser and the profiles say
(the contract's rules written again in Python) and compared with the server's, for each filter,
each column both ways, every page size and several offsets.
"""
import json
import sqlite3
import unittest

from harness import RosterTestCase
from import_support import api, get_job, items, wait_job


def fold(s):
    """ASCII lower case, as the server compares names."""
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in s)


def role_of(perms):
    if "Users.Create" in perms or "Users.Edit" in perms:
        return "Manager"
    if "Users.View" in perms:
        return "Supervisor"
    return "Agent"


LEVEL = {"Agent": 0, "Supervisor": 1, "Manager": 2}
COLUMNS = ("Username", "FirstName", "LastName", "Role", "RoutingProfile", "SecurityProfiles", "AgentHierarchy",
           "PhoneType")


class ConsoleListTest(RosterTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        b = cls.b = cls.roster.boto()
        cls.iid = iid = b.create_instance(IdentityManagementType="SAML", InboundCallsEnabled=True,
                                          OutboundCallsEnabled=True)["Id"]
        queue = b.list_queues(InstanceId=iid, QueueTypes=["STANDARD"])["QueueSummaryList"][0]["Id"]
        for name in ("alpha Routing", "Zulu Routing"):
            b.create_routing_profile(InstanceId=iid, Name=name, Description="d", DefaultOutboundQueueId=queue,
                                     MediaConcurrencies=[{"Channel": "VOICE", "Concurrency": 1}])
        b.create_security_profile(InstanceId=iid, SecurityProfileName="viewer", Permissions=["Users.View"])
        b.create_security_profile(InstanceId=iid, SecurityProfileName="Editor", Permissions=["Users.Edit"])
        cls.sp = {s["Name"]: s["Id"] for s in b.list_security_profiles(InstanceId=iid)["SecurityProfileSummaryList"]}
        cls.rp = {p["Name"]: p["Id"] for p in b.list_routing_profiles(InstanceId=iid)["RoutingProfileSummaryList"]}
        cls.sp_names = {v: k for k, v in cls.sp.items()}
        cls.rp_names = {v: k for k, v in cls.rp.items()}
        cls.sp_role = {}
        for name, pid in cls.sp.items():
            perms = [p for pg in b.get_paginator("list_security_profile_permissions").paginate(
                InstanceId=iid, SecurityProfileId=pid) for p in pg["Permissions"]]
            cls.sp_role[pid] = role_of(perms)
        b.update_user_hierarchy_structure(InstanceId=iid, HierarchyStructure={
            "LevelOne": {"Name": "Region"}, "LevelTwo": {"Name": "Site"}})
        g = cls.groups = {}
        g["Europe"] = b.create_user_hierarchy_group(InstanceId=iid, Name="Europe")["HierarchyGroupId"]
        g["Europe / Paris"] = b.create_user_hierarchy_group(InstanceId=iid, Name="Paris",
                                                            ParentGroupId=g["Europe"])["HierarchyGroupId"]
        g["americas"] = b.create_user_hierarchy_group(InstanceId=iid, Name="americas")["HierarchyGroupId"]
        cls.paths = {v: k for k, v in g.items()}

        firsts = ["Sam", "sam", "Ann", "bob", "Zoe", "ann", "Carl", "dee"]
        lasts = ["Smith", "smith", "Ng", "Brown", "adams", "Young"]
        profiles = [("Agent",), ("viewer",), ("Editor", "Agent"), ("Admin",), ("QualityAnalyst", "viewer"),
                    ("CallCenterManager",), ("Agent", "viewer")]
        rps = list(cls.rp.values())
        groups = [None, g["Europe"], g["Europe / Paris"], g["americas"]]
        cls.users = {}
        for i in range(60):
            login = ("User" if i % 3 == 0 else "user") + f"{i:02d}" + ("x" if i % 5 == 0 else "")
            desk = i % 4 == 0
            args = dict(InstanceId=iid, Username=login,
                        IdentityInfo={"FirstName": firsts[i % len(firsts)], "LastName": lasts[i % len(lasts)]},
                        PhoneConfig={"PhoneType": "DESK_PHONE", "DeskPhoneNumber": "+14155550100"} if desk
                        else {"PhoneType": "SOFT_PHONE"},
                        SecurityProfileIds=[cls.sp[p] for p in profiles[i % len(profiles)]],
                        RoutingProfileId=rps[i % len(rps)])
            if groups[i % len(groups)]:
                args["HierarchyGroupId"] = groups[i % len(groups)]
            uid = b.create_user(**args)["UserId"]
            cls.users[uid] = login
        db = sqlite3.connect(cls.roster.db, timeout=30)
        db.execute("UPDATE users SET externally_managed = 1 WHERE username IN ('user01', 'User03')")
        db.execute("UPDATE users SET disabled = 1 WHERE username IN ('user02', 'User03')")
        db.commit()
        db.close()
        # another instance, whose ids must find nobody here
        cls.other = b.create_instance(IdentityManagementType="SAML", InboundCallsEnabled=True,
                                      OutboundCallsEnabled=True)["Id"]
        cls.other_rp = b.list_routing_profiles(InstanceId=cls.other)["RoutingProfileSummaryList"][0]["Id"]

    # ---- the expected answer -----------------------------------------------------------------------
    def expected_rows(self):
        """Every user of the instance as the list should show it (DescribeUser is the truth)."""
        if hasattr(self.__class__, "_rows"):
            return self.__class__._rows
        rows = []
        db = sqlite3.connect(self.roster.db, timeout=30)
        badges = {r[0]: (bool(r[1]), bool(r[2])) for r in
                  db.execute("SELECT id, externally_managed, disabled FROM users WHERE instance_id = ?", (self.iid,))}
        db.close()
        for uid in self.users:
            u = self.b.describe_user(InstanceId=self.iid, UserId=uid)["User"]
            sps = sorted(u["SecurityProfileIds"], key=lambda p: (fold(self.sp_names[p]), self.sp_names[p], p))
            group = u.get("HierarchyGroupId")
            role = max((self.sp_role[p] for p in sps), key=lambda r: LEVEL[r])
            rows.append({
                "Id": uid, "Username": u["Username"], "FirstName": u["IdentityInfo"].get("FirstName", ""),
                "LastName": u["IdentityInfo"].get("LastName", ""), "Role": role,
                "RoutingProfile": {"Id": u["RoutingProfileId"], "Name": self.rp_names[u["RoutingProfileId"]]},
                "SecurityProfiles": [{"Id": p, "Name": self.sp_names[p]} for p in sps],
                "AgentHierarchy": {"Id": group, "Name": self.paths[group].split(" / ")[-1],
                                   "Path": self.paths[group]} if group else None,
                "PhoneType": u["PhoneConfig"]["PhoneType"],
                "ExternallyManaged": badges[uid][0], "Disabled": badges[uid][1]})
        self.__class__._rows = rows
        return rows

    def sort_key(self, column):
        def name(n):
            return (fold(n), n)

        def key(r):
            if column == "Username":
                k = ()
            elif column in ("FirstName", "LastName"):
                k = (fold(r[column]),)
            elif column in ("Role", "PhoneType"):
                k = (r[column],)
            elif column == "RoutingProfile":
                k = name(r["RoutingProfile"]["Name"]) + (r["RoutingProfile"]["Id"],)
            elif column == "SecurityProfiles":
                p = r["SecurityProfiles"][0]
                k = name(p["Name"]) + (p["Id"],)
            else:
                h = r["AgentHierarchy"]
                k = (0,) if h is None else (1,) + name(h["Path"]) + (h["Id"],)
            return k + (fold(r["Username"]),)
        return key

    def expected(self, column="Username", desc=False, search=None, rp=None, sp=None, group=None):
        rows = self.expected_rows()
        if search:
            s = fold(search)
            rows = [r for r in rows if s in fold(r["Username"]) or s in fold(r["FirstName"])
                    or s in fold(r["LastName"])]
        if rp:
            rows = [r for r in rows if r["RoutingProfile"]["Id"] == rp]
        if sp:
            rows = [r for r in rows if any(p["Id"] == sp for p in r["SecurityProfiles"])]
        if group:
            below = {gid for path, gid in self.groups.items() if path == self.paths[group]
                     or path.startswith(self.paths[group] + " / ")}
            rows = [r for r in rows if r["AgentHierarchy"] and r["AgentHierarchy"]["Id"] in below]
        rows = sorted(rows, key=self.sort_key(column))
        return rows[::-1] if desc else rows

    # ---- calls ---------------------------------------------------------------------------------------
    def get(self, query=None, creds=None, instance=None):
        return api(self.roster, "GET", f"instances/{instance or self.iid}/console/users", query=query, creds=creds)

    def listed(self, **query):
        r = self.get(query)
        self.assertEqual(r.status, 200, r.body)
        return r.json()

    def all_pages(self, size=25, **query):
        out, offset, total = [], 0, None
        while True:
            doc = self.listed(MaxResults=size, Offset=offset, **query)
            self.assertEqual(doc["Offset"], offset)
            total = doc["Total"] if total is None else total
            self.assertEqual(doc["Total"], total)
            out += doc["Users"]
            self.assertLessEqual(len(doc["Users"]), size)
            if len(doc["Users"]) < size:
                return out, total
            offset += size

    def check(self, column="Username", desc=False, size=25, search=None, rp=None, sp=None, group=None):
        query = {"SortBy": column, "SortOrder": "DESC" if desc else "ASC"}
        for k, v in (("Search", search), ("RoutingProfileId", rp), ("SecurityProfileId", sp),
                     ("HierarchyGroupId", group)):
            if v:
                query[k] = v
        got, total = self.all_pages(size, **query)
        want = self.expected(column, desc, search, rp, sp, group)
        self.assertEqual(total, len(want))
        self.assertEqual([u["Username"] for u in got], [u["Username"] for u in want],
                         f"{column} {'DESC' if desc else 'ASC'} {query}")
        self.assertEqual(got, want)

    # ---- the tests -----------------------------------------------------------------------------------
    def test_default_is_username_ascending_25(self):
        doc = self.listed()
        self.assertEqual(doc["Total"], 60)
        self.assertEqual(doc["Offset"], 0)
        self.assertEqual(doc["Users"], self.expected()[:25])

    def test_every_column_both_ways(self):
        for column in COLUMNS:
            for desc in (False, True):
                with self.subTest(column=column, desc=desc):
                    self.check(column, desc)

    def test_page_sizes_and_offsets(self):
        for size in (25, 50, 100):
            with self.subTest(size=size):
                self.check("LastName", False, size)
        want = self.expected("Role")
        for offset in (0, 7, 24, 25, 59, 60, 61, 1000):
            doc = self.listed(SortBy="Role", Offset=offset, MaxResults=25)
            self.assertEqual(doc["Total"], 60)
            self.assertEqual(doc["Users"], want[offset:offset + 25], offset)

    def test_filters(self):
        rp = self.rp["alpha Routing"]
        cases = [dict(rp=rp), dict(sp=self.sp["viewer"]), dict(group=self.groups["Europe"]),
                 dict(group=self.groups["Europe / Paris"]), dict(group=self.groups["americas"]),
                 dict(search="SAM"), dict(search="x"), dict(search="m"), dict(search="smi"), dict(search="USER1"),
                 dict(rp=rp, sp=self.sp["Agent"], group=self.groups["Europe"]), dict(search="ann", rp=rp)]
        for case in cases:
            for column in COLUMNS:
                with self.subTest(case=case, column=column):
                    self.check(column, column in ("Role", "FirstName"), **case)

    def test_search_is_case_blind_any_length(self):
        self.assertEqual(self.listed(Search="zoe")["Total"], len(self.expected(search="Zoe")))
        self.assertGreater(self.listed(Search="zoe")["Total"], 0)
        self.assertEqual(self.listed(Search="Z")["Total"], len(self.expected(search="z")))
        self.assertEqual(self.listed(Search="nobody-has-this")["Total"], 0)
        self.assertEqual(self.listed(Search="%")["Total"], 0)  # no wildcard
        self.assertEqual(self.listed(Search="_")["Total"], 0)
        self.assertEqual(self.listed(Search="a" * 100)["Total"], 0)

    def test_badges_and_row_shape(self):
        rows = {u["Username"]: u for u in self.all_pages(100)[0]}
        self.assertEqual(set(rows["user01"]), {"Id", "Username", "FirstName", "LastName", "Role", "RoutingProfile",
                                               "SecurityProfiles", "AgentHierarchy", "PhoneType",
                                               "ExternallyManaged", "Disabled"})
        self.assertTrue(rows["user01"]["ExternallyManaged"])
        self.assertFalse(rows["user01"]["Disabled"])
        self.assertTrue(rows["user02"]["Disabled"])
        self.assertTrue(rows["User03"]["Disabled"] and rows["User03"]["ExternallyManaged"])
        self.assertFalse(rows["user04"]["Disabled"] or rows["user04"]["ExternallyManaged"])
        self.assertEqual(rows["user02"]["AgentHierarchy"]["Path"], "Europe / Paris")
        self.assertEqual(rows["user02"]["AgentHierarchy"]["Name"], "Paris")
        self.assertIsNone(rows["User00x"]["AgentHierarchy"])
        self.assertEqual(rows["User00x"]["PhoneType"], "DESK_PHONE")
        self.assertEqual([p["Name"] for p in rows["user02"]["SecurityProfiles"]], ["Agent", "Editor"])
        self.assertEqual(rows["user02"]["Role"], "Manager")
        self.assertEqual(rows["user01"]["Role"], "Supervisor")
        self.assertEqual(rows["User00x"]["Role"], "Agent")

    def assert_refused(self, query, field, status=400, words=None):
        r = self.get(query)
        self.assertEqual(r.status, status, (query, r.body))
        self.assertEqual(r.error_type, "InvalidParameterException")
        self.assertIn(field, r.json()["Message"])
        for w in words or ():
            self.assertIn(w, r.json()["Message"])

    def test_bad_parameters(self):
        self.assert_refused({"SortBy": "Email"}, "SortBy", words=["Username", "PhoneType"])
        self.assert_refused({"SortOrder": "up"}, "SortOrder", words=["ASC", "DESC"])
        self.assert_refused({"MaxResults": "30"}, "MaxResults", words=["25, 50 or 100"])
        self.assert_refused({"MaxResults": "x"}, "MaxResults")
        self.assert_refused({"Offset": "-1"}, "Offset", words=["0 to"])
        self.assert_refused({"Offset": "99999999999999999999999"}, "Offset")
        self.assert_refused({"Offset": "1.5"}, "Offset")
        self.assert_refused({"Search": "a" * 101}, "Search", words=["100"])
        self.assert_refused({"Sort": "Username"}, "Sort")

    def test_needs_users_view(self):
        agent = next(uid for uid, login in self.users.items() if login == "User00x")
        self.assertEqual(self.expected_rows() and next(r for r in self.expected_rows() if r["Id"] == agent)["Role"],
                         "Agent")
        creds = self.roster.new_key(user="User00x", instance=self.iid)
        r = self.get(creds=creds)
        self.assertEqual(r.status, 403, r.body)
        self.assertEqual(r.error_type, "AccessDeniedException")
        viewer = self.roster.new_key(user="user01", instance=self.iid)  # viewer: Users.View
        r = self.get(creds=viewer)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["Total"], 60)
        # a key of this instance reaches nothing of another
        r = self.get(creds=viewer, instance=self.other)
        self.assertIn(r.status, (403, 404), r.body)

    def test_other_instances_ids_find_nobody(self):
        self.assertEqual(self.listed(RoutingProfileId=self.other_rp)["Total"], 0)
        other_sp = self.b.list_security_profiles(InstanceId=self.other)["SecurityProfileSummaryList"][0]["Id"]
        self.assertEqual(self.listed(SecurityProfileId=other_sp)["Total"], 0)
        self.assertEqual(self.listed(HierarchyGroupId="no-such-group")["Total"], 0)
        self.assertEqual(self.get(instance="no-such-instance").status, 404)


class ConsoleBulkTest(RosterTestCase):
    """Selection.Filter and Changes.Disabled on a bulk edit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        b = cls.b = cls.roster.boto()
        cls.iid = iid = b.create_instance(IdentityManagementType="SAML", InboundCallsEnabled=True,
                                          OutboundCallsEnabled=True)["Id"]
        cls.sp = {s["Name"]: s["Id"] for s in b.list_security_profiles(InstanceId=iid)["SecurityProfileSummaryList"]}
        cls.rp = b.list_routing_profiles(InstanceId=iid)["RoutingProfileSummaryList"][0]["Id"]
        b.update_user_hierarchy_structure(InstanceId=iid, HierarchyStructure={
            "LevelOne": {"Name": "Region"}, "LevelTwo": {"Name": "Site"}})
        cls.top = b.create_user_hierarchy_group(InstanceId=iid, Name="Top")["HierarchyGroupId"]
        cls.sub = b.create_user_hierarchy_group(InstanceId=iid, Name="Sub", ParentGroupId=cls.top)["HierarchyGroupId"]
        cls.ids = {}
        for i in range(30):
            login = f"{'Kim' if i % 2 else 'lee'}{i:02d}"
            args = dict(InstanceId=iid, Username=login, IdentityInfo={"FirstName": "F", "LastName": "L"},
                        PhoneConfig={"PhoneType": "SOFT_PHONE"}, SecurityProfileIds=[cls.sp["Agent"]],
                        RoutingProfileId=cls.rp)
            if i % 3:
                args["HierarchyGroupId"] = cls.top if i % 3 == 1 else cls.sub
            cls.ids[login] = b.create_user(**args)["UserId"]

    def listed_ids(self, **query):
        out, offset = [], 0
        while True:
            r = api(self.roster, "GET", f"instances/{self.iid}/console/users",
                    query=dict(query, MaxResults=100, Offset=offset))
            self.assertEqual(r.status, 200, r.body)
            out += [u["Id"] for u in r.json()["Users"]]
            if len(r.json()["Users"]) < 100:
                return out
            offset += 100

    def bulk_edit(self, selection, changes, status=202):
        r = api(self.roster, "POST", f"instances/{self.iid}/bulk-edits",
                body=json.dumps({"Selection": selection, "Changes": changes}),
                headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, status, r.body)
        if status != 202:
            return r
        job = wait_job(self.roster, self.iid, r.json()["Job"]["JobId"])
        self.assertEqual(job["State"], "COMPLETED", job)
        return job

    def test_filter_selects_what_the_list_shows(self):
        flt = {"Search": "KIM", "HierarchyGroupId": self.top}
        shown = self.listed_ids(**flt)
        self.assertGreater(len(shown), 0)
        self.assertLess(len(shown), 30)
        job = self.bulk_edit({"Filter": flt}, {"Tags": {"Add": {"picked": "yes"}}})
        self.assertEqual(job["Counts"]["Total"], len(shown))
        done = {it["UserId"] for it in items(self.roster, self.iid, job["JobId"])}
        self.assertEqual(done, set(shown))
        tagged = {uid for uid in self.ids.values()
                  if self.b.list_tags_for_resource(
                      resourceArn=self.b.describe_user(InstanceId=self.iid, UserId=uid)["User"]["Arn"])
                  ["tags"].get("picked") == "yes"}
        self.assertEqual(tagged, set(shown))

    def test_disabled_true_then_false(self):
        flt = {"HierarchyGroupId": self.sub}
        shown = self.listed_ids(**flt)
        self.assertEqual(len(shown), 10)
        job = self.bulk_edit({"Filter": flt}, {"Disabled": True})
        self.assertEqual(job["Counts"]["Updated"], 10)
        rows = {u["Id"]: u for u in self.rows()}
        self.assertEqual({uid for uid, u in rows.items() if u["Disabled"]}, set(shown))
        for uid in shown:  # DescribeUser still works
            self.assertEqual(self.b.describe_user(InstanceId=self.iid, UserId=uid)["User"]["Id"], uid)
        again = self.bulk_edit({"Filter": flt}, {"Disabled": True})
        self.assertEqual(again["Counts"]["Unchanged"], 10)
        self.bulk_edit({"Filter": flt}, {"Disabled": False})
        self.assertFalse(any(u["Disabled"] for u in self.rows()))

    def rows(self):
        r = api(self.roster, "GET", f"instances/{self.iid}/console/users", query={"MaxResults": 100})
        return r.json()["Users"]

    def test_bad_selections(self):
        r = self.bulk_edit({"Filter": {"Colour": "red"}}, {"Disabled": True}, status=400)
        self.assertIn("Colour", r.json()["Message"])
        r = self.bulk_edit({"Filter": {}, "UserIds": [self.ids["lee00"]]}, {"Disabled": True}, status=400)
        self.assertIn("one of", r.json()["Message"])
        r = self.bulk_edit({"Filter": {"Search": "zzz-nobody"}}, {"Disabled": True}, status=400)
        self.assertIn("no user", r.json()["Message"])
        r = self.bulk_edit({"Filter": {"Search": "lee"}}, {"Disabled": "yes"}, status=400)
        self.assertIn("Disabled", r.json()["Message"])

    def test_empty_filter_is_every_user(self):
        job = self.bulk_edit({"Filter": {}}, {"Tags": {"Add": {"all": "1"}}})
        self.assertEqual(job["Counts"]["Total"], 30)


if __name__ == "__main__":
    unittest.main()
