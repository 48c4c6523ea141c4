"""harness.py — start a real roster server for end-to-end tests and drive it with the real
aws CLI and boto3.

Each Roster() gets its own temporary store made by `roster init`, listens on a free loopback
port chosen by the kernel (--listen 127.0.0.1:0; the port is read from the server's first
line), and is stopped with SIGTERM; stop() asserts that the server exited 0, which under the
sanitizer build also means no leak and no undefined behaviour was reported.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import unittest

import boto3
import botocore.config

ROSTER_BIN = os.environ.get("ROSTER_BIN") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "roster")
REGION = "us-east-1"


class Credentials:
    def __init__(self, key_id, secret):
        self.key_id = key_id
        self.secret = secret


class Roster:
    """A roster server with a fresh store. Use as a context manager or call start()/stop()."""

    def __init__(self, extra_env=None):
        self.dir = tempfile.mkdtemp(prefix="roster-e2e-")
        self.db = os.path.join(self.dir, "roster.db")
        self.extra_env = extra_env or {}
        self.proc = None
        self.port = None
        self.stderr_path = os.path.join(self.dir, "serve.err")

    # ---- the roster command line ---------------------------------------------------------
    def cli(self, *args, input=None, check=True):
        env = dict(os.environ, ROSTER_DB=self.db, **self.extra_env)
        p = subprocess.run([ROSTER_BIN, *args], capture_output=True, text=True, env=env, input=input,
                           timeout=120)
        if check and p.returncode != 0:
            raise AssertionError(f"roster {' '.join(args)} exited {p.returncode}: {p.stderr}")
        return p

    def init(self):
        out = self.cli("init", "--db", self.db).stdout
        self.init_output = out
        self.account = Credentials(re.search(r"AWS_ACCESS_KEY_ID=(\S+)", out).group(1),
                                   re.search(r"AWS_SECRET_ACCESS_KEY=(\S+)", out).group(1))
        self.instance_id = re.search(r"Instance 'default': (\S+)", out).group(1)
        self.admin_password = re.search(r"password (\S+)", out).group(1)

    def new_key(self, user=None, instance=None):
        args = ["keys", "create", "--db", self.db]
        if user:
            args += ["--user", user, "--instance", instance or self.instance_id]
        out = self.cli(*args).stdout
        lines = out.strip().splitlines()
        assert len(lines) == 2, out
        return Credentials(lines[0].split("=", 1)[1], lines[1].split("=", 1)[1])

    def add_user(self, username, *profiles, instance=None):
        args = ["users", "add", username, "--db", self.db, "--instance", instance or self.instance_id,
                "--first-name", "Test", "--last-name", "User"]
        for p in profiles:
            args += ["--security-profile", p]
        return self.cli(*args)

    # ---- the server ----------------------------------------------------------------------
    def start(self):
        if not os.path.exists(self.db):
            self.init()
        env = dict(os.environ, **self.extra_env)
        self.stderr = open(self.stderr_path, "w")
        self.proc = subprocess.Popen([ROSTER_BIN, "serve", "--db", self.db, "--listen", "127.0.0.1:0"],
                                     stdout=subprocess.PIPE, stderr=self.stderr, text=True, env=env)
        first = self.proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", first)
        if not m:
            self.proc.kill()
            raise AssertionError(f"server did not start: {first!r} {self.log()}")
        self.port = int(m.group(1))
        self.endpoint = f"http://127.0.0.1:{self.port}"
        return self

    def stop(self, check=True):
        if not self.proc:
            return None
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.proc.stdout.close()
        self.stderr.close()
        self.proc = None
        if check and rc != 0:
            raise AssertionError(f"roster serve exited {rc}; its log:\n{self.log()[-6000:]}")
        return rc

    def kill9_and_restart(self):
        """Kills the server with SIGKILL (no chance to finish anything) and starts it again on the
        same store."""
        self.proc.kill()
        self.proc.wait(timeout=30)
        self.proc.stdout.close()
        self.stderr.close()
        self.proc = None
        return self.start()

    def log(self):
        try:
            with open(self.stderr_path) as f:
                return f.read()
        except OSError:
            return ""

    def cleanup(self):
        self.stop(check=False)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        try:
            self.stop()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    # ---- clients --------------------------------------------------------------------------
    def aws_env(self, creds=None, region=REGION):
        creds = creds or self.account
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_ACCESS_KEY_ID=creds.key_id, AWS_SECRET_ACCESS_KEY=creds.secret,
                   AWS_DEFAULT_REGION=region, AWS_CONFIG_FILE="/dev/null",
                   AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_EC2_METADATA_DISABLED="true",
                   AWS_PAGER="")
        return env

    def aws(self, *args, creds=None, region=REGION, env=None):
        """Runs `aws connect ARGS --endpoint-url …`. Returns (rc, parsed stdout or None, stderr)."""
        e = self.aws_env(creds, region)
        if env:
            e.update(env)
        p = subprocess.run(["aws", "connect", *args, "--endpoint-url", self.endpoint, "--output", "json"],
                           capture_output=True, text=True, env=e, timeout=300)
        out = json.loads(p.stdout) if p.stdout.strip() else None
        return p.returncode, out, p.stderr

    def boto(self, creds=None, region=REGION, validate=True, session_token=None):
        creds = creds or self.account
        cfg = botocore.config.Config(parameter_validation=validate, retries={"max_attempts": 1})
        return boto3.client("connect", endpoint_url=self.endpoint, region_name=region,
                            aws_access_key_id=creds.key_id, aws_secret_access_key=creds.secret,
                            aws_session_token=session_token, config=cfg)


def aws_error_code(stderr):
    """The error code the aws CLI printed, e.g. 'ResourceNotFoundException', or None."""
    m = re.search(r"An error occurred \(([^)]+)\)", stderr)
    return m.group(1) if m else None


class RosterTestCase(unittest.TestCase):
    """One server per test class, started before the first test and stopped after the last."""

    @classmethod
    def setUpClass(cls):
        cls.roster = Roster().start()
        # tearDownClass does not run when a subclass's setUpClass fails after this: a class
        # cleanup does, so no server outlives its tests.
        cls.addClassCleanup(cls._stop_roster)

    @classmethod
    def _stop_roster(cls):
        roster = cls.__dict__.get("roster")
        if roster is not None and roster.proc is not None:
            try:
                roster.stop(check=False)
            finally:
                roster.cleanup()

    @classmethod
    def tearDownClass(cls):
        try:
            cls.roster.stop()
        finally:
            cls.roster.cleanup()

    def aws_ok(self, *args, creds=None):
        """Runs the aws CLI and asserts success; returns its parsed output (None when empty)."""
        rc, out, err = self.roster.aws(*args, creds=creds)
        self.assertEqual(rc, 0, err)
        return out

    def assertBotoError(self, code, fn, **kwargs):
        """Calls a boto3 method, asserts it raises a ClientError with code; returns the exception."""
        with self.assertRaises(Exception) as cm:
            fn(**kwargs)
        self.assertTrue(hasattr(cm.exception, "response"), repr(cm.exception))
        self.assertEqual(cm.exception.response["Error"]["Code"], code, cm.exception.response)
        return cm.exception

    def assertAwsError(self, result, code, message_part=None):
        rc, out, err = result
        self.assertEqual(rc, 255, f"expected a service error, got rc={rc} out={out} err={err}")
        self.assertEqual(aws_error_code(err), code, err)
        if message_part:
            self.assertIn(message_part, err)
        return err
