"""test_roster_api.py — roster's own HTTP API (/roster/v1) end to end: every endpoint's happy path,
permissions (a refused upload is answered before its body), every query parameter error, an upload
whose body is not the one signed, unknown jobs and instances, an instance addressed by its alias,
and a user key of another instance.

There is no boto3 client for roster's own API: requests are signed with botocore's SigV4Auth
(signing.py), service `connect`, and an upload signs the SHA-256 of its body in
x-amz-content-sha256 as the server requires.
"""
import csv
import hashlib
import io
import os
import socket
import subprocess
import time
import unittest
import uuid
import http.client
from urllib.parse import quote

from harness import ROSTER_BIN, Roster, RosterTestCase
from httpraw import assert_error_shape
from signing import call, send, sign

FINISHED = ("COMPLETED", "CANCELED", "FAILED")


def base(instance):
    return f"/roster/v1/instances/{instance}"


def upload(roster, instance, body, query="Mode=CREATE", creds=None, content_type="text/csv", sha=None):
    """POSTs body (bytes) as an import, signing its SHA-256 (or `sha`) in x-amz-content-sha256."""
    headers = {"X-Amz-Content-SHA256": sha or hashlib.sha256(body).hexdigest()}
    if content_type:
        headers["Content-Type"] = content_type
    return call(roster, "POST", base(instance) + "/imports", query, body, creds=creds, headers=headers)


def header_of(roster, instance, creds=None):
    resp = call(roster, "GET", base(instance) + "/users/template", creds=creds)
    assert resp.status == 200, resp
    return next(csv.reader(io.StringIO(resp.body.decode("utf-8"))))


DEFAULTS = {
    "first name": "Ada",
    "last name": "Lovelace",
    "password": "Passw0rd-long",
    "routing profile name": "Basic Routing Profile",
    "security_profile_name_1|security_profile_name_2": "Agent",
    "phone type (soft/desk)": "soft",
    "soft phone auto accept (yes/no)": "no",
    "acw timeout (seconds)": "0",
}


