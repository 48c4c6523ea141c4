"""test_http_bad_input.py — malformed requests of every kind against one server: framing,
encodings, signatures, JSON, sizes, slow and stalled clients. For each: the status, roster's
error shape (X-Amzn-ErrorType, {"Message": non-empty string}, x-amzn-RequestId) and that the
server still answers; at the end, that the store is what it was (what the API lists and
describes, and the audit trail).

A few answers are libmicrohttpd's own, sent before roster sees the request (README.md, HTTP
limits, lists them): for those only the status (or the close) and the server's health are
checked. Stalled clients get no answer: their connection is closed at the deadline.
"""
import datetime
import hashlib
import json
import socket
import time
import unittest

from harness import Roster, Credentials
from httpraw import assert_error_shape, closed_by_server, raw
from signing import call, send, sign, utc_now

LIMIT = 1024 * 1024


class BadInputTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.roster = Roster(extra_env={"ROSTER_HTTP_HEADER_TIMEOUT": "2", "ROSTER_HTTP_BODY_TIMEOUT": "2"}).start()
        cls.iid = cls.roster.instance_id
        cls.count = 0

    @classmethod
    def tearDownClass(cls):
        try:
            cls.roster.stop()
        finally:
            cls.roster.cleanup()

    # ---- helpers ---------------------------------------------------------------------------------
    def snapshot(self):
        """A checksum of what the API shows and of the audit trail."""
        r = self.roster
        h = hashlib.sha256()
        for path in ["/instance", f"/instance/{self.iid}", f"/users-summary/{self.iid}",
                     f"/security-profiles-summary/{self.iid}", f"/routing-profiles-summary/{self.iid}",
                     f"/queues-summary/{self.iid}", f"/user-hierarchy-groups-summary/{self.iid}"]:
            resp = call(r, "GET", path)
            self.assertEqual(resp.status, 200, (path, resp))
            h.update(path.encode() + resp.body)
        h.update(r.cli("audit", "--db", r.db, "--json").stdout.encode())
        return h.hexdigest()

    def healthy(self):
        resp = send(self.roster.port, "GET", "/healthz")
        self.assertEqual(resp.status, 200, resp)

    def expect(self, name, resp, statuses, code=None):
        """resp is roster's error answer with one of statuses; the server answers afterwards."""
        with self.subTest(name):
            if isinstance(statuses, int):
                statuses = (statuses,)
            self.assertIsNotNone(resp, f"{name}: no answer")
            self.assertIn(resp.status, statuses, f"{name}: {resp}")
            assert_error_shape(self, resp, resp.status, code)
            type(self).count += 1
        self.healthy()

    def expect_mhd(self, name, resp, status):
        """An answer libmicrohttpd makes itself (or a close without one when status is None)."""
        with self.subTest(name):
            if status is None:
                self.assertIsNone(resp, f"{name}: {resp}")
            else:
                self.assertIsNotNone(resp, f"{name}: no answer")
                self.assertEqual(resp.status, status, f"{name}: {resp}")
            type(self).count += 1
        self.healthy()

    def signed(self, method, path, query="", body=b"", headers=None, creds=None, **kw):
        return call(self.roster, method, path, query=query, body=body, headers=headers, creds=creds, **kw)

    def raw_signed(self, method, path, body, extra_headers=b""):
        """A signed request sent as raw bytes with extra header lines (so framing can be broken)."""
        r = self.roster
        h = sign(r.endpoint, r.account, method, path, body=body)
        lines = b"".join(f"{k}: {v}\r\n".encode() for k, v in h.items())
        return raw(r.port, f"{method} {path} HTTP/1.1\r\n".encode() + lines + extra_headers + b"\r\n" + body)

    # ---- the test --------------------------------------------------------------------------------
    def test_bad_input(self):
        before = self.snapshot()
        self.framing()
        self.encodings()
        self.signatures()
        self.json_bodies()
        self.sizes()
        self.slow_clients()
        self.assertGreaterEqual(type(self).count, 150)
        self.assertEqual(self.snapshot(), before, "a malformed request changed the store")

    def framing(self):
        port = self.roster.port
        put = b"PUT /instance HTTP/1.1\r\nHost: x\r\n"
        cases = [
            ("two Content-Length", put + b"Content-Length: 2\r\nContent-Length: 5\r\n\r\n{}abc"),
            ("two Content-Length, 0 and 2", put + b"Content-Length: 0\r\nContent-Length: 2\r\n\r\n{}"),
            ("TE and CL", put + b"Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"),
            ("CL and TE", put + b"Transfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\n{}\r\n0\r\n\r\n"),
            ("TE gzip", put + b"Transfer-Encoding: gzip\r\n\r\n"),
            ("TE gzip, chunked", put + b"Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
            ("TE chunked twice", put + b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
            ("TE xchunked", put + b"Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"),
            ("TE identity", put + b"Transfer-Encoding: identity\r\n\r\n"),
            ("no Host", b"GET /instance HTTP/1.1\r\n\r\n"),
            ("no Host, HTTP/1.2", b"GET /instance HTTP/1.2\r\n\r\n"),
            ("no Host, PUT", b"PUT /instance HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}"),
            ("two Host", b"GET /instance HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
            ("two Host, same", b"GET /instance HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n"),
        ]
        for name, data in cases:
            self.expect(name, raw(port, data), 400, "InvalidRequestException")
        # Smuggling behind a proxy: the second request must not be served from the first's body.
        smuggle = put + b"Content-Length: 0\r\nContent-Length: 44\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
        self.expect("CL smuggling", raw(port, smuggle), 400, "InvalidRequestException")
        signed = [
            ("signed, two Content-Length", self.raw_signed("PUT", "/instance", b"{}", b"Content-Length: 9\r\n")),
            ("signed, TE and CL", self.raw_signed("PUT", "/instance", b"{}", b"Transfer-Encoding: chunked\r\n")),
        ]
        for name, resp in signed:
            self.expect(name, resp, 400, "InvalidRequestException")
        for method in [b"FOO", b"PATCH", b"TRACE", b"CONNECT", b"OPTIONS", b"HEAD"]:
            resp = raw(port, method + b" /instance HTTP/1.1\r\nHost: x\r\n\r\n")
            if method == b"HEAD":
                with self.subTest("HEAD"):
                    self.assertIn(resp.status, (403, 404), resp)  # no body by definition
                    type(self).count += 1
                continue
            self.expect(f"method {method!r}", resp, (403, 404))
        self.expect("absolute-form target", raw(port, b"GET http://x/instance HTTP/1.1\r\nHost: x\r\n\r\n"), 400,
                    "InvalidRequestException")
        self.expect("asterisk target", raw(port, b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"), 400)
        # libmicrohttpd's own answers, before any callback.
        self.expect_mhd("request line garbage", raw(port, b"GARBAGE\r\n\r\n"), None)
        self.expect_mhd("HTTP/2.0", raw(port, b"GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n"), 505)
        self.expect_mhd("HTTP/3.0", raw(port, b"GET /healthz HTTP/3.0\r\nHost: x\r\n\r\n"), 505)
        self.expect_mhd("Content-Length abc", raw(port, put + b"Content-Length: abc\r\n\r\n"), 400)
        self.expect_mhd("Content-Length -1", raw(port, put + b"Content-Length: -1\r\n\r\n"), 400)
        self.expect_mhd("header without colon", raw(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n"),
                        400)
        self.expect_mhd("bad chunk size", raw(port, put + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n"), 400)
        # A body shorter than Content-Length, then the client closes: no answer, server fine.
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(put + b"Content-Length: 100\r\n\r\n{}")
        s.close()
        self.healthy()

    def encodings(self):
        r = self.roster
        paths = ["/instance/%zz", "/instance/%", "/instance/%4", "/instance/%%41", "/instance/%ff%fe",
                 "/instance/%c0%af", "/instance/%ed%a0%80", "/instance/%f4%90%80%80", "/instance/%e2%82",
                 "/instance/%00", "/instance/a%00b", "/instance/%2f", "/instance/a%2Fb%2F..", "/instance/%20",
                 "/instance/%7f", "/instance/%1b%5b2J", "/instance/%0d%0aX-Injected:%201",
                 "/tags/%ff", "/tags/arn%3Aaws%3Aconnect%3A%ff", "/users-summary/%ff%ff",
                 "/security-profiles-summary/%00", "/queues-summary/%c3"]
        for p in paths:
            self.expect(f"signed {p}", self.signed("GET", p), (400, 404))
            self.expect(f"unsigned {p}", send(r.port, "GET", p), (400, 403, 404))
        queries = ["maxResults=%zz", "maxResults=%00", "nextToken=%ff%fe", "maxResults=%", "%ff=1",
                   "nextToken=" + "%c3" * 50, "maxResults=1&maxResults=%00", "a=" + "%41" * 2000]
        for q in queries:
            # botocore signs its own encoding of an odd query, so some of these fail the signature.
            self.expect(f"signed query {q[:30]}", self.signed("GET", f"/queues-summary/{self.iid}", query=q),
                        (400, 403))
        # Raw bytes (not percent-encoded) in the path.
        for b in [b"\xff\xfe", b"\x1b[31m", b"\x7f", b"\x01", b"\xc3"]:
            self.expect(f"raw bytes {b!r}",
                        raw(r.port, b"GET /instance/" + b + b" HTTP/1.1\r\nHost: x\r\n\r\n"), (400, 403, 404))

    def signatures(self):
        r = self.roster
        path = f"/instance/{self.iid}"
        good = sign(r.endpoint, r.account, "GET", path)

        def variant(**changes):
            h = dict(good)
            for k, v in changes.items():
                k = k.replace("_", "-")
                if v is None:
                    h.pop(k, None)
                else:
                    h[k] = v
            return send(r.port, "GET", path, h)

        auth = good["Authorization"]
        cred = auth.split("Credential=")[1].split(",")[0]
        self.expect("no Authorization", variant(Authorization=None), 403, "MissingAuthenticationTokenException")
        for name, value in [
            ("empty", ""), ("garbage", "garbage"), ("Basic", "Basic dXNlcjpwYXNz"),
            ("Bearer", "Bearer abc"), ("scheme only", "AWS4-HMAC-SHA256"),
            ("no Signature", auth.split(", Signature=")[0]),
            ("no SignedHeaders", auth.replace("SignedHeaders=", "Signed=")),
            ("short credential", auth.replace(cred, cred.split("/")[0])),
            ("credential of slashes", auth.replace(cred, "/////")),
            ("signature not hex", auth[:-8] + "zzzzzzzz"),
            ("signature short", auth[:-10]),
            ("signature long", auth + "00"),
            ("v2 signature", "AWS " + r.account.key_id + ":abc="),
            ("SignedHeaders without host", auth.replace("SignedHeaders=host;", "SignedHeaders=")),
            ("huge", "AWS4-HMAC-SHA256 Credential=" + "A" * 4000),
            ("control bytes", "AWS4-HMAC-SHA256 Credential=\x01\x02"),
            ("other algorithm", auth.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512")),
        ]:
            self.expect(f"Authorization {name}", variant(Authorization=value), (400, 403))
        unknown = Credentials("AKRS" + "X" * 16, "secret")
        self.expect("unknown key", self.signed("GET", path, creds=unknown), 403, "UnrecognizedClientException")
        wrong = Credentials(r.account.key_id, "not-the-secret")
        self.expect("wrong secret", self.signed("GET", path, creds=wrong), 403, "InvalidSignatureException")
        old = utc_now() - datetime.timedelta(hours=1)
        self.expect("expired date", self.signed("GET", path, at=old), (400, 403))
        future = utc_now() + datetime.timedelta(hours=1)
        self.expect("future date", self.signed("GET", path, at=future), (400, 403))
        self.expect("no X-Amz-Date", variant(X_Amz_Date=None), (400, 403))
        self.expect("bad X-Amz-Date", variant(X_Amz_Date="yesterday"), (400, 403))
        self.expect("X-Amz-Date other day", variant(X_Amz_Date="20200101T000000Z"), (400, 403))
        for region in ["", "US-EAST-1", "us east 1", "x" * 300, "us-east-1/connect"]:
            h = dict(good)
            h["Authorization"] = auth.replace("/us-east-1/", f"/{region}/")
            self.expect(f"region {region[:20]!r}", send(r.port, "GET", path, h), (400, 403))
        for service in ["s3", "", "CONNECT", "connect2"]:
            h = dict(good)
            h["Authorization"] = auth.replace("/connect/", f"/{service}/")
            self.expect(f"service {service!r}", send(r.port, "GET", path, h), (400, 403))
        # Tampering after signing.
        self.expect("path changed", send(r.port, "GET", f"/instance/{self.iid}x", good), (403, 404))
        self.expect("query added", send(r.port, "GET", path + "?x=1", good), 403)
        h = dict(good, Host="evil.example")
        self.expect("host changed", send(r.port, "GET", path, h), 403)
        h = sign(r.endpoint, r.account, "PUT", "/instance", body=b'{"IdentityManagementType": "SAML"}')
        self.expect("body changed", send(r.port, "PUT", "/instance", h, b'{"IdentityManagementType": "SAMl"}'),
                    (400, 403))

    def json_bodies(self):
        deep = '{"IdentityManagementType": "SAML", "X": ' + '{"a": ' * 200 + "1" + "}" * 200 + "}"
        arrays = '{"Tags": ' + "[" * 5000 + "]" * 5000 + "}"
        huge_str = json.dumps({"IdentityManagementType": "SAML", "InboundCallsEnabled": True,
                               "OutboundCallsEnabled": True, "InstanceAlias": "a" * 900000})
        huge_map = json.dumps({"IdentityManagementType": "SAML", "InboundCallsEnabled": True,
                               "OutboundCallsEnabled": True, "Tags": {f"k{i}": "v" for i in range(60000)}})
        many_members = "{" + ",".join(f'"m{i}": 1' for i in range(60000)) + "}"
        base = {"IdentityManagementType": "SAML", "InboundCallsEnabled": True, "OutboundCallsEnabled": True}
        wrong_types = [dict(base, IdentityManagementType=5), dict(base, IdentityManagementType=None),
                       dict(base, IdentityManagementType=["SAML"]), dict(base, InboundCallsEnabled="yes"),
                       dict(base, InboundCallsEnabled=1), dict(base, OutboundCallsEnabled=None),
                       dict(base, InstanceAlias=7), dict(base, InstanceAlias={"a": 1}), dict(base, Tags=[]),
                       dict(base, Tags="a=b"), dict(base, Tags={"k": 1}), dict(base, Tags={"k": None}),
                       dict(base, ClientToken=1.5), dict(base, IdentityManagementType="saml"),
                       dict(base, IdentityManagementType=""), dict(base, IdentityManagementType="SAML\u0000"),
                       dict(base, InstanceAlias="bad alias!"), dict(base, Tags={"": "v"}),
                       dict(base, Tags={"aws:x": "v"}), {k: v for k, v in base.items() if k != "InboundCallsEnabled"}]
        bodies = [b"{not json", b"{", b"}", b"[", b'{"a": }', b'{"a" 1}', b"{'a': 1}", b'{"a": 1,}',
                  b'{"a": 1} x', b"\xff\xfe{}", b'{"a": "\xc3\x28"}', b'{"a": "\xed\xa0\x80"}', b"\x00{}",
                  b'{"a": "\\ud800"}', b'{"a": 1e999999}', b'{"a": -}', b"[]", b'"text"', b"42", b"null", b"true",
                  b"\xef\xbb\xbf{}", b'{"a": NaN}', b'{"a": Infinity}', b'{"IdentityManagementType": "SAML"}' * 2,
                  deep.encode(), arrays.encode(), huge_str.encode(), huge_map.encode(), many_members.encode()]
        for b in bodies:
            self.expect(f"body {b[:30]!r}", self.signed("PUT", "/instance", body=b), 400)
        for doc in wrong_types:
            self.expect(f"members {json.dumps(doc)[:60]}", self.signed("PUT", "/instance", body=json.dumps(doc)),
                        400)
        # A user with every wrong member type (CreateUser refuses it before anything is written).
        user = {"Username": 5, "SecurityProfileIds": "x", "RoutingProfileId": [], "PhoneConfig": "soft"}
        self.expect("CreateUser wrong types",
                    self.signed("PUT", f"/users/{self.iid}", body=json.dumps(user)), 400)
        self.expect("SearchUsers wrong types",
                    self.signed("POST", "/search-users", body=json.dumps({"InstanceId": self.iid, "MaxResults": "x"})),
                    400)

    def sizes(self):
        r = self.roster
        port = r.port
        self.expect("URI over 8 KiB", raw(port, b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"), 414)
        self.expect("query over 8 KiB", raw(port, b"GET /instance?a=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"),
                    414)
        self.expect("header over 16 KiB",
                    raw(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n"), 431)
        many = b"".join(b"X-H%d: v\r\n" % i for i in range(100))
        self.expect("100 header fields", raw(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n"), 431)
        self.expect("Content-Length 2 MiB",
                    raw(port, b"PUT /instance HTTP/1.1\r\nHost: x\r\nContent-Length: 2097152\r\n\r\n" +
                        b" " * (2 * LIMIT)), 413, "RequestEntityTooLargeException")
        self.expect("Content-Length huge",
                    raw(port, b"PUT /instance HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999\r\n\r\n{}"), 413,
                    "RequestEntityTooLargeException")
        self.expect("chunked over",
                    raw(port, b"PUT /instance HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
                        b"".join(b"10000\r\n" + b" " * 0x10000 + b"\r\n" for _ in range(17)) + b"0\r\n\r\n"), 413,
                    "RequestEntityTooLargeException")
        self.expect("chunk size 7fff...",
                    raw(port, b"PUT /instance HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                              b"7fffffffffffffff\r\n" + b" " * (LIMIT + 100)), 413, "RequestEntityTooLargeException")
        body = b"{" + b" " * LIMIT + b"}"
        self.expect("signed body over", self.signed("PUT", "/instance", body=body), 413,
                    "RequestEntityTooLargeException")
        # Past the connection's memory, libmicrohttpd answers itself.
        self.expect_mhd("URI of 100 KiB", raw(port, b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"), 414)
        self.expect_mhd("header of 100 KiB",
                        raw(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100000 + b"\r\n\r\n"), 431)

    def slow_clients(self):
        port = self.roster.port

        def opened(data):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(data)
            return s

        stalled = [opened(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "),       # headers stop
                   opened(b"GET /heal"),                                            # request line stops
                   opened(b"PUT /instance HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{"),  # body stops
                   opened(b"PUT /instance HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"),
                   opened(b"")]                                                     # says nothing
        try:
            self.healthy()  # served meanwhile
            deadline = time.monotonic() + 6
            for i, s in enumerate(stalled):
                with self.subTest(f"stalled client {i}"):
                    self.assertTrue(closed_by_server(s, max(0.1, deadline - time.monotonic())))
                    type(self).count += 1
        finally:
            for s in stalled:
                s.close()
        self.healthy()


if __name__ == "__main__":
    unittest.main()
