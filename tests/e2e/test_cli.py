"""test_cli.py — the roster command line: help and usage errors, init (and --force), the key file
and what the database holds in clear, keys create/list/revoke, users add, and serve's start-up
and shutdown on SIGINT and SIGTERM.

Exit codes: 0 success, 1 failure, 2 usage error; every error is one line on stderr starting
"roster: " (under the sanitizer build a leak report would add lines, so that is checked too).
"""
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import unittest

from harness import ROSTER_BIN, Credentials, Roster, aws_error_code
from signing import send

COMMANDS = ["init", "serve", "keys", "users"]


def run(*args, env=None, input=None):
    e = dict(os.environ)
    e.pop("ROSTER_DB", None)
    e.update(env or {})
    return subprocess.run([ROSTER_BIN, *args], capture_output=True, text=True, env=e, input=input, timeout=120)


class CliTestCase(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="roster-cli-")
        self.db = os.path.join(self.dir, "roster.db")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def assertOneLineError(self, p, rc, *fragments):
        self.assertEqual(p.returncode, rc, f"stdout={p.stdout!r} stderr={p.stderr!r}")
        lines = p.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, p.stderr)
        self.assertTrue(lines[0].startswith("roster: "), p.stderr)
        for f in fragments:
            self.assertIn(f, lines[0])
        return lines[0]

    def assertUsage(self, p):
        """A usage error: exit 2, the usage text or a one-line "roster: " message on stderr."""
        self.assertEqual(p.returncode, 2, f"stdout={p.stdout!r} stderr={p.stderr!r}")
        self.assertEqual(p.stdout, "")
        if "usage: roster" not in p.stderr:
            self.assertOneLineError(p, 2)
        self.assertNotIn("Sanitizer", p.stderr)

    def init(self, *extra):
        p = run("init", "--db", self.db, *extra)
        self.assertEqual(p.returncode, 0, p.stderr)
        key_id = re.search(r"AWS_ACCESS_KEY_ID=(\S+)", p.stdout).group(1)
        secret = re.search(r"AWS_SECRET_ACCESS_KEY=(\S+)", p.stdout).group(1)
        return p, Credentials(key_id, secret)

    def store_bytes(self):
        data = b""
        for suffix in ("", "-wal", "-journal"):
            path = self.db + suffix
            if os.path.exists(path):
                with open(path, "rb") as f:
                    data += f.read()
        return data


class HelpAndUsageTest(CliTestCase):

    def test_help(self):
        for args in (["--help"], ["-h"], ["help"]):
            with self.subTest(args=args):
                p = run(*args)
                self.assertEqual(p.returncode, 0, p.stderr)
                for c in COMMANDS:
                    self.assertIn(c, p.stdout)
                self.assertEqual(p.stderr, "")

    def test_command_help(self):
        for c in COMMANDS:
            with self.subTest(command=c):
                p = run(c, "--help")
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertIn(f"usage: roster {c}", p.stdout)

    def test_no_command(self):
        self.assertUsage(run())

    def test_unknown_command(self):
        p = run("nosuch")
        self.assertOneLineError(p, 2, "nosuch")

    def test_usage_errors(self):
        for args in (["keys"], ["keys", "bogus"], ["keys", "revoke"], ["keys", "list", "extra"],
                     ["init", "--bogus"], ["init", "extra"], ["users"], ["users", "add"],
                     ["users", "add", "bob", "--instance", "default", "--first-name", "B", "--last-name", "C"],
                     ["serve", "--threads", "0"], ["serve", "--threads", "many"], ["serve", "extra"]):
            with self.subTest(args=args):
                self.assertUsage(run(*args, "--db", self.db))
        # Nothing above created a store.
        self.assertFalse(os.path.exists(self.db))

    def test_keys_create_user_needs_instance(self):
        self.init()
        p = run("keys", "create", "--user", "admin", "--db", self.db)
        self.assertOneLineError(p, 2, "--instance")


