"""test_http_holes.py — the holes found in the HTTP layer from outside, one test (or more) each:
the path parser crash, 413s that Node.js could not read, slow clients holding every slot, chunked
bodies past the limit, error bodies without a Message, control bytes in the access log, dot
segments routed differently from what was verified, and HTTP framing (smuggling, Host, MHD's own
answers).
"""
import json
import os
import re
import socket
import subprocess
import time
import unittest

from harness import Roster, RosterTestCase
from httpraw import assert_error_shape, closed_by_server, raw
from signing import call, log_lines, send

HERE = os.path.dirname(os.path.abspath(__file__))
LIMIT = 1024 * 1024


class HolesTest(RosterTestCase):

    def healthy(self):
        resp = send(self.roster.port, "GET", "/healthz")
        return resp.status == 200 and resp.json() == {"status": "ok"}

    # ---- 1. the path parser ---------------------------------------------------------------------
    def test_sixteen_segments_and_a_trailing_slash(self):
        path = "/" + "/".join("abcdefghijklmnop") + "/"
        resp = raw(self.roster.port, f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        assert_error_shape(self, resp, 400, "InvalidRequestException")
        signed = call(self.roster, "GET", path)
        assert_error_shape(self, signed, 400, "InvalidRequestException")
        self.assertTrue(self.healthy())

    # ---- 2. a 413 that Node.js reads -------------------------------------------------------------
    def node(self, *args):
        p = subprocess.run(["node", os.path.join(HERE, "http_big_body.js"), str(self.roster.port), *args],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(p.stdout.strip().splitlines()[-1])

    def test_node_reads_the_413_of_a_large_body(self):
        for args in (["4194304"], ["4194304", "chunked"]):
            with self.subTest(args=args):
                out = self.node(*args)
                self.assertNotIn("error", out, out)  # EPIPE/ECONNRESET: the SDK would retry
                self.assertEqual(out["status"], 413, out)
                self.assertEqual(out["headers"]["x-amzn-errortype"], "RequestEntityTooLargeException")
                self.assertTrue(json.loads(out["body"])["Message"])
                self.assertRegex(out["headers"]["x-amzn-requestid"], "^[0-9a-f-]{36}$")
        self.assertTrue(self.healthy())

    # ---- 4. chunked bodies are counted as they arrive ---------------------------------------------
    def test_huge_chunk_is_refused_once_past_the_limit(self):
        head = b"PUT /instance HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" \
               b"Transfer-Encoding: chunked\r\n\r\n7fffffffffffffff\r\n"
        # 2 MiB of the chunk, then the client waits: the answer must come now, not at the chunk's end.
        t0 = time.monotonic()
        resp = raw(self.roster.port, head + b" " * (2 * LIMIT), timeout=10)
        assert_error_shape(self, resp, 413, "RequestEntityTooLargeException")
        self.assertEqual((resp.header("Connection") or "").lower(), "close")
        self.assertLess(time.monotonic() - t0, 10)
        # Several chunks past the limit, the same.
        chunks = b"".join(b"10000\r\n" + b" " * 0x10000 + b"\r\n" for _ in range(20))
        resp = raw(self.roster.port, head.replace(b"7fffffffffffffff\r\n", b"") + chunks, timeout=10)
        assert_error_shape(self, resp, 413, "RequestEntityTooLargeException")
        self.assertTrue(self.healthy())

    # ---- 5. every error carries a Message of valid UTF-8 -------------------------------------------
    def test_error_message_with_invalid_utf8_from_the_request(self):
        for path in ["/instance/%ff%fe", "/instance/a%c3", "/instance/%ed%a0%80", "/instance/%c0%af",
                     "/queues-summary/%ff"]:
            with self.subTest(path=path):
                resp = call(self.roster, "GET", path)
                doc = assert_error_shape(self, resp, resp.status)
                self.assertIn(resp.status, (400, 404), resp)
                self.assertNotEqual(doc, {})

    def test_error_message_cut_inside_a_character(self):
        # Messages quote at most so many bytes of a bad value: at every offset of two-byte
        # characters, the cut must not cost the body its Message.
        for pad in range(3):
            with self.subTest(pad=pad):
                resp = call(self.roster, "GET", "/tags/" + "x" * pad + "%C3%A9" * 700)
                assert_error_shape(self, resp, 400, "InvalidParameterException")
                body = json.dumps({"IdentityManagementType": "x" * pad + "\u00e9" * 900,
                                   "InboundCallsEnabled": True, "OutboundCallsEnabled": True})
                resp = call(self.roster, "PUT", "/instance", body=body)
                doc = assert_error_shape(self, resp, 400, "InvalidParameterException")
                self.assertIn("IdentityManagementType", doc["Message"])

    # ---- 6. the access log escapes what the client sent --------------------------------------------
    def test_access_log_escapes_control_bytes(self):
        r = self.roster
        resp = raw(r.port, b"GET /nosuch/\x1b[31mred\x7f\xff HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertIsNotNone(resp)
        rid = resp.header("x-amzn-RequestId")
        signed = call(r, "GET", "/instance/%1b%5b2J%0d%0aforged%20line%ff")
        srid = signed.header("x-amzn-RequestId")
        for needle in (rid, srid):
            self.assertEqual(len(log_lines(r, needle)), 1, r.log()[-2000:])
        with open(r.stderr_path, "rb") as f:
            data = f.read()
        self.assertFalse(re.search(rb"[\x00-\x09\x0b-\x1f\x7f]", data), data[-2000:])
        data.decode("utf-8")  # strict: every record is valid UTF-8
        self.assertNotIn(b"\nforged", data)
        self.assertIn(b"\\x1b", data)

    # ---- 7. the path verified is the path routed ---------------------------------------------------
    def test_dot_segments_are_refused_before_authentication(self):
        r = self.roster
        for path in ["/users/../instance", f"/instance/{r.instance_id}/..", "/instance/..", "/instance/.",
                     "/./instance", "/instance/%2e%2e", "/instance/%2E", "/users/%2e%2E/instance",
                     f"/instance/{r.instance_id}//"]:
            with self.subTest(path=path):
                doc = assert_error_shape(self, call(r, "GET", path), 400, "InvalidRequestException")
                self.assertIn("segment", doc["Message"])
                # Unsigned, the same: the path is checked before authentication.
                assert_error_shape(self, send(r.port, "GET", path), 400, "InvalidRequestException")
        self.assertEqual(call(r, "GET", "/instance").status, 200)

    # ---- 8. framing --------------------------------------------------------------------------------
    def test_framing_is_refused_with_roster_error_shape(self):
        port = self.roster.port
        cases = {
            "two Content-Length": b"PUT /instance HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                                  b"Content-Length: 5\r\n\r\n{}abc",
            "no Host": b"GET /healthz HTTP/1.1\r\n\r\n",
            "two Host": b"GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            "TE and CL": b"PUT /instance HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                         b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
            "TE not chunked": b"PUT /instance HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
        }
        for name, data in cases.items():
            with self.subTest(name):
                resp = raw(port, data)
                assert_error_shape(self, resp, 400, "InvalidRequestException")
                self.assertEqual((resp.header("Connection") or "").lower(), "close")
        # Two equal Content-Length headers are one length.
        resp = raw(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n")
        self.assertEqual(resp.status, 200, resp)
        # HTTP/1.0 needs no Host.
        self.assertEqual(raw(port, b"GET /healthz HTTP/1.0\r\n\r\n").status, 200)
        self.assertTrue(self.healthy())

    def test_size_limits_answer_in_roster_error_shape(self):
        port = self.roster.port
        resp = raw(port, b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        assert_error_shape(self, resp, 414)
        resp = raw(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
        assert_error_shape(self, resp, 431)
        many = b"".join(b"X-H%d: v\r\n" % i for i in range(70))
        resp = raw(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n")
        assert_error_shape(self, resp, 431)
        self.assertTrue(self.healthy())


class SlowClientsTest(unittest.TestCase):
    """3. A client that holds connections open without finishing its requests."""

    PER_IP = 20

    @classmethod
    def setUpClass(cls):
        cls.roster = Roster(extra_env={"ROSTER_HTTP_PER_IP_LIMIT": str(cls.PER_IP),
                                       "ROSTER_HTTP_HEADER_TIMEOUT": "2",
                                       "ROSTER_HTTP_BODY_TIMEOUT": "3"}).start()

    @classmethod
    def tearDownClass(cls):
        try:
            cls.roster.stop()
        finally:
            cls.roster.cleanup()

    def attacker(self, data):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5)
        s.bind(("127.0.0.2", 0))
        s.connect(("127.0.0.1", self.roster.port))
        try:
            s.sendall(data)
        except OSError:
            pass
        return s

    def test_half_headers_do_not_take_the_server(self):
        r = self.roster
        socks = [self.attacker(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ") for _ in range(self.PER_IP + 50)]
        try:
            # A real client on another address is served while the attacker holds what it may.
            self.assertEqual(r.boto().list_instances()["ResponseMetadata"]["HTTPStatusCode"], 200)
            resp = send(r.port, "GET", "/healthz")
            self.assertEqual(resp.status, 200)
            # Every stalled connection is closed: those past the per-address limit at once, the
            # others when the header timeout (2 s) passes.
            deadline = time.monotonic() + 8
            for s in socks:
                self.assertTrue(closed_by_server(s, max(0.1, deadline - time.monotonic())))
        finally:
            for s in socks:
                s.close()
        self.assertEqual(send(r.port, "GET", "/healthz").status, 200)

    def test_trickled_headers_meet_a_deadline(self):
        # One byte every 0.3 s is never idle, but the headers must be in within 2 s.
        s = self.attacker(b"GET /healthz HTTP/1.1\r\n")
        try:
            t0 = time.monotonic()
            closed = False
            while time.monotonic() - t0 < 8:
                try:
                    s.sendall(b"X")
                except OSError:
                    closed = True
                    break
                if closed_by_server(s, 0.3):
                    closed = True
                    break
            self.assertTrue(closed, "a trickling client kept its connection")
        finally:
            s.close()

    def test_stalled_body_meets_a_deadline(self):
        s = self.attacker(b"PUT /instance HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"a\": ")
        try:
            self.assertTrue(closed_by_server(s, 8))
        finally:
            s.close()
        self.assertEqual(send(self.roster.port, "GET", "/healthz").status, 200)


if __name__ == "__main__":
    unittest.main()
