"""test_session.py — the console's sign-in and sessions (issue 11, the contract's "Session
endpoints"), driven like a browser with http.client (cookies and headers by hand) against a real
`roster serve`, and the access keys of the same users with the real aws CLI:

sign-in right / wrong / unknown (one status, one message), Origin checked, the lock-out of a
username (existing or not) and its end, the per-address slow-down, the audit trail of sign-ins
(`roster audit`), a session's look-up, sign-out, idle and absolute ends, CSRF on every change, a
session confined to its instance, the forced change of a temporary password (and the policy), a
disabled user's session and keys stopped at once, the cookie's attributes (Secure when
configured), the security headers, the auth proxy of SAML instances, bad settings refused.

Short timeouts come from the settings made for tests (ROSTER_*_SECONDS); the waits below are
sleeps past a configured time, never assertions on how long something took.
"""
import http.client
import json
import os
import sqlite3
import subprocess
import time
import unittest

from harness import ROSTER_BIN, Roster, RosterTestCase, aws_error_code

PASSWORD = "Passw0rdSession1"
WRONG = "Wr0ngPassword99"


class Browser:
    """A browser's view of roster: one cookie jar (roster_session), JSON in and out."""

    def __init__(self, roster, origin=None, headers=None):
        self.roster = roster
        self.host = f"127.0.0.1:{roster.port}"
        self.origin = origin if origin is not None else f"http://{self.host}"
        self.cookie = None
        self.csrf = None
        self.extra = headers or {}

    def call(self, method, path, body=None, headers=None, cookie=True, csrf=True, raw=None):
        """Returns (status, document or None, response headers as a list of pairs); the body as
        received is kept in self.raw. raw: bytes to send as they are instead of body's JSON."""
        h = dict(self.extra)
        if cookie and self.cookie:
            h["Cookie"] = f"roster_session={self.cookie}"
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            h["X-CSRF-Token"] = self.csrf
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        if raw is not None:
            data = raw
        h.update(headers or {})
        c = http.client.HTTPConnection("127.0.0.1", self.roster.port, timeout=60)
        try:
            c.request(method, path, body=data, headers=h)
            resp = c.getresponse()
            body_raw = resp.read()
            hdrs = resp.getheaders()
        finally:
            c.close()
        for name, value in hdrs:
            if name.lower() == "set-cookie" and value.startswith("roster_session="):
                v = value.split(";", 1)[0].split("=", 1)[1]
                self.cookie = v or None
        self.raw = body_raw
        doc = json.loads(body_raw) if body_raw and body_raw.strip().startswith(b"{") else None
        return resp.status, doc, hdrs

    def sign_in(self, username, password, instance="default", origin=None):
        h = {"Origin": origin if origin is not None else self.origin} if (origin or self.origin) else {}
        if origin == "":
            h = {}
        status, doc, hdrs = self.call("POST", "/roster/v1/session",
                                      {"Instance": instance, "Username": username, "Password": password},
                                      headers=h)
        if status == 200:
            self.csrf = doc["Session"]["CsrfToken"]
        return status, doc, hdrs


def header(hdrs, name):
    for n, v in hdrs:
        if n.lower() == name.lower():
            return v
    return None


def set_cookie(hdrs):
    return [v for n, v in hdrs if n.lower() == "set-cookie" and v.startswith("roster_session=")]


def sql(roster, statement, *args):
    db = sqlite3.connect(roster.db, timeout=30)
    try:
        db.execute(statement, args)
        db.commit()
    finally:
        db.close()


def add_user(roster, username, *profiles, instance=None, password=PASSWORD):
    args = ["users", "add", username, "--db", roster.db, "--instance", instance or roster.instance_id,
            "--first-name", "Test", "--last-name", "User"]
    for p in profiles or ("Admin",):
        args += ["--security-profile", p]
    if password:
        args.append("--password-stdin")
    return roster.cli(*args, input=(password + "\n") if password else None)


