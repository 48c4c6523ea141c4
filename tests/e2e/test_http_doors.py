"""test_http_doors.py — the HTTP layer's doors: each part of the URL space with its own body limit,
the upload door answered at its headers, its body unread (so an upload of any size is never
buffered) while the client still reads the answer.
"""
import json
import os

from harness import RosterTestCase
from httpraw import assert_error_shape, raw
from signing import call, send

MIB = 1024 * 1024
WEB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "web")


class DoorsTest(RosterTestCase):

    def test_unknown_roster_paths_answer_in_roster_error_shape(self):
        port = self.roster.port
        # The roster API routes its own paths: one it does not serve is unknown, as on the Connect door.
        for method, path in [("GET", "/roster/v1/users"), ("PUT", "/roster/v1/uploads/users.csv"),
                             ("GET", "/roster/v1/instances/x/imports")]:
            with self.subTest(path=path):
                doc = assert_error_shape(self, send(port, method, path), 404, "UnknownOperationException")
                self.assertIn("No operation is served", doc["Message"])
        # The SCIM door is chosen before authentication: a SigV4-signed request is no bearer token
        # (test_scim_tokens.py has the rest of the door).
        resp = call(self.roster, "GET", "/scim/v2/Users")
        self.assertEqual(resp.status, 401)
        self.assertEqual(json.loads(resp.body)["schemas"], ["urn:ietf:params:scim:api:messages:2.0:Error"])

    def test_upload_door_is_answered_before_its_body(self):
        # 4 MiB sent in full before reading: the answer (here: no signature) comes, and is
        # readable, without the body having been read (the door takes 256 MiB, streamed).
        head = (b"POST /roster/v1/instances/x/imports HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n"
                % (4 * MIB))
        resp = raw(self.roster.port, head + b"u" * (4 * MIB))
        assert_error_shape(self, resp, 403, "MissingAuthenticationTokenException")
        self.assertEqual((resp.header("Connection") or "").lower(), "close")
        self.assertEqual(send(self.roster.port, "GET", "/healthz").status, 200)

    def test_each_door_has_its_own_body_limit(self):
        port = self.roster.port
        # /healthz takes no body.
        resp = raw(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
        doc = assert_error_shape(self, resp, 413, "RequestEntityTooLargeException")
        self.assertIn("limit of 0 bytes", doc["Message"])
        # The Connect API takes 1 MiB.
        resp = raw(port, b"PUT /instance HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % (MIB + 1))
        doc = assert_error_shape(self, resp, 413, "RequestEntityTooLargeException")
        self.assertIn("limit of 1048576 bytes", doc["Message"])
        resp = raw(port, b"PUT /instance HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % MIB + b" " * MIB)
        self.assertEqual(resp.status, 403, resp)  # read whole, then refused for its missing signature

    def test_console_files_are_embedded(self):
        port = self.roster.port
        resp = send(port, "GET", "/")
        self.assertEqual(resp.status, 200)
        self.assertTrue(resp.header("Content-Type").startswith("text/html"))
        with open(os.path.join(WEB, "index.html"), "rb") as f:
            self.assertEqual(resp.body, f.read())
        resp = send(port, "GET", "/static/roster.css")
        self.assertEqual(resp.status, 200, resp)
        self.assertTrue(resp.header("Content-Type").startswith("text/css"))
        with open(os.path.join(WEB, "static", "roster.css"), "rb") as f:
            self.assertEqual(resp.body, f.read())
        assert_error_shape(self, send(port, "GET", "/static/nope.js"), 404, "UnknownOperationException")
        assert_error_shape(self, send(port, "GET", "/static/../index.html"), 400, "InvalidRequestException")
