"""test_cli_bulk.py — `roster bulk-edit` and `roster bulk-delete` against a real server, checked
with boto3.

Needs the server side of issue 10 (POST /roster/v1/instances/{I}/bulk-edits and bulk-deletes):
without it the tests that submit a job fail (the CLI reports the server's 404); they are not
skipped. The tests that stop before submitting — unknown names and logins, filter errors, usage
errors, the refusal without a terminal, a confirmation answered "no" — pass without it.

What is checked: a routing profile set on a filtered selection (login prefix and a tag) and the
users outside it untouched; security profiles added and removed on --users; ACW, hierarchy path
and tags in one edit; a delete with --yes over a hierarchy filter (the summary's deleted count);
--no-wait (a job of kind BULK_EDIT); an unknown routing profile, security profile, hierarchy
path and login (exit 1, one line naming it, a suggestion); filter syntax errors (exit 2, the
column); the refusal of a delete without --yes when stdin is not a terminal (exit 2); the
confirmation on a terminal answered "no" (nothing deleted) and "yes".
"""
import json
import os
import pty
import re
import select
import subprocess
import tempfile
import time
import unittest

from harness import ROSTER_BIN, RosterTestCase
from test_cli_jobs import ClientMixin


class CliBulkTest(ClientMixin, RosterTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.mkdtemp(prefix="roster-cli-bulk-", dir=cls.roster.dir)
        b = cls.b = cls.roster.boto()
        cls.iid = b.create_instance(IdentityManagementType="SAML", InboundCallsEnabled=True,
                                    OutboundCallsEnabled=True)["Id"]
        iid = cls.iid
        cls.sp = {s["Name"]: s["Id"] for s in b.list_security_profiles(InstanceId=iid)["SecurityProfileSummaryList"]}
        cls.rp = {p["Name"]: p["Id"] for p in b.list_routing_profiles(InstanceId=iid)["RoutingProfileSummaryList"]}
        queue = b.list_queues(InstanceId=iid, QueueTypes=["STANDARD"])["QueueSummaryList"][0]["Id"]
        cls.rp["Bulk RP"] = b.create_routing_profile(
            InstanceId=iid, Name="Bulk RP", Description="d", DefaultOutboundQueueId=queue,
            MediaConcurrencies=[{"Channel": "VOICE", "Concurrency": 1}])["RoutingProfileId"]
        b.update_user_hierarchy_structure(InstanceId=iid, HierarchyStructure={
            "LevelOne": {"Name": "Region"}, "LevelTwo": {"Name": "Site"}})
        cls.sales = b.create_user_hierarchy_group(InstanceId=iid, Name="Sales")["HierarchyGroupId"]
        cls.west = b.create_user_hierarchy_group(InstanceId=iid, Name="West",
                                                 ParentGroupId=cls.sales)["HierarchyGroupId"]
        cls.support = b.create_user_hierarchy_group(InstanceId=iid, Name="Support")["HierarchyGroupId"]

    def user(self, login, team=None, group=None, profiles=("Agent",)):
        kw = {}
        if team:
            kw["Tags"] = {"team": team}
        if group:
            kw["HierarchyGroupId"] = group
        return self.b.create_user(
            InstanceId=self.iid, Username=login, IdentityInfo={"FirstName": "Ann", "LastName": "Lee"},
            PhoneConfig={"PhoneType": "SOFT_PHONE"}, SecurityProfileIds=[self.sp[p] for p in profiles],
            RoutingProfileId=self.rp["Basic Routing Profile"], **kw)["UserId"]

    def describe(self, uid):
        return self.b.describe_user(InstanceId=self.iid, UserId=uid)["User"]

    def bulk(self, *args, **kw):
        return self.client(args[0], "--instance", self.iid, *args[1:], **kw)

    def exists(self, uid):
        try:
            self.describe(uid)
            return True
        except self.b.exceptions.ResourceNotFoundException:
            return False

    # ---- changes (need the server's bulk-edits) --------------------------------------------------
    def test_set_routing_profile_on_a_filter(self):
        red = [self.user(f"rp-red-{i}", team="red") for i in range(3)]
        blue = self.user("rp-blue-0", team="blue")
        other = self.user("other-red-0", team="red")
        p = self.bulk("bulk-edit", "--filter", "login^=rp- and tag:team=red", "--set", "routing-profile=Bulk RP")
        self.assertEqual(p.returncode, 0, f"stdout={p.stdout!r} stderr={p.stderr!r}")
        out = p.stdout.decode()
        self.assertRegex(out, r"Job \S+ COMPLETED: 3 users")
        self.assertIn("updated 3, unchanged 0, deleted 0, failed 0, canceled 0", out)
        for uid in red:
            self.assertEqual(self.describe(uid)["RoutingProfileId"], self.rp["Bulk RP"])
        for uid in (blue, other):
            self.assertEqual(self.describe(uid)["RoutingProfileId"], self.rp["Basic Routing Profile"])
        # the same again: nothing to change
        p = self.bulk("bulk-edit", "--filter", "login^=rp- and tag:team=red", "--set", "routing-profile=Bulk RP")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("updated 0, unchanged 3", p.stdout.decode())

    def test_add_and_remove_security_profiles(self):
        a = self.user("sp-a", profiles=("Agent",))
        b = self.user("sp-b", profiles=("Agent", "QualityAnalyst"))
        p = self.bulk("bulk-edit", "--users", "sp-a,sp-b", "--add-security-profile", "CallCenterManager",
                      "--remove-security-profile", "Agent")
        self.assertEqual(p.returncode, 0, f"stdout={p.stdout!r} stderr={p.stderr!r}")
        self.assertEqual(set(self.describe(a)["SecurityProfileIds"]), {self.sp["CallCenterManager"]})
        self.assertEqual(set(self.describe(b)["SecurityProfileIds"]),
                         {self.sp["CallCenterManager"], self.sp["QualityAnalyst"]})
        p = self.bulk("bulk-edit", "--users", "sp-a", "--set-security-profiles", "Agent,Admin")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(set(self.describe(a)["SecurityProfileIds"]), {self.sp["Agent"], self.sp["Admin"]})

    def test_acw_hierarchy_and_tags(self):
        uid = self.user("misc-1", team="green")
        p = self.bulk("bulk-edit", "--users", "misc-1", "--set", "acw=120", "--set", "hierarchy=Sales|West",
                      "--tag", "site=lyon", "--untag", "team", "--set", "auto-accept=yes")
        self.assertEqual(p.returncode, 0, f"stdout={p.stdout!r} stderr={p.stderr!r}")
        u = self.describe(uid)
        self.assertEqual(u["PhoneConfig"]["AfterContactWorkTimeLimit"], 120)
        self.assertTrue(u["PhoneConfig"]["AutoAccept"])
        self.assertEqual(u["HierarchyGroupId"], self.west)
        self.assertEqual(u["Tags"], {"site": "lyon"})
        p = self.bulk("bulk-edit", "--users", "misc-1", "--set", "hierarchy=none")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("HierarchyGroupId", self.describe(uid))

    def test_no_wait_prints_the_job(self):
        self.user("nowait-1")
        p = self.bulk("bulk-edit", "--users", "nowait-1", "--set", "acw=30", "--no-wait")
        self.assertEqual(p.returncode, 0, f"stdout={p.stdout!r} stderr={p.stderr!r}")
        job_id = p.stdout.decode().strip()
        j = json.loads(self.ok("jobs", "show", job_id, "--instance", self.iid, "--json"))["Job"]
        self.assertEqual(j["Kind"], "BULK_EDIT")

    # ---- delete (needs the server's bulk-deletes) ------------------------------------------------
    def test_delete_with_yes_over_a_hierarchy_filter(self):
        gone = [self.user(f"del-{i}", group=g) for i, g in enumerate((self.sales, self.west))]
        kept = self.user("del-kept", group=self.support)
        p = self.bulk("bulk-delete", "--filter", "login^=del- and hierarchy^=Sales", "--yes")
        self.assertEqual(p.returncode, 0, f"stdout={p.stdout!r} stderr={p.stderr!r}")
        self.assertIn("deleted 2, failed 0, canceled 0", p.stdout.decode())
        for uid in gone:
            self.assertFalse(self.exists(uid))
        self.assertTrue(self.exists(kept))

    def test_delete_confirmed_on_a_terminal(self):
        a, b = self.user("tty-a"), self.user("tty-b")
        rc, seen = self.on_terminal(["bulk-delete", "--instance", self.iid, "--filter", "login^=tty-"], b"no\n")
        self.assertEqual(rc, 1, seen)
        self.assertIn(b"Delete 2 users", seen)
        self.assertIn(b"nothing was deleted", seen)
        self.assertTrue(self.exists(a) and self.exists(b))
        rc, seen = self.on_terminal(["bulk-delete", "--instance", self.iid, "--users", "tty-a"], b"yes\n")
        self.assertEqual(rc, 0, seen)
        self.assertIn(b"Delete 1 user ", seen)
        self.assertFalse(self.exists(a))
        self.assertTrue(self.exists(b))

    def test_filters_counted_on_a_terminal(self):
        """The count the confirmation shows is SearchUsers' for the compiled filter: the filter
        language checked against the server's search (answered "no": nothing is submitted)."""
        self.user("cnt-1", team="red", group=self.sales)
        self.user("cnt-2", team="blue", group=self.west)
        self.user("cnt-3", group=self.support, profiles=("Admin",))
        cases = [("login^=cnt- and tag:team", 2),
                 ("login^=cnt- and (tag:team=red or hierarchy=Support)", 2),
                 ("login^=cnt- and hierarchy^=Sales", 2),
                 ("login^=cnt- and hierarchy=Sales", 1),
                 ("login^=cnt- and hierarchy=Sales|West", 1),
                 ('login^=cnt- and security-profile=Agent and routing-profile="Basic Routing Profile"', 2),
                 ("(login=cnt-1 or login=cnt-3) and first-name~=nn", 2)]
        for expr, n in cases:
            with self.subTest(expr=expr):
                rc, seen = self.on_terminal(["bulk-delete", "--instance", self.iid, "--filter", expr], b"no\n")
                self.assertEqual(rc, 1, seen)
                self.assertIn(f"Delete {n} user{'s' if n > 1 else ''} of".encode(), seen)
        rc, seen = self.on_terminal(["bulk-delete", "--instance", self.iid, "--filter", "tag:team=none"], b"no\n")
        self.assertEqual(rc, 0, seen)
        self.assertIn(b"nothing to delete", seen)

    def on_terminal(self, args, answer):
        """Runs roster with stdin and stderr on a terminal; answers once asked. Returns (rc, output)."""
        master, slave = pty.openpty()
        e = self.roster.aws_env()
        e["AWS_ENDPOINT_URL"] = self.roster.endpoint
        proc = subprocess.Popen([ROSTER_BIN, *args], stdin=slave, stdout=slave, stderr=slave, env=e)
        os.close(slave)
        seen, answered = b"", False
        deadline = time.monotonic() + 60
        try:
            while time.monotonic() < deadline:
                ready, _, _ = select.select([master], [], [], 0.5)
                if ready:
                    try:
                        chunk = os.read(master, 4096)
                    except OSError:
                        break
                    if not chunk:
                        break
                    seen += chunk
                if not answered and b"Type 'yes'" in seen:
                    os.write(master, answer)
                    answered = True
                if proc.poll() is not None and not ready:
                    break
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            os.close(master)
        return proc.returncode, seen

    # ---- refusals before anything is submitted (pass without the server side) -------------------
    def test_delete_refused_without_a_terminal(self):
        uid = self.user("notty-1")
        p = self.bulk("bulk-delete", "--users", "notty-1", input=b"yes\n")
        self.one_line_error(p, 2, "stdin is not a terminal", "--yes")
        self.assertTrue(self.exists(uid))

    def test_unknown_names(self):
        self.user("names-1")
        cases = [
            (["--set", "routing-profile=Basik Routing Profile"], "no routing profile named 'Basik Routing Profile'",
             "did you mean 'Basic Routing Profile'"),
            (["--add-security-profile", "Agnet"], "no security profile named 'Agnet'", "did you mean 'Agent'"),
            (["--set", "hierarchy=Sales|East"], "no hierarchy group at 'Sales|East'", "Sales"),
            (["--set", "hierarchy=Europe|West"], "no hierarchy group at 'Europe|West'",
             "a group of that name is at 'Sales|West'"),
        ]
        for extra, frag1, frag2 in cases:
            with self.subTest(extra=extra):
                p = self.bulk("bulk-edit", "--users", "names-1", *extra)
                self.one_line_error(p, 1, frag1, frag2)
        p = self.bulk("bulk-edit", "--filter", "security-profile=agent", "--set", "acw=5")
        self.one_line_error(p, 1, "no security profile named 'agent'", "did you mean 'Agent'")
        p = self.bulk("bulk-edit", "--users", "names-1,nobody-1,nobody-2", "--set", "acw=5")
        self.one_line_error(p, 1, "no user with login 'nobody-1', 'nobody-2'")
        p = self.bulk("bulk-delete", "--users", "nobody-3", "--yes")
        self.one_line_error(p, 1, "no user with login 'nobody-3'")

    def test_filter_and_usage_errors(self):
        p = self.bulk("bulk-edit", "--filter", "login^=a and nickname=b", "--set", "acw=5")
        self.one_line_error(p, 2, "--filter: at column 14", "expected a field")
        p = self.bulk("bulk-edit", "--filter", "tag:a or login=b", "--set", "acw=5")
        self.one_line_error(p, 2, "--filter: at column 10")
        for args in (["bulk-edit", "--set", "acw=5"],
                     ["bulk-edit", "--users", "a", "--filter", "login=a", "--set", "acw=5"],
                     ["bulk-edit", "--users", "a"],
                     ["bulk-edit", "--users", "a", "--set", "acw=-1"],
                     ["bulk-edit", "--users", "a", "--set", "acw=2000001"],
                     ["bulk-edit", "--users", "a", "--set", "phone-type=mobile"],
                     ["bulk-edit", "--users", "a", "--set", "colour=red"],
                     ["bulk-edit", "--users", "a,,b", "--set", "acw=5"],
                     ["bulk-edit", "--users", "a", "--set-security-profiles", "Agent", "--add-security-profile", "Admin"],
                     ["bulk-edit", "--users", "a", "--set", "acw=5", "--no-wait", "--report", "r.csv"],
                     ["bulk-delete", "--users", "a", "--set", "acw=5"],
                     ["bulk-delete", "--yes"]):
            with self.subTest(args=args):
                self.usage(self.bulk(*args))
        self.assertEqual(self.client("bulk-edit", "--help").returncode, 0)
        self.assertIn(b"usage: roster bulk-delete", self.client("bulk-delete", "--help").stdout)

    def test_filter_json_file(self):
        uid = self.user("fj-1")
        path = self.write("criteria.json", json.dumps({"SearchCriteria": {"StringCondition": {
            "FieldName": "Username", "Value": "fj-", "ComparisonType": "STARTS_WITH"}}}))
        p = self.bulk("bulk-edit", "--filter-json", path, "--set", "acw=77")
        self.assertEqual(p.returncode, 0, f"stdout={p.stdout!r} stderr={p.stderr!r}")
        self.assertEqual(self.describe(uid)["PhoneConfig"]["AfterContactWorkTimeLimit"], 77)


if __name__ == "__main__":
    unittest.main()