def audit(roster, *args):
    return roster.cli("audit", "--db", roster.db, *args).stdout


class SessionTest(RosterTestCase):
    """One server: the lock lasts 5 seconds (long enough for a slow sanitizer build to try again
    inside it); the per-address slow-down is off (tested below)."""

    @classmethod
    def setUpClass(cls):
        cls.roster = Roster(extra_env={"ROSTER_SIGNIN_LOCK_SECONDS": "5",
                                       "ROSTER_SIGNIN_ADDRESS_MAX_FAILURES": "0"}).start()

    def browser(self, **kw):
        return Browser(self.roster, **kw)

    def test_sign_in_page_names_the_only_instance(self):
        status, doc, hdrs = self.browser().call("GET", "/roster/v1/sign-in")
        self.assertEqual(status, 200)
        self.assertEqual(doc, {"Instance": "default"})

    def test_admin_signs_in_at_once_and_the_cookie_is_strict(self):
        b = self.browser()
        status, doc, hdrs = b.sign_in("admin", self.roster.admin_password)
        self.assertEqual(status, 200, doc)
        s = doc["Session"]
        self.assertEqual(s["Username"], "admin")
        self.assertEqual(s["InstanceAlias"], "default")
        self.assertEqual(s["InstanceId"], self.roster.instance_id)
        self.assertEqual(s["IdentityManagementType"], "CONNECT_MANAGED")
        self.assertEqual(s["Role"], "Manager")
        self.assertFalse(s["PasswordChangeRequired"])
        self.assertEqual(s["Permissions"], sorted(s["Permissions"]))
        self.assertIn("Users.Edit", s["Permissions"])
        self.assertEqual(s["IdleTimeoutSeconds"], 1800)
        self.assertGreater(s["ExpiresTime"], time.time() + 11 * 3600)
        cookies = set_cookie(hdrs)
        self.assertEqual(len(cookies), 1)
        attrs = [a.strip() for a in cookies[0].split(";")]
        self.assertRegex(attrs[0], r"^roster_session=[A-Za-z0-9_-]{43}$")
        self.assertIn("HttpOnly", attrs)
        self.assertIn("SameSite=Strict", attrs)
        self.assertIn("Path=/", attrs)
        self.assertIn("Max-Age=43200", attrs)
        self.assertNotIn("Secure", attrs)
        # The cookie alone is never stored: only its hash.
        db = sqlite3.connect(self.roster.db)
        try:
            stored = [bytes(r[0]) for r in db.execute("SELECT token_hash FROM console_sessions")]
        finally:
            db.close()
        self.assertNotIn(b.cookie.encode(), stored)
        self.assertTrue(all(len(h) == 32 for h in stored))
        # The session answers, and the roster API takes it.
        status, doc, _ = b.call("GET", "/roster/v1/session")
        self.assertEqual(status, 200)
        self.assertEqual(doc["Session"]["CsrfToken"], b.csrf)
        status, doc, hdrs = b.call("GET", f"/roster/v1/instances/{self.roster.instance_id}/jobs")
        self.assertEqual(status, 200, doc)
        self.assertEqual(header(hdrs, "Cache-Control"), "no-store")
        self.assertEqual(header(hdrs, "X-Content-Type-Options"), "nosniff")

    def test_wrong_password_unknown_user_and_unknown_instance_answer_the_same(self):
        add_user(self.roster, "samey")
        answers = []
        for inst, user, pw in (("default", "samey", WRONG), ("default", "nosuchuser", WRONG),
                               ("nosuchinstance", "samey", PASSWORD)):
            status, doc, hdrs = self.browser().sign_in(user, pw, instance=inst)
            answers.append((status, doc, header(hdrs, "X-Amzn-ErrorType"), set_cookie(hdrs)))
        for a in answers:
            self.assertEqual(a, (401, {"Message": "The instance, username or password is not right"},
                                 "UnauthorizedException", []))
        status, _, _ = self.browser().sign_in("SAMEY", PASSWORD)  # usernames ignore ASCII case
        self.assertEqual(status, 200)

    def test_origin_missing_or_foreign_is_refused(self):
        for origin in ("", "http://evil.example", f"https://127.0.0.1:{self.roster.port}"):
            b = self.browser(origin=origin)
            status, doc, hdrs = b.sign_in("admin", self.roster.admin_password, origin=origin)
            self.assertEqual(status, 403, (origin, doc))
            self.assertEqual(header(hdrs, "X-Amzn-ErrorType"), "AccessDeniedException")
            self.assertEqual(set_cookie(hdrs), [])

    def lock_out(self, username, exists):
        for i in range(5):
            status, doc, _ = self.browser().sign_in(username, WRONG)
            self.assertEqual(status, 401, (i, doc))
        # Locked: even the right password is refused, for a name that exists or not.
        status, doc, hdrs = self.browser().sign_in(username, PASSWORD)
        self.assertEqual(status, 429, doc)
        self.assertEqual(header(hdrs, "X-Amzn-ErrorType"), "TooManyRequestsException")
        self.assertEqual(doc["Message"], "Too many failed sign-ins for this username: try again in 5 seconds")
        self.assertEqual(set_cookie(hdrs), [])
        time.sleep(5.5)  # past the configured lock
        status, doc, _ = self.browser().sign_in(username, PASSWORD)
        self.assertEqual(status, 200 if exists else 401, doc)
        out = audit(self.roster, "--user", username)
        self.assertEqual(out.count(" SignInFailed "), 5 if exists else 6, out)
        self.assertEqual(out.count(" SignInLocked "), 1, out)
        self.assertEqual(out.count(" SignIn "), 1 if exists else 0, out)
        self.assertIn(f'Username="{username}"', out)
        self.assertIn('Address="127.0.0.1"', out)
        self.assertNotIn(PASSWORD, out)
        self.assertNotIn(WRONG, out)

    def test_lock_out_of_an_existing_username(self):
        add_user(self.roster, "locky")
        self.lock_out("locky", True)
        # A success reset the count: four more failures do not lock.
        for _ in range(4):
            self.assertEqual(self.browser().sign_in("locky", WRONG)[0], 401)
        self.assertEqual(self.browser().sign_in("locky", PASSWORD)[0], 200)

    def test_lock_out_of_a_username_nobody_has(self):
        self.lock_out("ghost", False)

    def test_a_change_needs_the_csrf_token(self):
        b = self.browser()
        self.assertEqual(b.sign_in("admin", self.roster.admin_password)[0], 200)
        inst = self.roster.instance_id
        add_user(self.roster, "victim")
        victim = self.browser()
        self.assertEqual(victim.sign_in("victim", PASSWORD)[0], 200)
        body = {"Selection": {"UserIds": [victim.call("GET", "/roster/v1/session")[1]["Session"]["UserId"]]}}
        for token in (None, "x" * 43, b.csrf[:-1]):
            h = {"X-CSRF-Token": token} if token else {}
            status, doc, hdrs = b.call("POST", f"/roster/v1/instances/{inst}/bulk-deletes", body, headers=h,
                                       csrf=False)
            self.assertEqual(status, 403, doc)
            self.assertEqual(doc["Message"], "The request lacks a valid CSRF token; reload the page")
            status, doc, _ = b.call("DELETE", "/roster/v1/session", headers=h, csrf=False)
            self.assertEqual(status, 403, doc)
        self.assertEqual(b.call("GET", f"/roster/v1/instances/{inst}/jobs")[1], {"Jobs": []})
        # With the token: the batch is accepted, then cancelled (also a change).
        status, doc, _ = b.call("POST", f"/roster/v1/instances/{inst}/bulk-deletes", body)
        self.assertEqual(status, 202, doc)
        job = doc["Job"]["JobId"]
        status, doc, _ = b.call("POST", f"/roster/v1/instances/{inst}/jobs/{job}/cancel", csrf=False)
        self.assertEqual(status, 403, doc)
        status, doc, _ = b.call("POST", f"/roster/v1/instances/{inst}/jobs/{job}/cancel")
        self.assertIn(status, (200, 400), doc)  # 400: it had already finished
        # Sign-out: with the token; the cookie expires and the session is gone.
        old = b.cookie
        status, doc, hdrs = b.call("DELETE", "/roster/v1/session")
        self.assertEqual(status, 200, doc)
        self.assertEqual(doc, {})
        self.assertIn("Max-Age=0", set_cookie(hdrs)[0])
        b.cookie = old
        status, doc, _ = b.call("GET", f"/roster/v1/instances/{inst}/jobs")
        self.assertEqual(status, 401)
        status, doc, hdrs = b.call("GET", "/roster/v1/session")
        self.assertEqual((status, doc), (401, {"Message": "You are not signed in"}))
        self.assertEqual(header(hdrs, "X-Amzn-ErrorType"), "UnauthorizedException")
        self.assertIn("Max-Age=0", set_cookie(hdrs)[0])  # the browser forgets the ended session

    def test_an_upload_through_a_session(self):
        b = self.browser()
        self.assertEqual(b.sign_in("admin", self.roster.admin_password)[0], 200)
        inst = self.roster.instance_id
        status, _, hdrs = b.call("GET", f"/roster/v1/instances/{inst}/users/template")
        self.assertEqual(status, 200)
        self.assertTrue(header(hdrs, "Content-Type").startswith("text/csv"))
        header_line = b.raw.decode("utf-8").lstrip("\ufeff").splitlines()[0]
        path = f"/roster/v1/instances/{inst}/imports?Mode=CREATE&DryRun=true&FileName=t.csv"
        csv_body = (header_line + "\n").encode()
        status, doc, _ = b.call("POST", path, raw=csv_body, headers={"Content-Type": "text/csv"}, csrf=False)
        self.assertEqual(status, 403, doc)
        self.assertEqual(doc["Message"], "The request lacks a valid CSRF token; reload the page")
        status, doc, _ = b.call("POST", path, raw=csv_body, headers={"Content-Type": "text/csv"})
        self.assertEqual(status, 202, doc)
        self.assertEqual(doc["Job"]["Kind"], "IMPORT")
        plain = self.browser()
        status, doc, _ = plain.call("POST", path, raw=csv_body, headers={"Content-Type": "text/csv"})
        self.assertEqual(status, 403, doc)  # no session, no signature

    def test_no_cookie_or_a_made_up_one_is_not_signed_in(self):
        b = self.browser()
        self.assertEqual(b.call("GET", "/roster/v1/session")[0], 401)
        b.cookie = "A" * 43
        self.assertEqual(b.call("GET", "/roster/v1/session")[0], 401)
        b.cookie = "A" * 43
        self.assertEqual(b.call("GET", f"/roster/v1/instances/{self.roster.instance_id}/jobs")[0], 401)
        b.cookie = "x"
        self.assertEqual(b.call("GET", "/roster/v1/session")[0], 401)

    def test_a_temporary_password_must_be_changed_first(self):
        add_user(self.roster, "tempo")
        sql(self.roster, "UPDATE users SET password_temporary = 1 WHERE username = 'tempo'")
        b = self.browser()
        status, doc, _ = b.sign_in("tempo", PASSWORD)
        self.assertEqual(status, 200, doc)
        self.assertTrue(doc["Session"]["PasswordChangeRequired"])
        inst = self.roster.instance_id
        status, doc, _ = b.call("GET", f"/roster/v1/instances/{inst}/jobs")
        self.assertEqual((status, doc), (403, {"Message": "Choose a new password first"}))
        status, doc, _ = b.call("GET", f"/roster/v1/instances/{inst}/users/template")
        self.assertEqual(status, 403)
        self.assertEqual(b.call("GET", "/roster/v1/session")[0], 200)
        # The policy, and the current password.
        status, doc, hdrs = b.call("POST", "/roster/v1/session/password",
                                   {"CurrentPassword": PASSWORD, "NewPassword": "short"})
        self.assertEqual(status, 400, doc)
        self.assertEqual(header(hdrs, "X-Amzn-ErrorType"), "InvalidParameterException")
        self.assertIn("policy", doc["Message"])
        status, doc, _ = b.call("POST", "/roster/v1/session/password",
                                {"CurrentPassword": WRONG, "NewPassword": "NewPassw0rd22"})
        self.assertEqual((status, doc["Message"]), (400, "The current password is not right"))
        status, doc, _ = b.call("POST", "/roster/v1/session/password",
                                {"CurrentPassword": PASSWORD, "NewPassword": "NewPassw0rd22"}, csrf=False)
        self.assertEqual(status, 403, doc)
        # Another session of the same user ends with the change.
        other = self.browser()
        self.assertEqual(other.sign_in("tempo", PASSWORD)[0], 200)
        status, doc, _ = b.call("POST", "/roster/v1/session/password",
                                {"CurrentPassword": PASSWORD, "NewPassword": "NewPassw0rd22"})
        self.assertEqual(status, 200, doc)
        self.assertFalse(doc["Session"]["PasswordChangeRequired"])
        self.assertEqual(b.call("GET", f"/roster/v1/instances/{inst}/jobs")[0], 200)
        self.assertEqual(other.call("GET", "/roster/v1/session")[0], 401)
        self.assertEqual(self.browser().sign_in("tempo", PASSWORD)[0], 401)
        self.assertEqual(self.browser().sign_in("tempo", "NewPassw0rd22")[0], 200)
        self.assertIn(" ChangePassword ", audit(self.roster, "--user", "tempo"))

    def test_an_agent_changes_their_own_password_without_users_edit(self):
        add_user(self.roster, "agentp", "Agent")
        b = self.browser()
        status, doc, _ = b.sign_in("agentp", PASSWORD)
        self.assertEqual(status, 200, doc)
        self.assertEqual(doc["Session"]["Role"], "Agent")
        status, doc, _ = b.call("POST", "/roster/v1/session/password",
                                {"CurrentPassword": PASSWORD, "NewPassword": "AgentPassw0rd3"})
        self.assertEqual(status, 200, doc)
        # …and may do nothing its profiles do not allow.
        status, doc, _ = b.call("GET", f"/roster/v1/instances/{self.roster.instance_id}/jobs")
        self.assertEqual(status, 403, doc)

    def test_a_disabled_user_s_session_and_keys_stop_at_once(self):
        add_user(self.roster, "dizzy")
        key = self.roster.new_key(user="dizzy")
        b = self.browser()
        self.assertEqual(b.sign_in("dizzy", PASSWORD)[0], 200)
        self.aws_ok("list-users", "--instance-id", self.roster.instance_id, creds=key)
        sql(self.roster, "UPDATE users SET disabled = 1 WHERE username = 'dizzy'")
        self.assertEqual(b.call("GET", f"/roster/v1/instances/{self.roster.instance_id}/jobs")[0], 401)
        self.assertEqual(b.call("GET", "/roster/v1/session")[0], 401)
        rc, out, err = self.roster.aws("list-users", "--instance-id", self.roster.instance_id, creds=key)
        self.assertEqual(rc, 255, err)
        self.assertEqual(aws_error_code(err), "UnrecognizedClientException", err)
        self.assertIn("disabled", err)
        status, doc, _ = self.browser().sign_in("dizzy", PASSWORD)
        self.assertEqual((status, doc["Message"]), (401, "The instance, username or password is not right"))
        # Enabled again: both work again.
        sql(self.roster, "UPDATE users SET disabled = 0 WHERE username = 'dizzy'")
        self.aws_ok("list-users", "--instance-id", self.roster.instance_id, creds=key)
        self.assertEqual(self.browser().sign_in("dizzy", PASSWORD)[0], 200)

    def test_a_deleted_user_s_session_ends(self):
        add_user(self.roster, "goner")
        b = self.browser()
        self.assertEqual(b.sign_in("goner", PASSWORD)[0], 200)
        uid = b.call("GET", "/roster/v1/session")[1]["Session"]["UserId"]
        self.aws_ok("delete-user", "--instance-id", self.roster.instance_id, "--user-id", uid)
        self.assertEqual(b.call("GET", "/roster/v1/session")[0], 401)

    def test_security_headers(self):
        b = self.browser()
        status, _, hdrs = b.call("GET", "/")
        self.assertEqual(status, 200)
        csp = header(hdrs, "Content-Security-Policy")
        self.assertEqual(csp, "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                              "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                              "frame-ancestors 'none'")
        self.assertEqual(header(hdrs, "X-Content-Type-Options"), "nosniff")
        self.assertEqual(header(hdrs, "Referrer-Policy"), "same-origin")
        self.assertEqual(header(hdrs, "X-Frame-Options"), "DENY")
        status, _, hdrs = b.call("GET", "/static/roster.css")
        self.assertEqual(status, 200)
        self.assertIsNotNone(header(hdrs, "Content-Security-Policy"))
        for path in ("/roster/v1/sign-in", "/roster/v1/session", "/roster/v1/nothing"):
            status, _, hdrs = b.call("GET", path)
            self.assertEqual(header(hdrs, "X-Content-Type-Options"), "nosniff", path)
            self.assertEqual(header(hdrs, "Cache-Control"), "no-store", path)

    def test_the_proxy_header_is_ignored_when_no_proxy_is_configured(self):
        b = self.browser(headers={"X-WEBAUTH-USER": "admin"})
        status, doc, hdrs = b.call("GET", "/roster/v1/session")
        self.assertEqual(status, 401, doc)
        self.assertEqual(set_cookie(hdrs), [])
        self.assertNotIn("ProxySignIn", b.call("GET", "/roster/v1/sign-in")[1])


