"""test_cli_bulk_wire.py — what `roster bulk-edit` and `roster bulk-delete` send and how they
follow the job, against a stand-in for the server's bulk endpoints: a small HTTP proxy in front of
a real roster that answers POST …/bulk-edits and …/bulk-deletes and the GETs of its own job
itself (recording the request), and forwards every other request unchanged (SigV4 signatures
hold: the bytes and the Host header are the client's). Runs with or without the server side of
issue 10; test_cli_bulk.py checks the real thing.

What is checked: the request body exactly (Selection with SearchCriteria and SearchFilter
compiled from the filter and names resolved to ids, or UserIds from logins; every kind of
Changes), the summary (updated / unchanged / deleted / failed / canceled and the first errors by
user), --report written from the job's report, and the exit statuses (0, 1 on a failed user, 1
on a canceled job).
"""
import http.client
import http.server
import json
import threading
import unittest

from harness import RosterTestCase
from test_cli_jobs import ClientMixin

JOB_ID = "0f0f0f0f-bulk-4000-8000-000000000001"


class StandIn:
    """The proxy. job: the Job object the stand-in answers with (set by the test)."""

    def __init__(self, upstream_port):
        self.requests = []      # (method, path, body) of the bulk POSTs
        self.job = None
        self.items = []
        self.report = b"user login,user id,change,error\n"
        self.polls = 0
        stand_in = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def reply(self, status, body, ctype="application/json"):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def handle_any(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                path = self.path.split("?")[0]
                if self.command == "POST" and (path.endswith("/bulk-edits") or path.endswith("/bulk-deletes")):
                    stand_in.requests.append((self.command, path, json.loads(body)))
                    first = dict(stand_in.job, State="QUEUED")
                    return self.reply(202, json.dumps({"Job": first}).encode())
                if self.command == "GET" and JOB_ID in path:
                    if path.endswith("/report"):
                        return self.reply(200, stand_in.report, "text/csv")
                    if path.endswith("/items"):
                        return self.reply(200, json.dumps({"Items": stand_in.items}).encode())
                    stand_in.polls += 1
                    return self.reply(200, json.dumps({"Job": stand_in.job}).encode())
                conn = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
                conn.request(self.command, self.path, body=body, headers=headers)
                r = conn.getresponse()
                data = r.read()
                self.send_response(r.status)
                for k, v in r.getheaders():
                    if k.lower() not in ("connection", "transfer-encoding", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

            do_GET = do_POST = handle_any

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class CliBulkWireTest(ClientMixin, RosterTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        import tempfile
        cls.tmp = tempfile.mkdtemp(prefix="roster-cli-bulk-wire-", dir=cls.roster.dir)
        b = cls.b = cls.roster.boto()
        cls.iid = b.create_instance(IdentityManagementType="SAML", InboundCallsEnabled=True,
                                    OutboundCallsEnabled=True)["Id"]
        iid = cls.iid
        cls.sp = {s["Name"]: s["Id"] for s in b.list_security_profiles(InstanceId=iid)["SecurityProfileSummaryList"]}
        cls.rp = {p["Name"]: p["Id"] for p in b.list_routing_profiles(InstanceId=iid)["RoutingProfileSummaryList"]}
        b.update_user_hierarchy_structure(InstanceId=iid, HierarchyStructure={
            "LevelOne": {"Name": "Region"}, "LevelTwo": {"Name": "Site"}})
        cls.sales = b.create_user_hierarchy_group(InstanceId=iid, Name="Sales")["HierarchyGroupId"]
        cls.west = b.create_user_hierarchy_group(InstanceId=iid, Name="West",
                                                 ParentGroupId=cls.sales)["HierarchyGroupId"]
        cls.uids = {}
        for login in ("w-1", "w-2"):
            cls.uids[login] = b.create_user(
                InstanceId=iid, Username=login, IdentityInfo={"FirstName": "Ann", "LastName": "Lee"},
                PhoneConfig={"PhoneType": "SOFT_PHONE"}, SecurityProfileIds=[cls.sp["Agent"]],
                RoutingProfileId=cls.rp["Basic Routing Profile"])["UserId"]
        cls.stand_in = StandIn(cls.roster.port)

    @classmethod
    def tearDownClass(cls):
        cls.stand_in.close()
        super().tearDownClass()

    def setUp(self):
        self.stand_in.requests.clear()
        self.stand_in.items = []

    def job(self, kind, state, **counts):
        c = {"Total": 0, "Succeeded": 0, "Failed": 0, "Canceled": 0, "Pending": 0, "Created": 0, "Updated": 0,
             "Unchanged": 0, "Deleted": 0}
        c.update(counts)
        return {"JobId": JOB_ID, "Kind": kind, "State": state, "Counts": c}

    def bulk(self, *args):
        return self.client(args[0], "--instance", self.iid, *args[1:], endpoint=self.stand_in.endpoint)

    def test_edit_body_summary_and_first_errors(self):
        s = self.stand_in
        s.job = self.job("BULK_EDIT", "COMPLETED", Total=2, Succeeded=1, Updated=1, Failed=1)
        s.items = [{"Row": 2, "UserId": self.uids["w-2"], "Username": "w-2", "State": "FAILED",
                    "Errors": [{"Message": "user is managed by the identity provider"}]}]
        p = self.bulk("bulk-edit", "--filter", "login^=w- and (tag:team=red or hierarchy^=Sales)",
                      "--set", "routing-profile=Basic Routing Profile", "--add-security-profile", "Admin",
                      "--remove-security-profile", "Agent", "--set", "phone-type=desk",
                      "--set", "desk-phone=+14155550100", "--set", "auto-accept=no", "--set", "acw=45",
                      "--set", "hierarchy=Sales|West", "--tag", "site=lyon", "--tag", "floor=3", "--untag", "old")
        self.assertEqual(p.returncode, 1, f"stdout={p.stdout!r} stderr={p.stderr!r}")
        self.one_line_error(p, 1, "1 of 2 users failed", "--report PATH")
        self.assertEqual(len(s.requests), 1)
        method, path, body = s.requests[0]
        self.assertEqual(path, f"/roster/v1/instances/{self.iid}/bulk-edits")
        self.assertEqual(body, {
            "Selection": {
                "SearchCriteria": {"StringCondition": {"FieldName": "Username", "Value": "w-",
                                                       "ComparisonType": "STARTS_WITH"}},
                "SearchFilter": {"UserAttributeFilter": {"OrConditions": [
                    {"TagConditions": [{"TagKey": "team", "TagValue": "red"}]},
                    {"HierarchyGroupCondition": {"Value": self.sales,
                                                 "HierarchyGroupMatchType": "WITH_CHILD_GROUPS"}}]}}},
            "Changes": {
                "RoutingProfileId": self.rp["Basic Routing Profile"],
                "SecurityProfiles": {"Add": [self.sp["Admin"]], "Remove": [self.sp["Agent"]]},
                "HierarchyGroupId": self.west,
                "PhoneType": "DESK_PHONE", "DeskPhoneNumber": "+14155550100", "AutoAccept": False,
                "AfterContactWorkTimeLimit": 45,
                "Tags": {"Add": {"site": "lyon", "floor": "3"}, "Remove": ["old"]}}})
        out = p.stdout.decode()
        self.assertIn(f"Job {JOB_ID} COMPLETED: 2 users", out)
        self.assertIn("updated 1, unchanged 0, deleted 0, failed 1, canceled 0", out)
        self.assertIn(f"  user w-2 ({self.uids['w-2']}): user is managed by the identity provider", out)

    def test_edit_users_set_security_profiles_and_no_hierarchy(self):
        s = self.stand_in
        s.job = self.job("BULK_EDIT", "COMPLETED", Total=2, Succeeded=2, Updated=1, Unchanged=1)
        p = self.bulk("bulk-edit", "--users", "w-2,w-1,w-2", "--set-security-profiles", "Agent,QualityAnalyst",
                      "--set", "hierarchy=none")
        self.assertEqual(p.returncode, 0, f"stdout={p.stdout!r} stderr={p.stderr!r}")
        self.assertEqual(p.stderr, b"")
        self.assertEqual(s.requests[0][2], {
            "Selection": {"UserIds": [self.uids["w-2"], self.uids["w-1"]]},
            "Changes": {"SecurityProfiles": {"Set": [self.sp["Agent"], self.sp["QualityAnalyst"]]},
                        "HierarchyGroupId": None}})
        self.assertIn("updated 1, unchanged 1, deleted 0, failed 0, canceled 0", p.stdout.decode())

    def test_delete_report_and_deleted_count(self):
        s = self.stand_in
        s.job = self.job("BULK_DELETE", "COMPLETED", Total=1, Succeeded=1, Deleted=1)
        report = f"{self.tmp}/delete-report.csv"
        p = self.bulk("bulk-delete", "--users", "w-1", "--yes", "--report", report)
        self.assertEqual(p.returncode, 0, f"stdout={p.stdout!r} stderr={p.stderr!r}")
        self.assertEqual(s.requests[0][1], f"/roster/v1/instances/{self.iid}/bulk-deletes")
        self.assertEqual(s.requests[0][2], {"Selection": {"UserIds": [self.uids["w-1"]]}})
        self.assertIn("deleted 1, failed 0, canceled 0", p.stdout.decode())
        with open(report, "rb") as f:
            self.assertEqual(f.read(), s.report)

    def test_delete_filter_json_and_canceled(self):
        s = self.stand_in
        s.job = self.job("BULK_DELETE", "CANCELED", Total=5, Succeeded=2, Deleted=2, Canceled=3)
        criteria = {"OrConditions": [{"StringCondition": {"FieldName": "Username", "Value": "w-1",
                                                          "ComparisonType": "EXACT"}}]}
        path = self.write("criteria.json", json.dumps(criteria))
        p = self.bulk("bulk-delete", "--filter-json", path, "--yes")
        self.one_line_error(p, 1, "the bulk delete was canceled: 3 of 5 users were not processed")
        self.assertEqual(s.requests[0][2], {"Selection": {"SearchCriteria": criteria}})
        self.assertIn("deleted 2, failed 0, canceled 3", p.stdout.decode())
        # only a filter: the criteria are an empty object
        s.job = self.job("BULK_DELETE", "COMPLETED")
        path = self.write("filter.json", json.dumps({"SearchFilter": {"TagFilter": {"TagCondition": {"TagKey": "k"}}}}))
        p = self.bulk("bulk-delete", "--filter-json", path, "--yes")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(s.requests[1][2], {"Selection": {"SearchCriteria": {}, "SearchFilter": {
            "TagFilter": {"TagCondition": {"TagKey": "k"}}}}})


if __name__ == "__main__":
    unittest.main()
