"""signing.py — build raw HTTP requests signed with botocore's own SigV4 code and send them
with http.client, for the end-to-end tests that need to reach under the SDK: tampering after
signing, stale dates, oversize or malformed bodies, odd query strings, keep-alive.

Only botocore signs here (SigV4Auth, service `connect`), so a request that passes is one the real
clients could have sent; tests then change bytes on purpose to see the server refuse them.
"""
import datetime
import http.client
import json
import re
import time
from unittest import mock

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials

REGION = "us-east-1"
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class Response:
    """What came back: status, headers (case-insensitive lookup), raw body bytes."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        return self.headers.get(name)

    def json(self):
        return json.loads(self.body) if self.body else None

    @property
    def error_type(self):
        return self.headers.get("X-Amzn-ErrorType")

    def __repr__(self):
        return f"<Response {self.status} {self.error_type} {self.body[:300]!r}>"


def sign(endpoint, creds, method, path, query="", body=b"", headers=None, region=REGION, at=None,
         session_token=None):
    """Returns the headers botocore's SigV4Auth adds for this request (X-Amz-Date, Authorization,
    X-Amz-Security-Token when a token is given) merged with `headers`.

    `path` is the wire path (already percent-encoded), `query` the raw query string without '?'.
    `at` (an aware datetime) signs as if the clock read that time.
    """
    if isinstance(body, str):
        body = body.encode()
    hdrs = dict(headers or {})
    if body and not any(k.lower() == "content-type" for k in hdrs):
        hdrs["Content-Type"] = "application/json"
    url = endpoint + path + ("?" + query if query else "")
    req = AWSRequest(method=method, url=url, data=body, headers=hdrs)
    auth = SigV4Auth(BotoCredentials(creds.key_id, creds.secret, session_token), "connect", region)
    if at is not None:
        with mock.patch("botocore.auth.get_current_datetime", return_value=at):
            auth.add_auth(req)
    else:
        auth.add_auth(req)
    return dict(req.headers.items())


def send(port, method, target, headers=None, body=None, conn=None):
    """Sends one request on `conn` (or a new connection that is closed afterwards) and returns a
    Response. `target` is the path plus optional '?query' exactly as it goes on the wire."""
    if isinstance(body, str):
        body = body.encode()
    own = conn is None
    if own:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, target, body=body if body else None, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return Response(resp.status, resp.headers, data)
    finally:
        if own:
            conn.close()


def call(roster, method, path, query="", body=b"", creds=None, headers=None, at=None, conn=None,
         session_token=None, region=REGION):
    """Signs with botocore and sends: the normal way for a test to make a raw request."""
    creds = creds or roster.account
    h = sign(roster.endpoint, creds, method, path, query, body, headers, region=region, at=at,
             session_token=session_token)
    target = path + ("?" + query if query else "")
    return send(roster.port, method, target, h, body, conn=conn)


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc)


def log_lines(roster, needle, at_least=1, timeout=5.0):
    """The server log lines containing `needle`, waiting up to `timeout` seconds for at least
    `at_least` of them: the access line is written after the response has been sent."""
    deadline = time.monotonic() + timeout
    while True:
        lines = [ln for ln in roster.log().splitlines() if needle in ln]
        if len(lines) >= at_least or time.monotonic() > deadline:
            return lines
        time.sleep(0.02)