class InstanceBoundaryTest(RosterTestCase):
    """A session of one instance reaches nothing of another."""

    def test_a_session_reaches_nothing_of_another_instance(self):
        rc, out, err = self.roster.aws("create-instance", "--identity-management-type", "CONNECT_MANAGED",
                                       "--instance-alias", "other", "--inbound-calls-enabled",
                                       "--outbound-calls-enabled")
        self.assertEqual(rc, 0, err)
        other = out["Id"]
        b = Browser(self.roster)
        self.assertEqual(b.sign_in("admin", self.roster.admin_password)[0], 200)
        for method, path, body in (("GET", f"/roster/v1/instances/{other}/jobs", None),
                                   ("GET", f"/roster/v1/instances/{other}/users/template", None),
                                   ("POST", f"/roster/v1/instances/{other}/bulk-deletes",
                                    {"Selection": {"UserIds": ["00000000-0000-4000-8000-000000000000"]}})):
            status, doc, hdrs = b.call(method, path, body)
            self.assertIn(status, (403, 404), (path, doc))
            self.assertIn(header(hdrs, "X-Amzn-ErrorType"), ("AccessDeniedException", "ResourceNotFoundException"))
        # The sign-in page no longer names an instance: there are two.
        self.assertEqual(b.call("GET", "/roster/v1/sign-in")[1], {"Instance": None})


