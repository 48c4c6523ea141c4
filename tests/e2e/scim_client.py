"""scim_client.py — a small SCIM 2.0 client for the e2e tests: requests with a bearer token and
JSON bodies against a running roster, answers as (status, headers, document)."""
import json
import re
import urllib.parse

from signing import send

ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


class Answer:
    def __init__(self, resp):
        self.status = resp.status
        self.headers = resp.headers
        self.raw = resp.body
        try:
            self.doc = json.loads(resp.body) if resp.body else None
        except ValueError:
            self.doc = None

    def header(self, name):
        return self.headers.get(name)

    def __repr__(self):
        return f"<{self.status} {self.raw[:400]!r}>"


def make_token(roster, instance, name="scim"):
    out = roster.cli("scim-token", "create", "--instance", instance, "--name", name).stdout
    return re.search(r"SCIM token \(shown once\): (\S+)", out).group(1)


class Scim:
    def __init__(self, port, token, base="/scim/v2"):
        self.port, self.token, self.base = port, token, base

    def call(self, method, path, body=None, headers=None, query=None, content_type="application/scim+json"):
        h = {"Authorization": f"Bearer {self.token}"}
        if body is not None:
            h["Content-Type"] = content_type
        h.update(headers or {})
        target = self.base + path
        if query:
            target += "?" + urllib.parse.urlencode(query, quote_via=urllib.parse.quote)
        data = body if isinstance(body, (str, bytes)) or body is None else json.dumps(body)
        return Answer(send(self.port, method, target, headers=h, body=data))

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, body, **kw):
        return self.call("POST", path, body, **kw)

    def put(self, path, body, **kw):
        return self.call("PUT", path, body, **kw)

    def patch(self, path, ops, **kw):
        return self.call("PATCH", path, {"schemas": [PATCH_SCHEMA], "Operations": ops}, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)


def user(name, given="Ada", family="Lovelace", email=None, **extra):
    doc = {"schemas": [USER_SCHEMA], "userName": name, "name": {"givenName": given, "familyName": family},
           "emails": [{"value": email or f"{name.split('@')[0]}@example.com", "type": "work", "primary": True}],
           "active": True}
    doc.update(extra)
    return doc