class InitTest(CliTestCase):

    def test_init_output_and_files(self):
        p, creds = self.init()
        self.assertRegex(p.stdout, r"Instance 'default': [0-9a-f-]{36}")
        self.assertRegex(creds.key_id, r"^[A-Z0-9]{16,}$")
        self.assertGreaterEqual(len(creds.secret), 30)
        key_file = self.db + ".key"
        self.assertTrue(os.path.exists(key_file))
        self.assertEqual(stat.S_IMODE(os.stat(key_file).st_mode), 0o600)

    def test_secrets_not_in_database_in_clear(self):
        p, creds = self.init()
        password = re.search(r"password (\S+)", p.stdout).group(1)
        more = run("keys", "create", "--db", self.db).stdout
        secret2 = re.search(r"AWS_SECRET_ACCESS_KEY=(\S+)", more).group(1)
        data = self.store_bytes()
        self.assertIn(creds.key_id.encode(), data)  # the key id is stored: the scan does see the store
        for s in (creds.secret, secret2, password):
            self.assertNotIn(s.encode(), data)
        with open(self.db + ".key", "rb") as f:
            key_bytes = f.read()
        self.assertNotIn(creds.secret.encode(), key_bytes)

    def test_init_refuses_existing_store(self):
        self.init()
        with open(self.db, "rb") as f:
            before = f.read()
        with open(self.db + ".key", "rb") as f:
            key_before = f.read()
        p = run("init", "--db", self.db)
        self.assertOneLineError(p, 1, self.db, "--force")
        self.assertEqual(p.stdout, "")
        with open(self.db, "rb") as f:
            self.assertEqual(f.read(), before)
        with open(self.db + ".key", "rb") as f:
            self.assertEqual(f.read(), key_before)

    def test_init_force_replaces_store(self):
        _, old = self.init()
        _, new = self.init("--force")
        self.assertNotEqual(old.key_id, new.key_id)
        listing = run("keys", "list", "--db", self.db)
        self.assertEqual(listing.returncode, 0, listing.stderr)
        self.assertIn(new.key_id, listing.stdout)
        self.assertNotIn(old.key_id, listing.stdout)
        self.assertEqual(stat.S_IMODE(os.stat(self.db + ".key").st_mode), 0o600)

    def test_init_creates_parent_directories_and_uses_env(self):
        nested = os.path.join(self.dir, "a", "b", "store.db")
        p = run("init", env={"ROSTER_DB": nested})
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(os.path.exists(nested))
        listing = run("keys", "list", env={"ROSTER_DB": nested})
        self.assertEqual(listing.returncode, 0, listing.stderr)

    def test_init_region(self):
        p = run("init", "--db", self.db, "--region", "eu-west-2")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("eu-west-2", p.stdout)

    def test_commands_without_store(self):
        for args in (["keys", "list"], ["keys", "create"], ["keys", "revoke", "AKX"],
                     ["users", "add", "bob", "--instance", "default", "--first-name", "B", "--last-name", "C",
                      "--security-profile", "Agent"]):
            with self.subTest(args=args):
                self.assertOneLineError(run(*args, "--db", self.db), 1, "roster init")
        self.assertFalse(os.path.exists(self.db))


class KeysAndUsersTest(CliTestCase):

    def setUp(self):
        super().setUp()
        _, self.account = self.init()

    def test_keys_create_output_format(self):
        p = run("keys", "create", "--db", self.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, "")
        lines = p.stdout.splitlines()
        self.assertEqual(len(lines), 2, p.stdout)
        self.assertRegex(lines[0], r"^AWS_ACCESS_KEY_ID=[A-Z0-9]+$")
        self.assertRegex(lines[1], r"^AWS_SECRET_ACCESS_KEY=\S+$")
        self.assertTrue(p.stdout.endswith("\n"))
        # eval "$(roster keys create)" sets both variables.
        sh = subprocess.run(["sh", "-c", 'eval "$("$0" keys create --db "$1")"; '
                             'printf "%s\\n%s\\n" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY"',
                             ROSTER_BIN, self.db], capture_output=True, text=True, timeout=60)
        self.assertEqual(sh.returncode, 0, sh.stderr)
        key_id, secret = sh.stdout.splitlines()
        self.assertTrue(key_id and secret)
        self.assertIn(key_id, run("keys", "list", "--db", self.db).stdout)

    def test_keys_are_unique(self):
        keys = [run("keys", "create", "--db", self.db).stdout for _ in range(3)]
        self.assertEqual(len(set(keys)), 3)
        ids = [k.splitlines()[0] for k in keys]
        self.assertEqual(len(set(ids)), 3)

    def test_keys_list_and_revoke(self):
        user = run("users", "add", "kim", "--db", self.db, "--instance", "default", "--first-name", "Kim",
                   "--last-name", "Lee", "--security-profile", "Agent")
        self.assertEqual(user.returncode, 0, user.stderr)
        acct = run("keys", "create", "--db", self.db).stdout.splitlines()[0].split("=", 1)[1]
        ukey = run("keys", "create", "--user", "kim", "--instance", "default", "--db", self.db)
        self.assertEqual(ukey.returncode, 0, ukey.stderr)
        uid = ukey.stdout.splitlines()[0].split("=", 1)[1]
        listing = run("keys", "list", "--db", self.db)
        self.assertEqual(listing.returncode, 0, listing.stderr)

        def row(key_id):
            rows = [ln for ln in run("keys", "list", "--db", self.db).stdout.splitlines() if ln.startswith(key_id)]
            self.assertEqual(len(rows), 1)
            return rows[0].split()

        self.assertIn("KEY_ID", listing.stdout.splitlines()[0])
        self.assertEqual(row(acct)[1:3], ["account", "active"])
        self.assertEqual(row(uid)[1:3], ["user", "active"])
        self.assertEqual(row(uid)[-1], "kim")
        self.assertNotIn(self.account.secret, listing.stdout)

        p = run("keys", "revoke", uid, "--db", self.db)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(row(uid)[1:3], ["user", "revoked"])
        self.assertEqual(row(acct)[2], "active")

        self.assertOneLineError(run("keys", "revoke", "AKRSNOSUCHKEY", "--db", self.db), 1, "AKRSNOSUCHKEY")

    def test_keys_create_for_unknown_user_or_instance(self):
        self.assertOneLineError(run("keys", "create", "--user", "ghost", "--instance", "default", "--db", self.db),
                                1, "ghost")
        self.assertOneLineError(run("keys", "create", "--user", "admin", "--instance", "nowhere", "--db", self.db),
                                1, "nowhere")

    def test_users_add(self):
        p = run("users", "add", "ann", "--db", self.db, "--instance", "default", "--first-name", "Ann",
                "--last-name", "Ng", "--security-profile", "Agent", "--security-profile", "QualityAnalyst")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("ann", p.stdout)
        # The same name again is refused.
        self.assertOneLineError(run("users", "add", "ann", "--db", self.db, "--instance", "default", "--first-name",
                                    "A", "--last-name", "N", "--security-profile", "Agent"), 1, "ann")

    def test_users_add_unknown_security_profile(self):
        p = run("users", "add", "bob", "--db", self.db, "--instance", "default", "--first-name", "Bob",
                "--last-name", "Roe", "--security-profile", "Agent", "--security-profile", "Wizard")
        self.assertOneLineError(p, 1, "Wizard")
        self.assertEqual(p.stdout, "")
        # Nothing was created: a key for bob cannot be made.
        self.assertEqual(run("keys", "create", "--user", "bob", "--instance", "default", "--db", self.db).returncode,
                         1)

    def test_users_add_unknown_instance(self):
        p = run("users", "add", "bob", "--db", self.db, "--instance", "nowhere", "--first-name", "Bob",
                "--last-name", "Roe", "--security-profile", "Agent")
        self.assertOneLineError(p, 1, "nowhere")