class SessionTimeoutTest(RosterTestCase):
    """Idle end 3 seconds, absolute end 8 seconds."""

    @classmethod
    def setUpClass(cls):
        cls.roster = Roster(extra_env={"ROSTER_SESSION_IDLE_SECONDS": "3",
                                       "ROSTER_SESSION_MAX_SECONDS": "8"}).start()

    def test_idle_end(self):
        b = Browser(self.roster)
        status, doc, _ = b.sign_in("admin", self.roster.admin_password)
        self.assertEqual(status, 200, doc)
        self.assertEqual(doc["Session"]["IdleTimeoutSeconds"], 3)
        self.assertEqual(b.call("GET", "/roster/v1/session")[0], 200)
        time.sleep(3.5)
        self.assertEqual(b.call("GET", "/roster/v1/session")[0], 401)

    def test_sliding_idle_then_absolute_end(self):
        b = Browser(self.roster)
        self.assertEqual(b.sign_in("admin", self.roster.admin_password)[0], 200)
        start = time.monotonic()
        seen = []
        while time.monotonic() - start < 14:
            seen.append((time.monotonic() - start, b.call("GET", "/roster/v1/session")[0]))
            if seen[-1][1] != 200:
                break
            time.sleep(0.5)
        # Used every half second, it outlived its idle time, then ended at its absolute end.
        self.assertTrue(any(t > 4 and s == 200 for t, s in seen), seen)
        self.assertEqual(seen[-1][1], 401, seen)


