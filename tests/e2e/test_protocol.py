"""test_protocol.py — the HTTP and rest-json layer: body limits, JSON parsing, routing, request ids,
error bodies, keep-alive, empty responses, query and path decoding, timestamps and the access log.

Requests are signed by botocore's SigV4Auth (signing.py) and sent with http.client or requests, so
the tests control the exact bytes on the wire.
"""
import http.client
import json
import re
import unittest
import urllib.parse

import requests

from harness import RosterTestCase
from signing import UUID_RE, call, log_lines, send, sign

LIMIT = 1024 * 1024


class ProtocolTest(RosterTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.iid = cls.roster.instance_id

    def assertAwsErrorResponse(self, resp, status, code):
        """An AWS error: the status, X-Amzn-ErrorType, a JSON body {"Message": "…"}, a request id."""
        self.assertEqual(resp.status, status, resp)
        self.assertEqual(resp.error_type, code, resp)
        self.assertTrue(resp.header("Content-Type").startswith("application/json"), resp.headers)
        body = resp.json()
        self.assertIsInstance(body, dict)
        self.assertIsInstance(body.get("Message"), str)
        self.assertTrue(body["Message"])
        self.assertRegex(resp.header("x-amzn-RequestId") or "", UUID_RE)
        return body

    def healthy(self):
        resp = send(self.roster.port, "GET", "/healthz")
        return resp.status == 200 and resp.json() == {"status": "ok"}

    # ---- bodies --------------------------------------------------------------------------------
    def test_body_over_one_mib_is_refused(self):
        r = self.roster
        body = b"{" + b" " * (LIMIT + LIMIT // 10) + b"}"
        h = sign(r.endpoint, r.account, "PUT", "/instance", body=body)
        resp = requests.put(r.endpoint + "/instance", data=body, headers=h, timeout=30)
        self.assertEqual(resp.status_code, 413, resp.text)
        self.assertEqual(resp.headers["X-Amzn-ErrorType"], "RequestEntityTooLargeException")
        self.assertIn("Message", resp.json())
        self.assertRegex(resp.headers["x-amzn-RequestId"], UUID_RE)
        self.assertTrue(self.healthy())

    def test_streamed_body_over_one_mib_is_refused(self):
        # Chunked upload: no Content-Length to refuse early, the limit applies while reading.
        r = self.roster
        h = sign(r.endpoint, r.account, "PUT", "/instance", body=b"{}")

        def chunks():
            for _ in range(20):
                yield b" " * 65536

        resp = requests.put(r.endpoint + "/instance", data=chunks(), headers=h, timeout=30)
        self.assertEqual(resp.status_code, 413, resp.text)
        self.assertEqual(resp.headers["X-Amzn-ErrorType"], "RequestEntityTooLargeException")
        self.assertTrue(self.healthy())
        # And the server keeps serving signed requests.
        self.assertEqual(call(r, "GET", "/instance").status, 200)

    def test_body_of_exactly_one_mib_is_read(self):
        r = self.roster
        prefix = b'{"IdentityManagementType": "SAML", "InboundCallsEnabled": true, "OutboundCallsEnabled": true, ' \
                 b'"ClientToken": "'
        body = prefix + b"t" * (LIMIT - len(prefix) - 2) + b'"}'
        self.assertEqual(len(body), LIMIT)
        # Parsed and validated (ClientToken is too long), not refused for its size.
        self.assertAwsErrorResponse(call(r, "PUT", "/instance", body=body), 400, "InvalidParameterException")

    def test_malformed_json(self):
        for body in [b"{not json", b'{"IdentityManagementType": "SAML",}', b'{"a": 1} trailing', b"\xff\xfe{}",
                     b'{"IdentityManagementType": "\xc3\x28"}']:
            with self.subTest(body=body):
                resp = call(self.roster, "PUT", "/instance", body=body)
                self.assertAwsErrorResponse(resp, 400, "SerializationException")

    def test_json_that_is_not_an_object(self):
        for body in [b"[]", b'[{"IdentityManagementType": "SAML"}]', b'"text"', b"42", b"null", b"true"]:
            with self.subTest(body=body):
                resp = call(self.roster, "PUT", "/instance", body=body)
                self.assertAwsErrorResponse(resp, 400, "SerializationException")

    def test_deeply_nested_json(self):
        for depth in (100, 5000):
            with self.subTest(depth=depth):
                body = '{"IdentityManagementType": "SAML", "X": ' + '{"a": ' * depth + "1" + "}" * depth + "}"
                resp = call(self.roster, "PUT", "/instance", body=body)
                self.assertEqual(resp.status, 400, resp)
                self.assertIn(resp.error_type, {"SerializationException", "InvalidParameterException"}, resp)
                arrays = "[" * depth + "]" * depth
                resp = call(self.roster, "PUT", "/instance", body='{"Tags": ' + arrays + "}")
                self.assertEqual(resp.status, 400, resp)
        self.assertTrue(self.healthy())

    def test_unknown_members_are_ignored(self):
        body = json.dumps({"IdentityManagementType": "SAML", "InboundCallsEnabled": True,
                           "OutboundCallsEnabled": False, "SomethingNew": {"x": [1, 2]}, "InstanceAlias": None})
        resp = call(self.roster, "PUT", "/instance", body=body)
        self.assertEqual(resp.status, 200, resp)
        self.assertRegex(resp.json()["Id"], UUID_RE)

    # ---- routing -------------------------------------------------------------------------------
    def test_unknown_paths(self):
        r = self.roster
        for method, path in [("GET", "/nosuch"), ("GET", "/users-nope/x"), ("POST", "/instance"),
                             ("PATCH", f"/instance/{self.iid}"), ("GET", f"/instance/{self.iid}/extra"),
                             ("GET", "/security-profiles-summary"), ("GET", "/security-profiles-summary/")]:
            with self.subTest(method=method, path=path):
                body = self.assertAwsErrorResponse(call(r, method, path), 404, "UnknownOperationException")
                self.assertIn(method, body["Message"])
        # Unsigned, the answer is the same: routing comes before authentication.
        self.assertAwsErrorResponse(send(r.port, "GET", "/nosuch"), 404, "UnknownOperationException")

    def test_healthz_without_auth(self):
        resp = send(self.roster.port, "GET", "/healthz")
        self.assertEqual(resp.status, 200)
        self.assertEqual(resp.json(), {"status": "ok"})
        self.assertTrue(resp.header("Content-Type").startswith("application/json"))
        self.assertRegex(resp.header("x-amzn-RequestId"), UUID_RE)

    # ---- request ids and errors ----------------------------------------------------------------
    def test_every_response_has_a_unique_request_id(self):
        r = self.roster
        responses = [
            call(r, "GET", "/instance"),                                   # 200
            call(r, "GET", f"/instance/{self.iid}"),                       # 200
            call(r, "PUT", "/instance", body=b"{not json"),                # 400
            send(r.port, "GET", "/instance"),                              # 403
            call(r, "GET", "/instance/00000000-0000-4000-8000-000000000000"),  # 404
            call(r, "GET", "/nosuch"),                                     # 404
            send(r.port, "GET", "/healthz"),                               # 200, no auth
        ]
        ids = [resp.header("x-amzn-RequestId") for resp in responses]
        for resp, rid in zip(responses, ids):
            self.assertRegex(rid or "", UUID_RE, resp)
        self.assertEqual(len(set(ids)), len(ids))
        # boto3 reports the same header as ResponseMetadata.RequestId.
        meta = r.boto().list_instances()["ResponseMetadata"]
        self.assertRegex(meta["RequestId"], UUID_RE)
        self.assertEqual(meta["RequestId"], meta["HTTPHeaders"]["x-amzn-requestid"])

    def test_error_body_shape(self):
        resp = call(self.roster, "GET", "/instance/00000000-0000-4000-8000-000000000000")
        body = self.assertAwsErrorResponse(resp, 404, "ResourceNotFoundException")
        self.assertEqual(set(body), {"Message"})
        resp = call(self.roster, "GET", "/instance", query="maxResults=0")
        body = self.assertAwsErrorResponse(resp, 400, "InvalidParameterException")
        self.assertEqual(set(body), {"Message"})
        self.assertIn("maxResults", body["Message"])

    def test_boto3_maps_error_to_modeled_exception(self):
        b = self.roster.boto()
        with self.assertRaises(b.exceptions.ResourceNotFoundException) as cm:
            b.describe_instance(InstanceId="00000000-0000-4000-8000-000000000000")
        e = cm.exception.response
        self.assertEqual(e["ResponseMetadata"]["HTTPStatusCode"], 404)
        self.assertTrue(e["Error"]["Message"])
        self.assertEqual(e["Message"], e["Error"]["Message"])

    # ---- connections ---------------------------------------------------------------------------
    def test_keep_alive(self):
        r = self.roster
        conn = http.client.HTTPConnection("127.0.0.1", r.port, timeout=30)
        try:
            statuses = []
            sock = None
            for i in range(6):
                if i % 3 == 0:
                    resp = send(r.port, "GET", "/healthz", conn=conn)
                elif i % 3 == 1:
                    resp = call(r, "GET", f"/security-profiles-summary/{self.iid}", conn=conn)
                else:
                    resp = call(r, "GET", "/instance/00000000-0000-4000-8000-000000000000", conn=conn)
                statuses.append(resp.status)
                self.assertNotEqual((resp.header("Connection") or "").lower(), "close")
                if sock is None:
                    sock = conn.sock
                self.assertIs(conn.sock, sock, "the server closed the connection")
            self.assertEqual(statuses, [200, 200, 404] * 2)
            # A request with a body on the same connection.
            resp = call(r, "PUT", "/instance", body=b"{bad", conn=conn)
            self.assertEqual(resp.status, 400)
            self.assertIs(conn.sock, sock)
        finally:
            conn.close()

    def test_delete_instance_answers_200_with_empty_body(self):
        r = self.roster
        iid = r.boto().create_instance(IdentityManagementType="SAML", InboundCallsEnabled=True,
                                       OutboundCallsEnabled=True)["Id"]
        resp = call(r, "DELETE", f"/instance/{iid}")
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.body, b"")
        self.assertEqual(resp.header("Content-Length"), "0")
        self.assertRegex(resp.header("x-amzn-RequestId"), UUID_RE)
        self.assertAwsErrorResponse(call(r, "DELETE", f"/instance/{iid}"), 404, "ResourceNotFoundException")

    # ---- query strings and paths ---------------------------------------------------------------
    def test_query_parameter_order_and_repeats(self):
        r = self.roster
        path = f"/queues-summary/{self.iid}"
        a = call(r, "GET", path, query="queueTypes=STANDARD&maxResults=1")
        b = call(r, "GET", path, query="maxResults=1&queueTypes=STANDARD")
        self.assertEqual(a.status, 200, a)
        self.assertEqual(a.json()["QueueSummaryList"], b.json()["QueueSummaryList"])
        self.assertEqual([q["Name"] for q in a.json()["QueueSummaryList"]], ["BasicQueue"])
        # A list parameter arrives as a repeated key, in any position.
        both = call(r, "GET", path, query="queueTypes=AGENT&maxResults=10&queueTypes=STANDARD")
        self.assertEqual(both.status, 200, both)
        self.assertIn("BasicQueue", [q.get("Name") for q in both.json()["QueueSummaryList"]])
        agent = call(r, "GET", path, query="queueTypes=AGENT")
        self.assertNotIn("BasicQueue", [q.get("Name") for q in agent.json()["QueueSummaryList"]])
        bad = call(r, "GET", path, query="queueTypes=STANDARD&queueTypes=BOGUS")
        self.assertAwsErrorResponse(bad, 400, "InvalidParameterException")
        # Unknown parameters are ignored.
        self.assertEqual(call(r, "GET", path, query="foo=bar&maxResults=1").status, 200)
        # Values are percent-decoded (and the signature still checks out with reserved characters).
        enc = call(r, "GET", path, query="queueTypes=STAND%2FARD%3D")
        body = self.assertAwsErrorResponse(enc, 400, "InvalidParameterException")
        self.assertIn("STAND/ARD=", body["Message"])
        self.assertAwsErrorResponse(call(r, "GET", path, query="maxResults=abc"), 400, "InvalidParameterException")

    def test_page_walk_over_raw_http(self):
        # A page walk by hand, the token sent back percent-encoded as botocore would: every item once.
        r = self.roster
        path = f"/security-profiles-summary/{self.iid}"
        names, token = [], None
        for _ in range(10):
            q = "maxResults=1" + ("&nextToken=" + urllib.parse.quote(token, safe="") if token else "")
            page = call(r, "GET", path, query=q).json()
            names += [s["Name"] for s in page["SecurityProfileSummaryList"]]
            token = page.get("NextToken")
            if not token:
                break
        self.assertEqual(names, ["Admin", "Agent", "CallCenterManager", "QualityAnalyst"])

    def test_percent_encoded_arn_in_path(self):
        r = self.roster
        arn = r.boto().describe_instance(InstanceId=self.iid)["Instance"]["Arn"]
        encoded = urllib.parse.quote(arn, safe="")
        self.assertIn("%3A", encoded)
        self.assertIn("%2F", encoded)
        resp = call(r, "GET", f"/instance/{encoded}")
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json()["Instance"]["Id"], self.iid)
        resp = call(r, "GET", f"/queues-summary/{encoded}")
        self.assertEqual(resp.status, 200, resp)
        # Lower-case hex escapes decode the same.
        resp = call(r, "GET", f"/instance/{encoded.replace('%3A', '%3a')}")
        self.assertEqual(resp.status, 200, resp)
        # An encoded id that is not an instance is not found, and nothing crashes on odd bytes.
        for odd in ["a%20b%2Fc", "%C3%BC%3Ax", "x" * 100, "arn%3Aaws%3Aconnect%3Aus-east-1%3A1%3Ainstance%2F"]:
            with self.subTest(odd=odd):
                resp = call(r, "GET", f"/instance/{odd}")
                self.assertIn(resp.status, (400, 404), resp)
                self.assertIn(resp.error_type, {"ResourceNotFoundException", "InvalidParameterException"})
        resp = call(r, "GET", "/instance/" + "x" * 300)
        self.assertIn(resp.status, (400, 404), resp)
        resp = call(r, "GET", "/instance/abc%00def")
        self.assertEqual(resp.status, 400, resp)
        self.assertTrue(self.healthy())

    def test_timestamps_are_json_numbers(self):
        r = self.roster
        inst = call(r, "GET", f"/instance/{self.iid}").json()["Instance"]
        self.assertIsInstance(inst["CreatedTime"], (int, float))
        self.assertNotIsInstance(inst["CreatedTime"], bool)
        summaries = call(r, "GET", "/instance").json()["InstanceSummaryList"]
        self.assertTrue(all(isinstance(s["CreatedTime"], (int, float)) for s in summaries))
        sp = call(r, "GET", f"/security-profiles-summary/{self.iid}").json()["SecurityProfileSummaryList"]
        for s in sp:
            self.assertIsInstance(s["LastModifiedTime"], (int, float))
            # At most millisecond precision.
            self.assertAlmostEqual(s["LastModifiedTime"] * 1000, round(s["LastModifiedTime"] * 1000), places=2)
        # boto3 parses them into aware datetimes.
        created = r.boto().describe_instance(InstanceId=self.iid)["Instance"]["CreatedTime"]
        self.assertIsNotNone(created.tzinfo)
        self.assertAlmostEqual(created.timestamp(), inst["CreatedTime"], places=3)

    # ---- access log ----------------------------------------------------------------------------
    def test_access_log_line(self):
        r = self.roster
        path = f"/security-profiles-summary/{self.iid}"
        resp = call(r, "GET", path, query="maxResults=2")
        rid = resp.header("x-amzn-RequestId")
        err = call(r, "GET", "/instance/00000000-0000-4000-8000-000000000000")
        err_rid = err.header("x-amzn-RequestId")
        unsigned = send(r.port, "GET", "/instance")

        def line_for(request_id):
            lines = log_lines(r, request_id)
            self.assertEqual(len(lines), 1, r.log()[-3000:])
            return lines[0]

        line = line_for(rid)
        m = re.search(r"access (\S+) (\S+) (\S+) (\d{3}) ([\d.]+)ms (\S+)", line)
        self.assertIsNotNone(m, line)
        self.assertEqual(m.group(1), rid)
        self.assertEqual(m.group(2), "GET")
        self.assertEqual(m.group(3), path)   # the path, without the query
        self.assertEqual(m.group(4), "200")
        self.assertGreaterEqual(float(m.group(5)), 0)
        self.assertEqual(m.group(6), r.account.key_id)
        self.assertNotIn(r.account.secret, r.log())
        line = line_for(err_rid)
        self.assertIn(" 404 ", line)
        self.assertIn(r.account.key_id, line)
        line = line_for(unsigned.header("x-amzn-RequestId"))
        self.assertIn(" 403 ", line)


if __name__ == "__main__":
    unittest.main()