class ServeTest(CliTestCase):

    def test_serve_without_store(self):
        p = run("serve", "--db", self.db, "--listen", "127.0.0.1:0")
        self.assertOneLineError(p, 1, self.db, "roster init")
        self.assertFalse(os.path.exists(self.db))

    def test_serve_bad_listen_address(self):
        self.init()
        self.assertOneLineError(run("serve", "--db", self.db, "--listen", "nonsense"), 1, "nonsense")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            s.listen(1)
            port = s.getsockname()[1]
            self.assertOneLineError(run("serve", "--db", self.db, "--listen", f"127.0.0.1:{port}"), 1,
                                    f"127.0.0.1:{port}")

    def stop_with(self, sig):
        r = Roster().start()
        try:
            rc, out, err = r.aws("list-instances")
            self.assertEqual(rc, 0, err)
            self.assertEqual(send(r.port, "GET", "/healthz").status, 200)
            r.proc.send_signal(sig)
            code = r.proc.wait(timeout=60)
            self.assertEqual(code, 0, r.log()[-4000:])
            log = r.log()
            self.assertIn("SIGINT" if sig == signal.SIGINT else "SIGTERM", log)
            self.assertIn("stopped", log)
            self.assertNotIn("Sanitizer", log)
            # The port is closed.
            with self.assertRaises(OSError):
                socket.create_connection(("127.0.0.1", r.port), timeout=5).close()
        finally:
            if r.proc and r.proc.poll() is not None:
                r.proc.stdout.close()
                r.stderr.close()
                r.proc = None
            r.cleanup()

    def test_sigterm_stops_cleanly(self):
        self.stop_with(signal.SIGTERM)

    def test_sigint_stops_cleanly(self):
        self.stop_with(signal.SIGINT)

    def test_serve_announces_endpoint(self):
        r = Roster().start()
        try:
            self.assertTrue(r.endpoint.startswith("http://127.0.0.1:"))
            self.assertEqual(send(r.port, "GET", "/healthz").json(), {"status": "ok"})
            # The key printed by init works against it, and a revoked-by-CLI key does not.
            key = r.new_key()
            self.assertEqual(r.aws("list-instances", creds=key)[0], 0)
            r.cli("keys", "revoke", key.key_id, "--db", r.db)
            rc, _, err = r.aws("list-instances", creds=key)
            self.assertEqual((rc, aws_error_code(err)), (255, "UnrecognizedClientException"))
        finally:
            r.stop()
            r.cleanup()


if __name__ == "__main__":
    unittest.main()
