"""test_console_users.py — the web console's data endpoints end to end, against a real server with
SigV4 keys (the console's sessions come from another change): the catalog and the role -> security
profiles mapping, one user's page (create with a dry run and field errors, each facet changed, a
temporary password, disable/enable, delete, history), who may read and change it (an Agent reads
their own page only, a Supervisor reads but cannot change), the jobs banner (dismiss, 7 days), the
job items' users and cells, and the `Field` member of errors on the roster door only.
"""
import csv
import hashlib
import io
import json
import sqlite3
import time
import unittest
from urllib.parse import quote

from harness import RosterTestCase
from signing import call

FINISHED = ("COMPLETED", "CANCELED", "FAILED")
DAY_MS = 24 * 3600 * 1000


def base(instance):
    return f"/roster/v1/instances/{instance}"


class ConsoleUsersTest(RosterTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.roster
        cls.iid = r.instance_id
        r.add_user("analyst1", "QualityAnalyst")   # Users.View only: a Supervisor
        r.add_user("agent1", "Agent")              # a plain Agent
        r.add_user("agent2", "Agent")
        cls.analyst = r.new_key(user="analyst1")
        cls.agent = r.new_key(user="agent1")
        cls.admin = r.new_key(user="admin")
        c = r.boto()
        cls.boto = c
        cls.profiles = {p["Name"]: p["Id"] for p in
                        c.list_security_profiles(InstanceId=cls.iid)["SecurityProfileSummaryList"]}
        cls.routing = {p["Name"]: p["Id"] for p in
                       c.list_routing_profiles(InstanceId=cls.iid)["RoutingProfileSummaryList"]}
        c.update_user_hierarchy_structure(InstanceId=cls.iid, HierarchyStructure={
            "LevelOne": {"Name": "Region"}, "LevelTwo": {"Name": "Team"}})
        cls.americas = c.create_user_hierarchy_group(InstanceId=cls.iid, Name="Americas")["HierarchyGroupId"]
        cls.sales = c.create_user_hierarchy_group(InstanceId=cls.iid, Name="Sales",
                                                  ParentGroupId=cls.americas)["HierarchyGroupId"]
        cls.ids = {u["Username"]: u["Id"] for u in
                   c.list_users(InstanceId=cls.iid)["UserSummaryList"]}

    # ---- helpers ------------------------------------------------------------------------------
    def req(self, method, path, body=None, creds=None, query=""):
        data = json.dumps(body).encode() if body is not None else b""
        return call(self.roster, method, base(self.iid) + path, query, data, creds=creds)

    def ok(self, method, path, body=None, creds=None, query="", status=200):
        resp = self.req(method, path, body, creds, query)
        self.assertEqual(resp.status, status, resp)
        return resp.json()

    def refused(self, resp, status, etype, field=None):
        self.assertEqual(resp.status, status, resp)
        self.assertEqual(resp.error_type, etype, resp)
        doc = resp.json()
        if field is not None:
            self.assertEqual(doc.get("Field"), field, doc)
        return doc

    def new_user(self, username, **extra):
        body = {"Username": username, "Password": "Passw0rd-long",
                "IdentityInfo": {"FirstName": "New", "LastName": "Person", "Email": f"{username}@example.com"},
                "PhoneConfig": {"PhoneType": "SOFT_PHONE"},
                "SecurityProfileIds": [self.profiles["Agent"]],
                "RoutingProfileId": self.routing["Basic Routing Profile"]}
        body.update(extra)
        return self.ok("POST", "/console/users", body)["UserId"]

    def sql(self, statement, *args):
        db = sqlite3.connect(self.roster.db, timeout=30)
        try:
            with db:
                db.execute(statement, args)
        finally:
            db.close()

    def wait_job(self, job_id, creds=None):
        deadline = time.monotonic() + 60
        while True:
            job = self.ok("GET", f"/jobs/{job_id}", creds=creds)["Job"]
            if job["State"] in FINISHED or time.monotonic() > deadline:
                return job
            time.sleep(0.05)

    # ---- the catalog --------------------------------------------------------------------------
    def test_catalog_names_paths_roles_and_default_mapping(self):
        cat = self.ok("GET", "/console", creds=self.agent)   # any principal of the instance
        self.assertEqual(cat["Instance"]["Id"], self.iid)
        self.assertEqual(cat["Instance"]["IdentityManagementType"], "CONNECT_MANAGED")
        self.assertIn("8 to 64 characters", cat["PasswordPolicy"])
        names = [p["Name"] for p in cat["SecurityProfiles"]]
        self.assertEqual(names, sorted(names))
        roles = {p["Name"]: p["Role"] for p in cat["SecurityProfiles"]}
        self.assertEqual(roles["Admin"], "Manager")
        self.assertEqual(roles["CallCenterManager"], "Manager")
        self.assertEqual(roles["QualityAnalyst"], "Supervisor")
        self.assertEqual(roles["Agent"], "Agent")
        self.assertIn({"Id": self.routing["Basic Routing Profile"], "Name": "Basic Routing Profile"},
                      cat["RoutingProfiles"])
        groups = {g["Name"]: g for g in cat["HierarchyGroups"]}
        self.assertEqual(groups["Sales"]["Path"], "Americas / Sales")
        self.assertEqual(groups["Sales"]["ParentId"], self.americas)
        self.assertIsNone(groups["Americas"]["ParentId"])
        self.assertEqual(groups["Americas"]["Path"], "Americas")
        self.assertEqual(cat["RoleProfiles"], {"Agent": [self.profiles["Agent"]],
                                               "Supervisor": [self.profiles["QualityAnalyst"]],
                                               "Manager": [self.profiles["CallCenterManager"]]})

    def test_role_mapping_put_and_a_deleted_profile_leaves_it(self):
        temp = self.boto.create_security_profile(InstanceId=self.iid, SecurityProfileName="Temporary",
                                                 Permissions=["Users.View"])["SecurityProfileId"]
        try:
            # only SecurityProfiles.Edit may change it
            self.refused(self.req("PUT", "/console/role-profiles", {"RoleProfiles": {"Agent": []}},
                                  creds=self.analyst), 403, "AccessDeniedException")
            doc = self.refused(self.req("PUT", "/console/role-profiles",
                                        {"RoleProfiles": {"Agent": ["no-such-profile"]}}),
                               400, "InvalidParameterException", field="RoleProfiles.Agent")
            self.assertIn("no-such-profile", doc["Message"])
            self.refused(self.req("PUT", "/console/role-profiles", {"RoleProfiles": {"Boss": []}}),
                         400, "InvalidParameterException", field="RoleProfiles.Boss")
            out = self.ok("PUT", "/console/role-profiles",
                          {"RoleProfiles": {"Supervisor": [temp, self.profiles["QualityAnalyst"]]}})
            self.assertEqual(sorted(out["RoleProfiles"]["Supervisor"]),
                             sorted([temp, self.profiles["QualityAnalyst"]]))
            self.assertEqual(out["RoleProfiles"]["Agent"], [self.profiles["Agent"]])  # untouched: default
            cat = self.ok("GET", "/console")
            self.assertEqual(sorted(cat["RoleProfiles"]["Supervisor"]),
                             sorted([temp, self.profiles["QualityAnalyst"]]))
            self.boto.delete_security_profile(InstanceId=self.iid, SecurityProfileId=temp)
            temp = None
            cat = self.ok("GET", "/console")
            self.assertEqual(cat["RoleProfiles"]["Supervisor"], [self.profiles["QualityAnalyst"]])
        finally:
            if temp:
                self.boto.delete_security_profile(InstanceId=self.iid, SecurityProfileId=temp)
            self.ok("PUT", "/console/role-profiles",
                    {"RoleProfiles": {"Supervisor": [self.profiles["QualityAnalyst"]]}})

    # ---- create -------------------------------------------------------------------------------
    def test_create_dry_run_writes_nothing(self):
        body = {"Username": "dryrun1", "Password": "Passw0rd-long", "DryRun": True,
                "IdentityInfo": {"FirstName": "Dry", "LastName": "Run", "Email": "dry@example.com"},
                "PhoneConfig": {"PhoneType": "SOFT_PHONE"},
                "SecurityProfileIds": [self.profiles["Agent"]],
                "RoutingProfileId": self.routing["Basic Routing Profile"]}
        self.assertEqual(self.ok("POST", "/console/users", body), {"Valid": True})
        names = [u["Username"] for u in self.boto.list_users(InstanceId=self.iid)["UserSummaryList"]]
        self.assertNotIn("dryrun1", names)
        # a dry run checks everything: a taken name is refused
        body["Username"] = "agent1"
        self.refused(self.req("POST", "/console/users", body), 409, "DuplicateResourceException")

    def test_create_field_errors_name_their_field(self):
        body = {"Username": "bad1", "Password": "Passw0rd-long", "DryRun": True,
                "IdentityInfo": {"FirstName": "B", "LastName": "A", "Email": "not-an-email"},
                "PhoneConfig": {"PhoneType": "SOFT_PHONE"},
                "SecurityProfileIds": [self.profiles["Agent"]],
                "RoutingProfileId": self.routing["Basic Routing Profile"]}
        self.refused(self.req("POST", "/console/users", body), 400, "InvalidParameterException",
                     field="IdentityInfo.Email")
        body["IdentityInfo"]["Email"] = "bad1@example.com"
        body["Password"] = "short"
        doc = self.refused(self.req("POST", "/console/users", body), 400, "InvalidParameterException",
                           field="Password")
        self.assertNotIn("short", doc["Message"])
        body["Password"] = "Passw0rd-long"
        body["PhoneConfig"] = {"PhoneType": "DESK_PHONE", "DeskPhoneNumber": "12345"}
        self.refused(self.req("POST", "/console/users", body), 400, "InvalidParameterException",
                     field="PhoneConfig.DeskPhoneNumber")
        body["PhoneConfig"] = {"PhoneType": "SOFT_PHONE"}
        body["Surprise"] = 1
        self.refused(self.req("POST", "/console/users", body), 400, "InvalidParameterException",
                     field="Surprise")

    def test_create_password_temporary_by_default_or_not(self):
        uid = self.new_user("temp1")
        user = self.ok("GET", f"/console/users/{uid}")["User"]
        self.assertTrue(user["PasswordTemporary"])
        self.assertEqual(user["Username"], "temp1")
        self.assertEqual(user["Role"], "Agent")
        self.assertEqual(user["SecurityProfiles"], [{"Id": self.profiles["Agent"], "Name": "Agent"}])
        self.assertEqual(user["RoutingProfile"]["Name"], "Basic Routing Profile")
        self.assertIsNone(user["AgentHierarchy"])
        self.assertFalse(user["Disabled"])
        self.assertFalse(user["ExternallyManaged"])
        self.assertEqual(user["IdentityInfo"]["Email"], "temp1@example.com")
        self.assertEqual(user["PhoneConfig"]["PhoneType"], "SOFT_PHONE")
        uid2 = self.new_user("perm1", PasswordTemporary=False)
        self.assertFalse(self.ok("GET", f"/console/users/{uid2}")["User"]["PasswordTemporary"])

    # ---- change ---------------------------------------------------------------------------------
    def test_update_each_facet(self):
        uid = self.new_user("facets1")
        path = f"/console/users/{uid}"
        u = self.ok("POST", path, {"IdentityInfo": {"FirstName": "Changed", "Mobile": "+14155550100"}})["User"]
        self.assertEqual(u["IdentityInfo"]["FirstName"], "Changed")
        self.assertEqual(u["IdentityInfo"]["LastName"], "Person")   # merged
        self.assertEqual(u["IdentityInfo"]["Mobile"], "+14155550100")
        u = self.ok("POST", path, {"PhoneConfig": {"PhoneType": "DESK_PHONE", "DeskPhoneNumber": "+14155550101",
                                                   "AutoAccept": True, "AfterContactWorkTimeLimit": 30}})["User"]
        self.assertEqual(u["PhoneConfig"], {"PhoneType": "DESK_PHONE", "DeskPhoneNumber": "+14155550101",
                                            "AutoAccept": True, "AfterContactWorkTimeLimit": 30})
        u = self.ok("POST", path, {"SecurityProfileIds": [self.profiles["QualityAnalyst"],
                                                          self.profiles["Agent"]]})["User"]
        self.assertEqual([p["Name"] for p in u["SecurityProfiles"]], ["Agent", "QualityAnalyst"])
        self.assertEqual(u["Role"], "Supervisor")
        u = self.ok("POST", path, {"HierarchyGroupId": self.sales})["User"]
        self.assertEqual(u["AgentHierarchy"], {"Id": self.sales, "Name": "Sales", "Path": "Americas / Sales"})
        u = self.ok("POST", path, {"HierarchyGroupId": ""})["User"]
        self.assertIsNone(u["AgentHierarchy"])
        u = self.ok("POST", path, {"Tags": {"team": "red", "site": "north"}})["User"]
        self.assertEqual(u["Tags"], {"team": "red", "site": "north"})
        u = self.ok("POST", path, {"Tags": {"team": "blue"}})["User"]
        self.assertEqual(u["Tags"], {"team": "blue"})   # replaces
        version = u["Version"]
        # a change that changes nothing writes nothing
        self.assertEqual(self.ok("POST", path, {"Tags": {"team": "blue"}})["User"]["Version"], version)
        self.assertEqual(self.ok("POST", path, {})["User"]["Version"], version)
        # an empty map removes every tag (the edit form's last tag removed); 51 are refused
        u = self.ok("POST", path, {"Tags": {}})["User"]
        self.assertEqual(u["Tags"], {})
        self.assertGreater(u["Version"], version)
        self.refused(self.req("POST", path, {"Tags": {f"k{i}": "v" for i in range(51)}}),
                     400, "InvalidParameterException", field="Tags")
        u = self.ok("POST", path, {"Tags": {"team": "blue"}})["User"]
        version = u["Version"]
        # all or nothing: a bad member leaves the good one unapplied
        self.refused(self.req("POST", path, {"IdentityInfo": {"FirstName": "Never"},
                                             "RoutingProfileId": "no-such-routing-profile"}),
                     404, "ResourceNotFoundException", field="RoutingProfileId")
        u = self.ok("GET", path)["User"]
        self.assertEqual(u["IdentityInfo"]["FirstName"], "Changed")
        self.assertEqual(u["Version"], version)

    def test_externally_managed_user_is_refused(self):
        uid = self.new_user("scim1")
        self.sql("UPDATE users SET externally_managed = 1 WHERE username = ?", "scim1")
        path = f"/console/users/{uid}"
        self.assertTrue(self.ok("GET", path)["User"]["ExternallyManaged"])
        for method, sub, body in (("POST", "", {"IdentityInfo": {"FirstName": "X"}}),
                                  ("POST", "/password", {"Password": "Passw0rd-other"}),
                                  ("POST", "/disable", {}),
                                  ("DELETE", "", None)):
            doc = self.refused(self.req(method, path + sub, body), 400, "InvalidRequestException", field="UserId")
            self.assertEqual(doc["Message"], "user is managed by the identity provider")

    def test_password_reset_is_temporary(self):
        uid = self.new_user("reset1", PasswordTemporary=False)
        path = f"/console/users/{uid}/password"
        self.refused(self.req("POST", path, {"Password": "weak"}), 400, "InvalidParameterException",
                     field="Password")
        u = self.ok("POST", path, {"Password": "Another-Passw0rd"})["User"]
        self.assertTrue(u["PasswordTemporary"])
        row = sqlite3.connect(self.roster.db).execute(
            "SELECT password_temporary FROM users WHERE id = ?", (uid,)).fetchone()
        self.assertEqual(row[0], 1)

    def test_disable_enable_and_the_audit_trail(self):
        uid = self.new_user("toggle1")
        u = self.ok("POST", f"/console/users/{uid}/disable", {})["User"]
        self.assertTrue(u["Disabled"])
        u = self.ok("POST", f"/console/users/{uid}/enable", {})["User"]
        self.assertFalse(u["Disabled"])
        out = self.roster.cli("audit", "--db", self.roster.db, "--user", "toggle1").stdout
        self.assertRegex(out, r"DisableUser .*Disabled: false -> true")
        self.assertRegex(out, r"EnableUser .*Disabled: true -> false")

    def test_delete(self):
        uid = self.new_user("gone1")
        self.refused(self.req("DELETE", f"/console/users/{uid}", creds=self.analyst), 403, "AccessDeniedException")
        self.assertEqual(self.ok("DELETE", f"/console/users/{uid}"), {})
        self.refused(self.req("GET", f"/console/users/{uid}"), 404, "ResourceNotFoundException")

    def test_history_newest_first_with_field_diffs_and_no_password(self):
        uid = self.new_user("hist1")
        self.ok("POST", f"/console/users/{uid}", {"IdentityInfo": {"LastName": "Renamed"}})
        self.ok("POST", f"/console/users/{uid}/password", {"Password": "Another-Passw0rd"})
        self.ok("POST", f"/console/users/{uid}/disable", {})
        doc = self.ok("GET", f"/console/users/{uid}/history", creds=self.analyst)
        ops = [e["Operation"] for e in doc["Events"]]
        self.assertEqual(ops, ["DisableUser", "ResetUserPassword", "UpdateUser", "CreateUser"])
        times = [e["Time"] for e in doc["Events"]]
        self.assertEqual(times, sorted(times, reverse=True))
        self.assertIsNone(doc["NextToken"])
        update = doc["Events"][2]
        self.assertIn({"Field": "IdentityInfo.LastName", "Before": "Person", "After": "Renamed"}, update["Changes"])
        self.assertEqual(update["Actor"], self.roster.account.key_id)
        create = doc["Events"][3]
        self.assertIn({"Field": "Username", "Before": None, "After": "hist1"}, create["Changes"])
        reset = doc["Events"][1]
        self.assertIn({"Field": "Password", "Before": "(earlier)", "After": "(changed)"}, reset["Changes"])
        text = json.dumps(doc)
        self.assertNotIn("Passw0rd", text)
        self.assertNotIn("argon2", text)
        # the password is named by a marker only (and PasswordTemporary, a flag)
        for e in doc["Events"]:
            for ch in e["Changes"]:
                if "assword" in ch["Field"]:
                    self.assertIn(ch["Field"], ("Password", "PasswordTemporary"))
                    self.assertIn(ch["After"], ("(changed)", True, None))
        # an admin's user key is named by its user
        self.ok("POST", f"/console/users/{uid}/enable", {}, creds=self.admin)
        doc = self.ok("GET", f"/console/users/{uid}/history")
        self.assertEqual(doc["Events"][0]["Actor"], "admin")
        self.refused(self.req("GET", f"/console/users/{uid}/history", creds=self.agent), 403, "AccessDeniedException")
        self.refused(self.req("GET", f"/console/users/{uid}/history", query="NextToken=forged"),
                     400, "InvalidParameterException", field="NextToken")

    def test_history_pages(self):
        uid = self.new_user("pages1")
        for i in range(55):
            self.ok("POST", f"/console/users/{uid}", {"IdentityInfo": {"FirstName": f"Name{i}"}})
        first = self.ok("GET", f"/console/users/{uid}/history")
        self.assertEqual(len(first["Events"]), 50)
        self.assertTrue(first["NextToken"])
        second = self.ok("GET", f"/console/users/{uid}/history", query="NextToken=" + quote(first["NextToken"], safe=""))
        self.assertIsNone(second["NextToken"])
        events = first["Events"] + second["Events"]
        self.assertEqual(len(events), 56)
        self.assertEqual(events[-1]["Operation"], "CreateUser")
        names = [next(c["After"] for c in e["Changes"] if c["Field"] == "IdentityInfo.FirstName")
                 for e in events[:-1]]
        self.assertEqual(names, [f"Name{i}" for i in reversed(range(55))])

    # ---- who may read and change ---------------------------------------------------------------
    def test_agent_reads_own_page_only(self):
        own = self.ok("GET", f"/console/users/{self.ids['agent1']}", creds=self.agent)["User"]
        self.assertEqual(own["Username"], "agent1")
        self.assertEqual(own["Role"], "Agent")
        self.refused(self.req("GET", f"/console/users/{self.ids['agent2']}", creds=self.agent),
                     403, "AccessDeniedException")
        self.refused(self.req("POST", f"/console/users/{self.ids['agent1']}",
                              {"IdentityInfo": {"FirstName": "Me"}}, creds=self.agent),
                     403, "AccessDeniedException")
        # the Connect door's DescribeUser is unchanged: Users.View
        self.assertBotoError("AccessDeniedException", self.roster.boto(self.agent).describe_user,
                             InstanceId=self.iid, UserId=self.ids["agent1"])

    def test_supervisor_reads_but_cannot_change(self):
        uid = self.ids["agent2"]
        self.assertEqual(self.ok("GET", f"/console/users/{uid}", creds=self.analyst)["User"]["Username"], "agent2")
        for method, sub, body in (("POST", "", {"IdentityInfo": {"FirstName": "X"}}),
                                  ("POST", "/password", {"Password": "Passw0rd-other"}),
                                  ("POST", "/disable", {}), ("POST", "/enable", {}),
                                  ("DELETE", "", None)):
            self.refused(self.req(method, f"/console/users/{uid}{sub}", body, creds=self.analyst),
                         403, "AccessDeniedException")
        self.refused(self.req("POST", "/console/users", {"Username": "x"}, creds=self.analyst),
                     403, "AccessDeniedException")

    # ---- jobs: the banner and the items ----------------------------------------------------------
    def bulk_edit(self, ids, creds=None):
        body = {"Selection": {"UserIds": ids}, "Changes": {"AutoAccept": True}}
        job = self.ok("POST", "/bulk-edits", body, creds=creds, status=202)["Job"]
        return self.wait_job(job["JobId"], creds=creds)

    def banner_ids(self, creds=None):
        return [j["JobId"] for j in self.ok("GET", "/jobs", creds=creds, query="Banner=true")["Jobs"]]

    def test_banner_dismiss_and_seven_days(self):
        mine = self.bulk_edit([self.ids["agent1"], self.ids["agent2"]], creds=self.admin)
        self.assertEqual(mine["Description"], "Bulk edit of 2 users")
        self.assertEqual(mine["Total"], 2)
        self.assertEqual(mine["SubmittedBy"], "admin")
        self.assertTrue(mine["CanDismiss"])
        listed = {j["JobId"]: j for j in self.ok("GET", "/jobs", creds=self.analyst, query="Banner=true")["Jobs"]}
        self.assertIn(mine["JobId"], listed)
        self.assertFalse(listed[mine["JobId"]]["CanDismiss"])
        # someone else may not dismiss it
        self.refused(self.req("POST", f"/jobs/{mine['JobId']}/dismiss", creds=self.analyst),
                     403, "AccessDeniedException", field="JobId")
        self.refused(self.req("POST", f"/jobs/{mine['JobId']}/dismiss"), 403, "AccessDeniedException")
        # (a job that has not finished cannot be dismissed: tests/unit/test_console.c, where no
        # runner ends the job under the test's feet)
        done = self.ok("POST", f"/jobs/{mine['JobId']}/dismiss", creds=self.admin)["Job"]
        self.assertEqual(done["JobId"], mine["JobId"])
        self.assertNotIn(mine["JobId"], self.banner_ids())
        self.assertIn(mine["JobId"], [j["JobId"] for j in self.ok("GET", "/jobs")["Jobs"]])
        # finished more than 7 days ago: left out; less: kept
        old = self.bulk_edit([self.ids["agent1"]])
        self.assertIn(old["JobId"], self.banner_ids())
        now_ms = int(time.time() * 1000)
        self.sql("UPDATE jobs SET submitted_ms = ?, started_ms = ?, finished_ms = ? WHERE id = ?",
                 now_ms - 8 * DAY_MS, now_ms - 8 * DAY_MS, now_ms - 8 * DAY_MS + 1000, old["JobId"])
        self.assertNotIn(old["JobId"], self.banner_ids())
        self.sql("UPDATE jobs SET finished_ms = ? WHERE id = ?", now_ms - 6 * DAY_MS, old["JobId"])
        self.assertIn(old["JobId"], self.banner_ids())
        self.assertIn(old["JobId"], [j["JobId"] for j in self.ok("GET", "/jobs")["Jobs"]])
        # Banner takes no paging
        self.refused(self.req("GET", "/jobs", query="Banner=true&State=QUEUED"), 400, "InvalidParameterException")
        self.refused(self.req("GET", "/jobs", query="Banner=maybe"), 400, "InvalidParameterException",
                     field="Banner")

    def test_items_carry_users_and_import_cells(self):
        job = self.bulk_edit([self.ids["agent1"]])
        items = self.ok("GET", f"/jobs/{job['JobId']}/items")["Items"]
        self.assertEqual(items[0]["UserId"], self.ids["agent1"])
        self.assertEqual(items[0]["Username"], "agent1")
        self.assertNotIn("Cells", items[0])
        header = next(csv.reader(io.StringIO(
            call(self.roster, "GET", base(self.iid) + "/users/template").body.decode())))
        cols = [h.strip().lower() for h in header]
        good = {"user login": "cells1", "first name": "Ce", "last name": "Lls", "password": "Passw0rd-long",
                "email address": "cells1@example.com", "routing profile name": "Basic Routing Profile",
                "security_profile_name_1|security_profile_name_2": "Agent", "phone type (soft/desk)": "soft",
                "soft phone auto accept (yes/no)": "no", "acw timeout (seconds)": "0"}
        bad = dict(good, **{"user login": "cells2", "email address": "nope", "password": "Secr3t-Passw0rd"})
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\r\n")
        w.writerow(header)
        for row in (good, bad):
            w.writerow([row.get(c, "") for c in cols])
        body = out.getvalue().encode()
        resp = call(self.roster, "POST", base(self.iid) + "/imports", "Mode=CREATE&FileName=people.csv", body,
                    headers={"X-Amz-Content-SHA256": hashlib.sha256(body).hexdigest(),
                             "Content-Type": "text/csv"})
        self.assertEqual(resp.status, 202, resp)
        job = self.wait_job(resp.json()["Job"]["JobId"])
        self.assertEqual(job["Header"], header)
        self.assertEqual(job["Description"], "Import of people.csv (2 rows)")
        failed = self.ok("GET", f"/jobs/{job['JobId']}/items", query="State=FAILED")["Items"]
        self.assertEqual(len(failed), 1)
        cells = failed[0]["Cells"]
        self.assertEqual(len(cells), len(header))
        self.assertEqual(cells[cols.index("user login")], "cells2")
        self.assertEqual(cells[cols.index("password")], "")
        self.assertEqual(cells[cols.index("email address")], "nope")
        self.assertEqual(failed[0]["Username"], "cells2")
        self.assertIn("email address", [e["Column"] for e in failed[0]["Errors"]])
        self.assertNotIn("Secr3t", json.dumps(failed))
        succeeded = self.ok("GET", f"/jobs/{job['JobId']}/items", query="State=SUCCEEDED")["Items"]
        self.assertEqual(succeeded[0]["Username"], "cells1")
        self.assertTrue(succeeded[0]["UserId"])

    # ---- the Field member ---------------------------------------------------------------------------
    def test_field_on_the_roster_door_only(self):
        doc = self.refused(self.req("GET", "/jobs", query="MaxResults=0"), 400, "InvalidParameterException",
                           field="MaxResults")
        self.assertIn("Message", doc)
        body = json.dumps({"Username": "connect1", "Password": "Passw0rd-long",
                           "IdentityInfo": {"FirstName": "C", "LastName": "D", "Email": "not-an-email"},
                           "PhoneConfig": {"PhoneType": "SOFT_PHONE"},
                           "SecurityProfileIds": [self.profiles["Agent"]],
                           "RoutingProfileId": self.routing["Basic Routing Profile"]}).encode()
        resp = call(self.roster, "PUT", f"/users/{self.iid}", "", body)
        self.assertEqual(resp.status, 400, resp)
        self.assertEqual(resp.error_type, "InvalidParameterException")
        self.assertNotIn("Field", resp.json())
        self.assertIn("Email", resp.json()["Message"])


if __name__ == "__main__":
    unittest.main()
