"""test_scim_tokens.py — SCIM bearer tokens (issue 12, first part): `roster scim-token
create|list|revoke` against the real store, and the SCIM door of a real `roster serve` refusing
a missing, malformed, unknown or revoked token with 401 in the SCIM error schema, and serving a
good one its own instance's users only.
"""
import json
import re
import sqlite3

from harness import RosterTestCase
from signing import send

ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"


class ScimTokensTest(RosterTestCase):

    def create(self, *extra, check=True):
        p = self.roster.cli("scim-token", "create", "--instance", *extra, check=check)
        if not check:
            return p
        token = re.search(r"SCIM token \(shown once\): (\S+)", p.stdout).group(1)
        token_id = re.search(r"Token id: (\S+)", p.stdout).group(1)
        return token, token_id

    def scim(self, token, method="GET", path="/scim/v2/Users", scheme="Bearer"):
        headers = {"Authorization": f"{scheme} {token}"} if token is not None else {}
        return send(self.roster.port, method, path, headers=headers)

    def assert_scim_error(self, resp, status):
        self.assertEqual(resp.status, status, resp)
        self.assertEqual(resp.header("Content-Type"), "application/scim+json")
        doc = json.loads(resp.body)
        self.assertEqual(doc["schemas"], [ERROR_SCHEMA])
        self.assertEqual(doc["status"], str(status))
        self.assertTrue(doc["detail"])
        return doc

    def test_create_list_revoke_and_the_door(self):
        token, token_id = self.create(self.roster.instance_id, "--name", "Entra ID")
        self.assertTrue(token.startswith("roster-scim-"))
        self.assertEqual(len(token), len("roster-scim-") + 43)
        # the store keeps a hash, never the token
        with sqlite3.connect(self.roster.db) as db:
            rows = db.execute("SELECT name, token_hash FROM scim_tokens").fetchall()
        self.assertEqual([r[0] for r in rows], ["Entra ID"])
        self.assertNotIn(token.encode(), bytes(rows[0][1]))
        listed = self.roster.cli("scim-token", "list").stdout
        self.assertRegex(listed, rf"{token_id}\s+active\s+\S+\s+{self.roster.instance_id}\s+Entra ID")
        self.assertNotIn(token, listed)

        # a good token: its instance's users (the admin made by init)
        for scheme in ("Bearer", "bearer"):  # the scheme in any case
            good = self.scim(token, scheme=scheme)
            self.assertEqual(good.status, 200, good)
            self.assertEqual([u["userName"] for u in json.loads(good.body)["Resources"]], ["admin"])
        # missing, other schemes, malformed, unknown: 401 with a challenge, one message for the bad ones
        resp = self.assert_scim_error(self.scim(None), 401)
        self.assertEqual(resp["status"], "401")
        missing = self.scim(None)
        self.assertIn("Bearer", missing.header("WWW-Authenticate"))
        bad = [self.scim(token[:-1]), self.scim(token + "x"), self.scim("roster-scim-" + "A" * 43),
               self.scim("x" * 5000), self.scim(token, scheme="Basic")]
        details = {self.assert_scim_error(r, 401)["detail"] for r in bad[:4]}
        self.assertEqual(len(details), 1)
        self.assert_scim_error(bad[4], 401)
        # revoked: refused at once; revoking twice or an unknown id fails
        self.assertIn(f"revoked {token_id}", self.roster.cli("scim-token", "revoke", token_id).stdout)
        self.assert_scim_error(self.scim(token), 401)
        self.assertRegex(self.roster.cli("scim-token", "list").stdout, rf"{token_id}\s+revoked")
        again = self.roster.cli("scim-token", "revoke", token_id, check=False)
        self.assertEqual(again.returncode, 1)
        self.assertIn("no SCIM token", again.stderr)
        self.assertEqual(send(self.roster.port, "GET", "/healthz").status, 200)

    def test_names_instances_and_bad_input(self):
        _, first = self.create("default")               # by alias, the default name
        self.assertIn(" scim", self.roster.cli("scim-token", "list", "--instance", "default").stdout)
        dup = self.create("default", check=False)         # the name is taken in this instance
        self.assertEqual(dup.returncode, 1)
        self.assertIn("already has a SCIM token named 'scim'", dup.stderr)
        for name, why in [("", "1 to 128"), ("x" * 129, "1 to 128"), ("a\tb", "control")]:
            with self.subTest(name=name[:10]):
                p = self.create("default", "--name", name, check=False)
                self.assertEqual(p.returncode, 1)
                self.assertIn(why, p.stderr)
        p = self.create("no-such-instance", check=False)
        self.assertEqual(p.returncode, 1)
        usage = self.roster.cli("scim-token", "create", check=False)
        self.assertEqual(usage.returncode, 2)
        self.assertEqual(self.roster.cli("scim-token", "revoke", "nonsense", check=False).returncode, 1)
        self.assertEqual(self.roster.cli("scim-token", "bogus", check=False).returncode, 2)
        listed = [l for l in self.roster.cli("scim-token", "list").stdout.splitlines() if l.endswith("  scim")]
        self.assertEqual(len(listed), 1)                  # nothing made by the refusals
        self.assertIn(first, listed[0])