def csv_file(header, rows):
    """A CSV file of header and rows (dicts by lowercase column name; login under 'user login')."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(header)
    for r in rows:
        login = r["user login"]
        vals = dict(DEFAULTS, **{"email address": f"{login}@example.com"})
        vals.update(r)
        w.writerow([vals.get(h.strip().lower(), "") for h in header])
    return out.getvalue().encode("utf-8")


class RosterApiTest(RosterTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.roster
        cls.iid = r.instance_id
        r.add_user("analyst1", "QualityAnalyst")   # Users.View, not Users.Create/Edit
        r.add_user("agent1", "Agent")              # no Users.View
        r.add_user("manager1", "CallCenterManager")  # Users.View, Create, Edit
        cls.analyst_key = r.new_key(user="analyst1")
        cls.agent_key = r.new_key(user="agent1")
        cls.manager_key = r.new_key(user="manager1")
        cls.other = r.boto().create_instance(IdentityManagementType="CONNECT_MANAGED", InstanceAlias="door-second",
                                             InboundCallsEnabled=True, OutboundCallsEnabled=True)
        r.add_user("other-admin", "Admin", instance=cls.other["Id"])
        cls.other_admin_key = r.new_key(user="other-admin", instance=cls.other["Id"])

    # ---- helpers ------------------------------------------------------------------------------
    def get(self, path, query="", creds=None):
        return call(self.roster, "GET", path, query, creds=creds)

    def ok_json(self, resp, status=200):
        self.assertEqual(resp.status, status, resp)
        self.assertTrue(resp.header("Content-Type").startswith("application/json"), resp.headers)
        return resp.json()

    def wait(self, instance, job_id, timeout=60):
        deadline = time.monotonic() + timeout
        while True:
            job = self.ok_json(self.get(f"{base(instance)}/jobs/{job_id}"))["Job"]
            if job["State"] in FINISHED:
                return job
            self.assertLess(time.monotonic(), deadline, f"job did not finish: {job}")
            time.sleep(0.1)

    def job_ids(self, instance):
        return [j["JobId"] for j in self.ok_json(self.get(base(instance) + "/jobs", "MaxResults=100"))["Jobs"]]

    def assert_job_shape(self, job):
        for k in ("JobId", "Kind", "State", "Mode", "DryRun", "Atomic", "Counts", "RowsPerSecond", "SubmittedTime",
                  "SubmittedBy"):
            self.assertIn(k, job)
        self.assertEqual(job["Kind"], "IMPORT")
        self.assertIsInstance(job["SubmittedTime"], (int, float))
        self.assertIsInstance(job["RowsPerSecond"], (int, float))
        self.assertEqual(set(job["Counts"]), {"Total", "Succeeded", "Failed", "Canceled", "Pending", "Created",
                                              "Updated", "Unchanged", "Deleted"})

    # ---- happy paths --------------------------------------------------------------------------
    def test_template(self):
        resp = self.get(base(self.iid) + "/users/template")
        self.assertEqual(resp.status, 200, resp)
        self.assertTrue(resp.header("Content-Type").startswith("text/csv"), resp.headers)
        self.assertTrue(resp.header("Content-Disposition").startswith("attachment; filename="), resp.headers)
        lines = list(csv.reader(io.StringIO(resp.body.decode("utf-8-sig"))))
        self.assertEqual(len(lines), 1)
        self.assertIn("user login", [h.lower() for h in lines[0]])
        resp = self.get(base(self.iid) + "/users/template", "example=true")
        self.assertEqual(len(list(csv.reader(io.StringIO(resp.body.decode("utf-8-sig"))))), 2, resp)
        assert_error_shape(self, self.get(base(self.iid) + "/users/template", "example=yes"), 400,
                           "InvalidParameterException")

    def test_import_items_report_retry_export(self):
        header = header_of(self.roster, self.iid)
        body = csv_file(header, [{"user login": "door-a"}, {"user login": "door-b", "phone number": "12345"},
                                 {"user login": "door-c"}])
        resp = upload(self.roster, self.iid, body, "Mode=CREATE&DryRun=false&Atomic=false&FileName=new%20hires.csv")
        job = self.ok_json(resp, 202)["Job"]
        self.assert_job_shape(job)
        self.assertEqual((job["Mode"], job["DryRun"], job["Atomic"], job["FileName"]),
                         ("CREATE", False, False, "new hires.csv"))
        self.assertIn(job["State"], ("QUEUED", "RUNNING", "COMPLETED"))
        job = self.wait(self.iid, job["JobId"])
        self.assertEqual(job["State"], "COMPLETED", job)
        self.assertEqual((job["Counts"]["Total"], job["Counts"]["Succeeded"], job["Counts"]["Failed"],
                          job["Counts"]["Created"], job["Counts"]["Pending"]), (3, 2, 1, 2, 0), job)
        self.assertIsInstance(job["FinishedTime"], (int, float))
        self.assertIn(job["JobId"], self.job_ids(self.iid))

        items = self.ok_json(self.get(f"{base(self.iid)}/jobs/{job['JobId']}/items"))["Items"]
        self.assertEqual([i["Row"] for i in items], [1, 2, 3])
        self.assertEqual(items[0]["State"], "SUCCEEDED")
        self.assertEqual(items[0]["Action"], "CREATED")
        self.assertEqual(items[0]["Username"], "door-a")
        self.assertTrue(items[0]["UserId"])
        self.assertNotIn("Errors", items[0])
        failed = self.ok_json(self.get(f"{base(self.iid)}/jobs/{job['JobId']}/items", "State=FAILED"))["Items"]
        self.assertEqual([i["Row"] for i in failed], [2])
        self.assertTrue(failed[0]["Errors"], failed)
        self.assertEqual(set(failed[0]["Errors"][0]), {"Column", "Value", "Message"})
        self.assertEqual(failed[0]["Errors"][0]["Column"].lower(), "phone number")
        page = self.ok_json(self.get(f"{base(self.iid)}/jobs/{job['JobId']}/items", "MaxResults=1"))
        self.assertEqual(len(page["Items"]), 1)
        self.assertTrue(page["NextToken"])
        page2 = self.ok_json(self.get(f"{base(self.iid)}/jobs/{job['JobId']}/items",
                                      "MaxResults=1&NextToken=" + quote(page["NextToken"], safe="")))
        self.assertEqual(page2["Items"][0]["Row"], 2)

        resp = self.get(f"{base(self.iid)}/jobs/{job['JobId']}/report")
        self.assertEqual(resp.status, 200, resp)
        self.assertTrue(resp.header("Content-Type").startswith("text/csv"), resp.headers)
        self.assertTrue(resp.header("Content-Disposition").startswith("attachment;"), resp.headers)
        report = list(csv.reader(io.StringIO(resp.body.decode("utf-8-sig"))))
        self.assertEqual([h.lower() for h in report[0][-2:]], ["row", "error"])
        self.assertEqual(len(report), 2, report)

        # A finished job cannot be cancelled; its failed row can be retried.
        assert_error_shape(self, call(self.roster, "POST", f"{base(self.iid)}/jobs/{job['JobId']}/cancel"), 400,
                           "InvalidRequestException")
        retry = self.ok_json(call(self.roster, "POST", f"{base(self.iid)}/jobs/{job['JobId']}/retry"), 202)["Job"]
        self.assertEqual(retry["RetryOf"], job["JobId"])
        self.assertEqual(retry["Counts"]["Total"], 1)
        self.wait(self.iid, retry["JobId"])

        resp = self.get(base(self.iid) + "/users/export", "Username=door-")
        self.assertEqual(resp.status, 200, resp)
        self.assertTrue(resp.header("Content-Type").startswith("text/csv"), resp.headers)
        self.assertTrue(resp.header("Content-Disposition").startswith("attachment;"), resp.headers)
        rows = list(csv.DictReader(io.StringIO(resp.body.decode("utf-8-sig"))))
        logins = sorted(r[next(k for k in r if k.lower() == "user login")] for r in rows)
        self.assertEqual(logins, ["door-a", "door-c"])

    def test_cancel_answers_the_job(self):
        header = header_of(self.roster, self.iid)
        body = csv_file(header, [{"user login": f"cancel-{i}"} for i in range(300)])
        job = self.ok_json(upload(self.roster, self.iid, body), 202)["Job"]
        resp = call(self.roster, "POST", f"{base(self.iid)}/jobs/{job['JobId']}/cancel")
        if resp.status == 200:
            self.assertEqual(resp.json()["Job"]["JobId"], job["JobId"])
        else:  # it finished first
            assert_error_shape(self, resp, 400, "InvalidRequestException")
        self.assertIn(self.wait(self.iid, job["JobId"])["State"], ("CANCELED", "COMPLETED"))

    def test_second_instance_by_alias(self):
        alias = "door-second"
        header = header_of(self.roster, alias)
        job = self.ok_json(upload(self.roster, alias, csv_file(header, [{"user login": "door-alias"}])), 202)["Job"]
        self.assertEqual(self.wait(alias, job["JobId"])["State"], "COMPLETED")
        self.assertIn(job["JobId"], self.job_ids(self.other["Id"]))
        self.assertNotIn(job["JobId"], self.job_ids(self.iid))
        # A job of one instance is not found through another.
        assert_error_shape(self, self.get(f"{base(self.iid)}/jobs/{job['JobId']}"), 404, "ResourceNotFoundException")

    # ---- permissions --------------------------------------------------------------------------
    def test_reading_needs_users_view(self):
        for path in ("/jobs", "/users/template", "/users/export", f"/jobs/{uuid.uuid4()}"):
            with self.subTest(path=path):
                assert_error_shape(self, self.get(base(self.iid) + path, creds=self.agent_key), 403,
                                   "AccessDeniedException")
        self.ok_json(self.get(base(self.iid) + "/jobs", creds=self.analyst_key))

    def test_import_refused_before_its_body(self):
        before = self.job_ids(self.iid)
        for mode in ("CREATE", "UPSERT"):
            with self.subTest(mode=mode):
                path = base(self.iid) + "/imports"
                query = f"Mode={mode}"
                size = 200 * 1024 * 1024
                h = sign(self.roster.endpoint, self.analyst_key, "POST", path, query, b"",
                         {"Content-Type": "text/csv", "X-Amz-Content-SHA256": "ab" * 32,
                          "Content-Length": str(size)})
                # Only the headers are sent: the answer must come without the 200 MB body.
                sock = socket.create_connection(("127.0.0.1", self.roster.port), timeout=10)
                try:
                    head = (f"POST {path}?{query} HTTP/1.1\r\nHost: 127.0.0.1:{self.roster.port}\r\n" +
                            "".join(f"{k}: {v}\r\n" for k, v in h.items()))
                    sock.sendall((head + "\r\n").encode())
                    resp = http.client.HTTPResponse(sock, method="POST")
                    resp.begin()
                    body = resp.read()
                finally:
                    sock.close()
                self.assertEqual(resp.status, 403, body)
                self.assertEqual(resp.headers["X-Amzn-ErrorType"], "AccessDeniedException")
        self.assertEqual(self.job_ids(self.iid), before)
        # The manager may import (Users.Create).
        header = header_of(self.roster, self.iid)
        job = self.ok_json(upload(self.roster, self.iid, csv_file(header, [{"user login": "door-mgr"}]),
                                  creds=self.manager_key), 202)["Job"]
        self.wait(self.iid, job["JobId"])

    def test_user_key_of_another_instance_is_refused(self):
        key = self.other_admin_key
        for path in ("/jobs", "/users/template", "/users/export"):
            with self.subTest(path=path):
                assert_error_shape(self, self.get(base(self.iid) + path, creds=key), 403, "AccessDeniedException")
        assert_error_shape(self, upload(self.roster, self.iid, b"user login\r\nx\r\n", creds=key), 403,
                           "AccessDeniedException")
        self.ok_json(self.get(base(self.other["Id"]) + "/jobs", creds=key))

    def test_unsigned_is_refused(self):
        assert_error_shape(self, send(self.roster.port, "GET", base(self.iid) + "/jobs"), 403,
                           "MissingAuthenticationTokenException")

    # ---- errors -------------------------------------------------------------------------------
    def test_import_parameter_errors(self):
        before = self.job_ids(self.iid)
        body = b"user login\r\nx\r\n"
        for query, part in [("Mode=create", "Mode must be CREATE or UPSERT"),
                            ("Mode=", "Mode must be CREATE or UPSERT"),
                            ("DryRun=yes", "DryRun must be true or false"),
                            ("Atomic=1", "Atomic must be true or false"),
                            ("FileName=" + "a" * 256, "FileName must be at most 255 bytes"),
                            ("FileName=%FF.csv", "FileName must be valid UTF-8"),
                            ("Bogus=1&Mode=CREATE", "Unknown query parameter 'Bogus'"),
                            ("Mode=CREATE&Mode=UPSERT", "Mode is given more than once")]:
            with self.subTest(query=query):
                doc = assert_error_shape(self, upload(self.roster, self.iid, body, query), 400,
                                         "InvalidParameterException")
                self.assertIn(part, doc["Message"])
        resp = upload(self.roster, self.iid, body, "FileName=" + quote("é" * 127 + "a"))  # 255 bytes: taken
        self.assertEqual(resp.status, 202, resp)
        self.assertEqual(resp.json()["Job"]["FileName"], "é" * 127 + "a")
        self.wait(self.iid, resp.json()["Job"]["JobId"])
        for ctype in ("application/json", None, "text/csvx"):
            with self.subTest(content_type=ctype):
                assert_error_shape(self, upload(self.roster, self.iid, body, content_type=ctype), 415,
                                   "InvalidRequestException")
        self.assertEqual(upload(self.roster, self.iid, body, content_type="Text/CSV; charset=utf-8").status, 202)
        self.assertEqual(len(self.job_ids(self.iid)), len(before) + 2)

    def test_payload_hash_header_required(self):
        path = base(self.iid) + "/imports"
        body = b"user login\r\nx\r\n"
        # Absent: botocore then signs the body's hash itself, which the upload cannot use.
        resp = call(self.roster, "POST", path, "Mode=CREATE", body, headers={"Content-Type": "text/csv"})
        doc = assert_error_shape(self, resp, 400, "InvalidRequestException")
        self.assertIn("x-amz-content-sha256", doc["Message"])
        for value in ("UNSIGNED-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "ab" * 31, "zz" * 32):
            with self.subTest(value=value):
                doc = assert_error_shape(self, upload(self.roster, self.iid, body, sha=value), 400,
                                         "InvalidRequestException")
                self.assertIn("x-amz-content-sha256", doc["Message"])

    def test_body_not_the_signed_one_leaves_no_job(self):
        before = self.job_ids(self.iid)
        path = base(self.iid) + "/imports"
        signed = b"user login\r\nsigned\r\n"
        h = sign(self.roster.endpoint, self.roster.account, "POST", path, "Mode=CREATE", signed,
                 {"Content-Type": "text/csv", "X-Amz-Content-SHA256": hashlib.sha256(signed).hexdigest()})
        resp = send(self.roster.port, "POST", path + "?Mode=CREATE", h, b"user login\r\nswapped\r\n")
        doc = assert_error_shape(self, resp, 400, "InvalidSignatureException")
        self.assertIn("no job", doc["Message"])
        self.assertEqual(self.job_ids(self.iid), before)
        # Changing the signed hash itself breaks the signature.
        h["X-Amz-Content-SHA256"] = hashlib.sha256(b"other").hexdigest()
        assert_error_shape(self, send(self.roster.port, "POST", path + "?Mode=CREATE", h, b"other"), 403,
                           "InvalidSignatureException")
        self.assertEqual(self.job_ids(self.iid), before)

    def test_list_parameter_errors(self):
        jid = str(uuid.uuid4())
        for path, query, part in [("/jobs", "MaxResults=0", "MaxResults must be between 1 and 100"),
                                  ("/jobs", "MaxResults=101", "MaxResults must be between 1 and 100"),
                                  ("/jobs", "MaxResults=ten", "MaxResults must be a whole number"),
                                  ("/jobs", "Status=QUEUED", "Unknown query parameter 'Status'"),
                                  (f"/jobs/{jid}/items", "MaxResults=1001", "MaxResults must be between 1 and 1000"),
                                  (f"/jobs/{jid}", "x=1", "Unknown query parameter 'x'"),
                                  ("/users/export", "Login=a", "Unknown query parameter 'Login'")]:
            with self.subTest(path=path, query=query):
                doc = assert_error_shape(self, self.get(base(self.iid) + path, query), 400,
                                         "InvalidParameterException")
                self.assertIn(part, doc["Message"])
        self.ok_json(self.get(base(self.iid) + "/jobs", "MaxResults=100"))
        assert_error_shape(self, self.get(base(self.iid) + "/jobs", "State=DONE"), 400, "InvalidParameterException")

    def test_unknown_job_instance_and_path(self):
        jid = str(uuid.uuid4())
        for method, path in [("GET", f"/jobs/{jid}"), ("GET", f"/jobs/{jid}/items"), ("GET", f"/jobs/{jid}/report"),
                             ("POST", f"/jobs/{jid}/cancel"), ("POST", f"/jobs/{jid}/retry")]:
            with self.subTest(path=path):
                assert_error_shape(self, call(self.roster, method, base(self.iid) + path), 404,
                                   "ResourceNotFoundException")
        assert_error_shape(self, self.get(base("no-such-alias") + "/jobs"), 404, "ResourceNotFoundException")
        for method, path in [("GET", base(self.iid) + "/imports"), ("DELETE", f"{base(self.iid)}/jobs/{jid}"),
                             ("GET", f"{base(self.iid)}/jobs/{jid}/cancel"), ("GET", "/roster/v1/jobs"),
                             ("PUT", base(self.iid) + "/imports")]:
            with self.subTest(method=method, path=path):
                doc = assert_error_shape(self, call(self.roster, method, path), 404, "UnknownOperationException")
                self.assertIn("No operation is served", doc["Message"])


class UploadLimitTest(unittest.TestCase):
    """ROSTER_UPLOAD_MAX_BYTES bounds the upload door; bad settings stop `roster serve` at once."""

    def test_upload_over_the_limit_is_413_and_leaves_no_job(self):
        with Roster(extra_env={"ROSTER_UPLOAD_MAX_BYTES": "1000"}) as r:
            iid = r.instance_id
            body = b"user login\r\n" + b"x\r\n" * 400
            doc = assert_error_shape(self, upload(r, iid, body), 413, "RequestEntityTooLargeException")
            self.assertIn("1000 bytes", doc["Message"])
            jobs = call(r, "GET", base(iid) + "/jobs").json()["Jobs"]
            self.assertEqual(jobs, [])
            # Within the limit it is taken; the other roster paths keep the JSON door's 1 MiB.
            self.assertEqual(upload(r, iid, b"user login\r\nx\r\n").status, 202)

    def test_upload_may_outlast_the_body_timeout_while_it_progresses(self):
        """An upload is stored as it arrives, so a big one takes longer than the body timeout in
        all: it is cut off only when no byte comes for that long (it was cut at 60 s in all)."""
        with Roster(extra_env={"ROSTER_HTTP_BODY_TIMEOUT": "2"}) as r:
            iid = r.instance_id
            header = ",".join(header_of(r, iid)).encode() + b"\r\n"
            rows = [f"Ada,Lovelace,slow{i}@example.com,,,Passw0rd-long,slow{i},Basic Routing Profile,Agent,,soft,,no,0,\r\n"
                    .encode() for i in range(6)]
            body = header + b"".join(rows)
            path = base(iid) + "/imports"
            hdrs = sign(r.endpoint, r.account, "POST", path, "", body,
                        {"Content-Type": "text/csv", "X-Amz-Content-SHA256": hashlib.sha256(body).hexdigest()})
            with socket.create_connection(("127.0.0.1", r.port), timeout=30) as s:
                head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{r.port}\r\nContent-Length: {len(body)}\r\n"
                head += "".join(f"{k}: {v}\r\n" for k, v in hdrs.items() if k.lower() != "host") + "\r\n"
                s.sendall(head.encode() + header)
                for row in rows:       # 6 s in all, a second between pieces
                    time.sleep(1)
                    s.sendall(row)
                reply = s.recv(65536).decode("utf-8", "replace")
            self.assertTrue(reply.startswith("HTTP/1.1 202"), reply[:300])
            # A stalled upload is still cut off, and leaves no job behind.
            with socket.create_connection(("127.0.0.1", r.port), timeout=30) as s:
                s.sendall(head.encode() + header)
                time.sleep(4)
                try:
                    s.sendall(rows[0])
                    closed = s.recv(65536) == b""
                except (BrokenPipeError, ConnectionResetError):
                    closed = True
            self.assertTrue(closed)
            jobs = call(r, "GET", base(iid) + "/jobs").json()["Jobs"]
            self.assertEqual(len(jobs), 1, jobs)

    def test_bad_settings_are_usage_errors(self):
        r = Roster()
        try:
            r.init()
            for env, args in [({"ROSTER_UPLOAD_MAX_BYTES": "0"}, []), ({"ROSTER_JOB_WORKERS": "0"}, []),
                              ({"ROSTER_IMPORT_MAX_ROWS": "many"}, []), ({}, ["--job-retention", "0"])]:
                with self.subTest(env=env, args=args):
                    p = subprocess.run([ROSTER_BIN, "serve", "--db", r.db, "--listen", "127.0.0.1:0", *args],
                                       capture_output=True, text=True, env=dict(os.environ, **env),
                                       timeout=30)
                    self.assertEqual(p.returncode, 2, p.stderr)
        finally:
            r.cleanup()


if __name__ == "__main__":
    unittest.main()