class AddressSlowDownTest(RosterTestCase):
    """After 3 failures from one address, each further attempt from it waits (1 s, doubling)."""

    @classmethod
    def setUpClass(cls):
        cls.roster = Roster(extra_env={"ROSTER_SIGNIN_ADDRESS_MAX_FAILURES": "3"}).start()

    def test_failures_from_one_address_slow_it_down(self):
        for name in ("one", "two", "three"):  # different names: no username is locked
            self.assertEqual(Browser(self.roster).sign_in(name, WRONG)[0], 401)
        # Past the threshold the wait doubles with each failure: 1 s, 2 s, 4 s.
        for name in ("four", "five"):
            time.sleep(1.1 if name == "four" else 2.1)
            self.assertEqual(Browser(self.roster).sign_in(name, WRONG)[0], 401)
        status, doc, hdrs = Browser(self.roster).sign_in("admin", self.roster.admin_password)
        self.assertEqual(status, 429, doc)
        self.assertEqual(header(hdrs, "X-Amzn-ErrorType"), "TooManyRequestsException")
        self.assertRegex(doc["Message"], r"^Too many failed sign-ins from your address: try again in [1-4] seconds$")
        time.sleep(4.2)
        self.assertEqual(Browser(self.roster).sign_in("admin", self.roster.admin_password)[0], 200)


class SecureCookieTest(RosterTestCase):
    """Behind TLS (ROSTER_COOKIE_SECURE=1): the cookie is Secure, the Origin https://."""

    @classmethod
    def setUpClass(cls):
        cls.roster = Roster(extra_env={"ROSTER_COOKIE_SECURE": "1"}).start()

    def test_secure_cookie_and_https_origin(self):
        b = Browser(self.roster)
        self.assertEqual(b.sign_in("admin", self.roster.admin_password)[0], 403)
        b = Browser(self.roster, origin=f"https://127.0.0.1:{self.roster.port}")
        status, doc, hdrs = b.sign_in("admin", self.roster.admin_password)
        self.assertEqual(status, 200, doc)
        self.assertIn("Secure", [a.strip() for a in set_cookie(hdrs)[0].split(";")])


class AuthProxyTest(RosterTestCase):
    """A SAML instance behind an authenticating proxy at 127.0.0.1 sending X-WEBAUTH-USER."""

    @classmethod
    def setUpClass(cls):
        cls.roster = Roster(extra_env={"ROSTER_AUTH_PROXY_HEADER": "X-WEBAUTH-USER",
                                       "ROSTER_AUTH_PROXY_ADDRESSES": "10.0.0.9, 127.0.0.1",
                                       "ROSTER_AUTH_PROXY_INSTANCE": "sso"}).start()
        rc, out, err = cls.roster.aws("create-instance", "--identity-management-type", "SAML",
                                      "--instance-alias", "sso", "--inbound-calls-enabled",
                                      "--outbound-calls-enabled")
        assert rc == 0, err
        cls.sso = out["Id"]
        add_user(cls.roster, "sam", "Admin", instance=cls.sso, password=None)

    def test_sign_in_page_says_proxy(self):
        self.assertEqual(Browser(self.roster).call("GET", "/roster/v1/sign-in")[1],
                         {"Instance": None, "ProxySignIn": True})

    def test_the_proxy_names_the_user(self):
        b = Browser(self.roster, headers={"X-WEBAUTH-USER": "sam"})
        status, doc, hdrs = b.call("GET", "/roster/v1/session")
        self.assertEqual(status, 200, doc)
        self.assertEqual(doc["Session"]["Username"], "sam")
        self.assertEqual(doc["Session"]["InstanceId"], self.sso)
        self.assertEqual(doc["Session"]["IdentityManagementType"], "SAML")
        self.assertEqual(len(set_cookie(hdrs)), 1)
        # The cookie alone then carries the session.
        plain = Browser(self.roster)
        plain.cookie = b.cookie
        status, doc, _ = plain.call("GET", f"/roster/v1/instances/{self.sso}/jobs")
        self.assertEqual(status, 200, doc)
        self.assertIn(" SignIn ", audit(self.roster, "--user", "sam"))

    def test_unknown_user_and_passwords_are_refused(self):
        b = Browser(self.roster, headers={"X-WEBAUTH-USER": "nobody"})
        status, doc, hdrs = b.call("GET", "/roster/v1/session")
        self.assertEqual(status, 401, doc)
        self.assertEqual(set_cookie(hdrs), [])
        status, doc, _ = Browser(self.roster).sign_in("sam", PASSWORD, instance="sso")
        self.assertEqual((status, doc["Message"]), (400, "This instance signs in through your identity provider"))

    def test_the_header_from_another_address_is_refused(self):
        r = Roster(extra_env={"ROSTER_AUTH_PROXY_HEADER": "X-WEBAUTH-USER",
                              "ROSTER_AUTH_PROXY_ADDRESSES": "10.0.0.9"})
        with r:
            b = Browser(r, headers={"X-WEBAUTH-USER": "admin"})
            status, doc, hdrs = b.call("GET", "/roster/v1/session")
            self.assertEqual(status, 403, doc)
            self.assertEqual(set_cookie(hdrs), [])
            status, doc, _ = b.call("GET", f"/roster/v1/instances/{r.instance_id}/jobs")
            self.assertEqual(status, 403, doc)


class SettingsTest(unittest.TestCase):
    def test_bad_settings_stop_serve(self):
        r = Roster()
        try:
            r.init()
            for name, value in (("ROSTER_SESSION_IDLE_MINUTES", "0"), ("ROSTER_SIGNIN_MAX_FAILURES", "five"),
                                ("ROSTER_COOKIE_SECURE", "2"), ("ROSTER_AUTH_PROXY_HEADER", "X-User"),
                                ("ROSTER_AUTH_PROXY_ADDRESSES", "not-an-ip")):
                env = dict(os.environ, **{name: value})
                if name == "ROSTER_AUTH_PROXY_ADDRESSES":
                    env["ROSTER_AUTH_PROXY_HEADER"] = "X-User"
                p = subprocess.run([ROSTER_BIN, "serve", "--db", r.db, "--listen", "127.0.0.1:0"],
                                   capture_output=True, text=True, env=env, timeout=60)
                self.assertNotEqual(p.returncode, 0, name)
                self.assertIn(name, p.stderr)
        finally:
            r.cleanup()


if __name__ == "__main__":
    unittest.main()
