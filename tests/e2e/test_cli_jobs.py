"""test_cli_jobs.py — the roster command as a client of a running server: template, import,
export and jobs (list, show, cancel, retry, report) over roster's own API (/roster/v1), signed
by libcurl with the same keys the aws CLI uses.

What is checked: exit statuses (0 success, 1 failure, 2 usage error) and one-line "roster: "
errors; the template to a file and stdout; imports of good files, of a file with a bad row (the
first errors printed, --report equal to the server's report), --no-wait, --dry-run, --mode upsert;
the progress line on a terminal and Ctrl-C while waiting (the job goes on); jobs with and without
--json; export to a file and to stdout, filtered; --instance left out with one instance and with
two; no server running; a wrong secret.
"""
import json
import os
import pty
import re
import select
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from harness import ROSTER_BIN, Credentials, Roster, RosterTestCase
from signing import UUID_RE, call

HEADER = ("first name,last name,email address,password,user login,routing profile name,"
          "security_profile_name_1|security_profile_name_2,phone type (soft/desk),phone number,"
          "soft phone auto accept (yes/no),ACW timeout (seconds)")


def row(login, first="Ann", phone="+14155550101", profile="Agent"):
    return (f"{first},Lee,{login}@example.com,Passw0rdAbc,{login},Basic Routing Profile,{profile},"
            f"soft,{phone},yes,0")


def csv_text(*rows):
    return HEADER + "\n" + "".join(r + "\n" for r in rows)


class ClientMixin:
    """Runs roster's client commands against cls.roster with its account key."""

    def client(self, *args, creds=None, endpoint=None, env=None, input=None):
        r = self.roster
        e = r.aws_env(creds)
        e.pop("ROSTER_DB", None)
        e["AWS_ENDPOINT_URL"] = endpoint or r.endpoint
        e.update(env or {})
        return subprocess.run([ROSTER_BIN, *args], capture_output=True, env=e, input=input, timeout=300)

    def ok(self, *args, **kw):
        p = self.client(*args, **kw)
        self.assertEqual(p.returncode, 0, f"stdout={p.stdout!r} stderr={p.stderr!r}")
        self.assertEqual(p.stderr, b"")
        return p.stdout.decode()

    def one_line_error(self, p, rc, *fragments):
        self.assertEqual(p.returncode, rc, f"stdout={p.stdout!r} stderr={p.stderr!r}")
        lines = p.stderr.decode().strip().splitlines()
        self.assertEqual(len(lines), 1, p.stderr)
        self.assertTrue(lines[0].startswith("roster: "), lines[0])
        for f in fragments:
            self.assertIn(f, lines[0])
        return lines[0]

    def usage(self, p):
        self.assertEqual(p.returncode, 2, f"stdout={p.stdout!r} stderr={p.stderr!r}")
        self.assertEqual(p.stdout, b"")
        if b"usage: roster" not in p.stderr:
            self.one_line_error(p, 2)

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w", newline="") as f:
            f.write(text)
        return path

    def job(self, job_id):
        return json.loads(self.ok("jobs", "show", job_id, "--json"))["Job"]

    def wait_finished(self, job_id, timeout=120):
        deadline = time.monotonic() + timeout
        while True:
            j = self.job(job_id)
            if j["State"] in ("COMPLETED", "CANCELED", "FAILED") or time.monotonic() > deadline:
                return j
            time.sleep(0.2)

    def usernames(self):
        users = self.roster.boto().list_users(InstanceId=self.roster.instance_id, MaxResults=1000)
        return {u["Username"] for u in users["UserSummaryList"]}


class CliJobsTest(ClientMixin, RosterTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.mkdtemp(prefix="roster-cli-jobs-", dir=cls.roster.dir)

    # ---- template ------------------------------------------------------------------------------
    def test_template_to_file_and_stdout(self):
        out = self.ok("template")
        self.assertEqual(len(out.strip().splitlines()), 1, out)
        self.assertIn("user login", out.lower())
        path = os.path.join(self.tmp, "template.csv")
        self.assertEqual(self.ok("template", "-o", path), "")
        with open(path, "rb") as f:
            self.assertEqual(f.read(), out.encode())
        example = self.ok("template", "--example", "--instance", "default")
        self.assertEqual(len(example.strip().splitlines()), 2, example)
        self.assertTrue(example.startswith(out.rstrip("\r\n")), example)

    # ---- import --------------------------------------------------------------------------------
    def test_import_good_file(self):
        path = self.write("good.csv", csv_text(row("good1"), row("good2")))
        out = self.ok("import", path)
        self.assertRegex(out, r"Job \S+ COMPLETED: 2 rows")
        self.assertIn("created 2, updated 0, unchanged 0, failed 0, canceled 0", out)
        self.assertLessEqual({"good1", "good2"}, self.usernames())

    def test_import_bad_row_report(self):
        path = self.write("bad.csv", csv_text(row("bad1"), row("bad2", phone="12345")))
        report = os.path.join(self.tmp, "bad-report.csv")
        p = self.client("import", path, "--report", report)
        self.one_line_error(p, 1, "1 of 2 rows failed")
        out = p.stdout.decode()
        self.assertIn("created 1, updated 0, unchanged 0, failed 1, canceled 0", out)
        self.assertRegex(out, r'row 2, column "phone number", value "12345": ')
        job_id = re.search(r"Job (\S+) COMPLETED", out).group(1)
        with open(report, "rb") as f:
            written = f.read()
        server = call(self.roster, "GET", f"/roster/v1/instances/{self.roster.instance_id}/jobs/{job_id}/report")
        self.assertEqual(server.status, 200, server)
        self.assertEqual(written, server.body)
        self.assertIn(b"12345", written)
        self.assertNotIn(b"Passw0rdAbc", written)
        # jobs report prints the same, to stdout and to a file
        self.assertEqual(self.client("jobs", "report", job_id).stdout, server.body)
        again = os.path.join(self.tmp, "bad-report-2.csv")
        self.assertEqual(self.ok("jobs", "report", job_id, "-o", again), "")
        with open(again, "rb") as f:
            self.assertEqual(f.read(), server.body)

    def test_import_no_wait(self):
        path = self.write("nowait.csv", csv_text(row("nowait1")))
        out = self.ok("import", path, "--no-wait")
        job_id = out.strip()
        self.assertRegex(job_id, UUID_RE)
        j = self.wait_finished(job_id)
        self.assertEqual(j["State"], "COMPLETED", j)
        self.assertEqual(j["Counts"]["Succeeded"], 1, j)
        self.assertEqual(j["FileName"], "nowait.csv")

    def test_import_dry_run(self):
        path = self.write("dry.csv", csv_text(row("dry1"), row("dry2")))
        out = self.ok("import", path, "--dry-run")
        self.assertIn("(dry run)", out)
        self.assertIn("would create 2", out)
        self.assertNotIn("dry1", self.usernames())

    def test_import_upsert(self):
        self.ok("import", self.write("ups1.csv", csv_text(row("ups1", first="Ann"))))
        changed = self.write("ups2.csv", csv_text(row("ups1", first="Anna"), row("ups2")))
        out = self.ok("import", changed, "--mode", "upsert")
        self.assertIn("created 1, updated 1, unchanged 0, failed 0", out)
        # create mode refuses the existing login: a row error, exit 1
        p = self.client("import", self.write("ups3.csv", csv_text(row("ups1"))))
        self.one_line_error(p, 1, "1 of 1 rows failed")

    def test_import_atomic_with_bad_row_fails_the_job(self):
        path = self.write("atomic.csv", csv_text(row("atom1"), row("atom2", profile="Agnet")))
        p = self.client("import", path, "--atomic")
        self.one_line_error(p, 1, "the import failed")
        self.assertNotIn("atom1", self.usernames())

    def test_import_unknown_header_fails_the_job(self):
        path = self.write("header.csv", "user login,favourite colour\nx,blue\n")
        p = self.client("import", path)
        line = self.one_line_error(p, 1, "the import failed")
        self.assertIn("favourite colour", line)

    def test_import_usage_errors(self):
        good = self.write("usage.csv", csv_text(row("usage1")))
        for args in (["import"], ["import", good, good], ["import", good, "--mode", "merge"],
                     ["import", good, "--no-wait", "--report", "x.csv"], ["import", good, "--bogus"],
                     ["import", good, "--instance", "../x"]):
            with self.subTest(args=args):
                self.usage(self.client(*args))
        self.assertNotIn("usage1", self.usernames())

    def test_import_missing_file(self):
        self.one_line_error(self.client("import", os.path.join(self.tmp, "absent.csv")), 1, "cannot read")

    def test_help(self):
        for cmd in ("template", "import", "export", "jobs"):
            with self.subTest(cmd=cmd):
                out = self.ok(cmd, "--help")
                self.assertIn(f"usage: roster {cmd}", out)

    # ---- jobs ----------------------------------------------------------------------------------
    def test_jobs_list_show(self):
        path = self.write("list.csv", csv_text(row("list1"), row("list2", phone="999")))
        job_id = self.client("import", path, "--no-wait").stdout.decode().strip()
        self.wait_finished(job_id)
        table = self.ok("jobs", "list")
        self.assertTrue(table.startswith("JOB_ID"), table)
        line = next(ln for ln in table.splitlines() if ln.startswith(job_id))
        self.assertRegex(line, r"COMPLETED\s+CREATE\s+2\s+1\s+\S+\s+list\.csv$")
        listed = json.loads(self.ok("jobs", "list", "--json"))["Jobs"]
        self.assertIn(job_id, [j["JobId"] for j in listed])
        completed = json.loads(self.ok("jobs", "list", "--state", "completed", "--json"))["Jobs"]
        self.assertTrue(all(j["State"] == "COMPLETED" for j in completed), completed)
        shown = self.ok("jobs", "show", job_id)
        self.assertRegex(shown, rf"Job\s+{job_id}")
        self.assertRegex(shown, r"State\s+COMPLETED")
        self.assertIn("2 total, 1 succeeded, 1 failed", shown)
        self.assertIn('row 2, column "phone number", value "999"', shown)
        j = json.loads(self.ok("jobs", "show", job_id, "--json"))["Job"]
        self.assertEqual((j["JobId"], j["Kind"], j["Counts"]["Failed"]), (job_id, "IMPORT", 1))

    def test_jobs_retry(self):
        path = self.write("retry.csv", csv_text(row("retry1"), row("retry2", phone="42")))
        job_id = re.search(r"Job (\S+) ", self.client("import", path).stdout.decode()).group(1)
        out = self.ok("jobs", "retry", job_id)
        new_id = re.search(r"^Job (\S+) retries the failed rows of job " + job_id, out).group(1)
        j = self.wait_finished(new_id)
        self.assertEqual((j["Counts"]["Total"], j["Counts"]["Failed"], j.get("RetryOf")), (1, 1, job_id), j)
        again = json.loads(self.ok("jobs", "retry", job_id, "--json"))["Job"]
        self.assertEqual(again["RetryOf"], job_id)
        self.wait_finished(again["JobId"])
        # a job with no failed row cannot be retried: the server's message, exit 1
        good = re.search(r"Job (\S+) ", self.ok("import", self.write("retry-ok.csv", csv_text(row("retry3"))))).group(1)
        self.one_line_error(self.client("jobs", "retry", good), 1, "InvalidRequestException")

    def test_jobs_cancel_finished_and_unknown(self):
        job_id = re.search(r"Job (\S+) ", self.ok("import", self.write("c.csv", csv_text(row("cancel1"))))).group(1)
        self.one_line_error(self.client("jobs", "cancel", job_id), 1, "InvalidRequestException")
        self.one_line_error(self.client("jobs", "cancel", job_id, "--json"), 1, "InvalidRequestException")
        self.one_line_error(self.client("jobs", "show", "00000000-0000-4000-8000-000000000000"), 1,
                            "ResourceNotFoundException")

    def test_jobs_usage_errors(self):
        for args in (["jobs"], ["jobs", "show"], ["jobs", "list", "extra"], ["jobs", "frobnicate", "x"],
                     ["jobs", "list", "--state", "DONE"], ["jobs", "show", "x", "--state", "FAILED"],
                     ["jobs", "report", "x", "--json"], ["jobs", "show", "x", "-o", "f"],
                     ["jobs", "show", "a/b"]):
            with self.subTest(args=args):
                self.usage(self.client(*args))

    # ---- a long job: progress on a terminal, Ctrl-C, cancel ------------------------------------
    def test_progress_interrupt_and_cancel(self):
        rows = [row(f"long{i}", phone=f"+1415555{i:04d}") for i in range(3000)]
        path = self.write("long.csv", csv_text(*rows))
        master, slave = pty.openpty()
        e = self.roster.aws_env()
        e["AWS_ENDPOINT_URL"] = self.roster.endpoint
        proc = subprocess.Popen([ROSTER_BIN, "import", path], stdout=subprocess.PIPE, stderr=slave, env=e)
        os.close(slave)
        seen = b""
        try:
            deadline = time.monotonic() + 120
            while b"\r" not in seen and time.monotonic() < deadline and proc.poll() is None:
                ready, _, _ = select.select([master], [], [], 1.0)
                if ready:
                    seen += os.read(master, 4096)
            self.assertIn(b"\r", seen, "no progress line on the terminal")
            proc.send_signal(signal.SIGINT)
            out, _ = proc.communicate(timeout=60)
            while True:
                ready, _, _ = select.select([master], [], [], 0.5)
                if not ready:
                    break
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            os.close(master)
        self.assertEqual(proc.returncode, 1, seen)
        m = re.search(rb"job (\S+) goes on on the server: follow it with 'roster jobs show \1'", seen)
        self.assertIsNotNone(m, seen)
        job_id = m.group(1).decode()
        self.assertEqual(out, b"")
        j = self.job(job_id)
        if j["State"] in ("QUEUED", "RUNNING"):
            self.ok("jobs", "cancel", job_id)
            j = self.wait_finished(job_id)
            self.assertEqual(j["State"], "CANCELED", j)
            self.assertGreater(j["Counts"]["Canceled"], 0, j)
        self.assertIn(j["State"], ("CANCELED", "COMPLETED"), j)

    # ---- export --------------------------------------------------------------------------------
    def test_export_to_file_and_stdout(self):
        self.ok("import", self.write("exp.csv", csv_text(row("expa1"), row("expa2"), row("expb1"))))
        out = self.ok("export")
        self.assertIn("expa1", out)
        self.assertIn("admin", out)
        path = os.path.join(self.tmp, "export.csv")
        self.assertEqual(self.ok("export", "-o", path), "")
        with open(path, "rb") as f:
            self.assertEqual(f.read(), out.encode())
        only = self.ok("export", "--filter", "username=expa")
        lines = only.strip().splitlines()
        self.assertEqual(len(lines), 3, only)
        self.assertEqual(lines[0], out.splitlines()[0])
        self.assertNotIn("expb1", only)
        # the export imports back in upsert mode with every row unchanged
        back = self.write("exp-back.csv", only)
        self.assertIn("created 0, updated 0, unchanged 2, failed 0", self.ok("import", back, "--mode", "upsert"))

    def test_export_usage_errors(self):
        for args in (["export", "--filter", "colour=red"], ["export", "--filter", "username"],
                     ["export", "--filter", "username=a", "--filter", "username=b"], ["export", "extra"]):
            with self.subTest(args=args):
                self.usage(self.client(*args))

    # ---- the server's answers ------------------------------------------------------------------
    def test_wrong_secret(self):
        bad = Credentials(self.roster.account.key_id, "x" * 40)
        for args in (["jobs", "list"], ["template", "--instance", self.roster.instance_id]):
            with self.subTest(args=args):
                self.one_line_error(self.client(*args, creds=bad), 1, "signature", "InvalidSignatureException")

    def test_unknown_instance(self):
        self.one_line_error(self.client("template", "--instance", "nosuch"), 1, "ResourceNotFoundException")

    def test_session_token_refused(self):
        self.one_line_error(self.client("jobs", "list", env={"AWS_SESSION_TOKEN": "t"}), 1, "AWS_SESSION_TOKEN")


class CliNoServerTest(unittest.TestCase):

    def test_no_server_running(self):
        with socket.socket() as s:   # a port nobody listens on: bound, never listening
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
            env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
            env.update(AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="secret")
            for args in (["jobs", "list"], ["template", "--instance", "default"],
                         ["jobs", "list", "--endpoint-url", f"http://127.0.0.1:{port}"]):
                with self.subTest(args=args):
                    e = dict(env, AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}")
                    p = subprocess.run([ROSTER_BIN, *args], capture_output=True, text=True, env=e, timeout=60)
                    self.assertEqual(p.returncode, 1, p.stderr)
                    self.assertEqual(p.stderr, f"roster: cannot reach http://127.0.0.1:{port} (connection refused); "
                                     "is \"roster serve\" running?\n")

    def test_no_keys(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        p = subprocess.run([ROSTER_BIN, "jobs", "list"], capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("AWS_ACCESS_KEY_ID", p.stderr)


class CliTwoInstancesTest(ClientMixin, RosterTestCase):

    def test_instance_left_out_with_two_instances(self):
        c = self.roster.boto()
        second = c.create_instance(IdentityManagementType="SAML", InstanceAlias="second",
                                   InboundCallsEnabled=False, OutboundCallsEnabled=False)["Id"]
        for args in (["template"], ["jobs", "list"], ["export"]):
            with self.subTest(args=args):
                p = self.client(*args)
                line = self.one_line_error(p, 2, "there are 2 instances", "--instance")
                self.assertIn(self.roster.instance_id, line)
                self.assertIn(f"{second} (second)", line)
                self.assertEqual(p.stdout, b"")
        # a user key sees its own instance only: --instance may be left out again
        user_key = self.roster.new_key(user="admin")
        self.assertIn("password", self.ok("template", creds=user_key))
        saml = self.ok("template", "--instance", "second")
        self.assertNotIn("password", saml)
        self.assertIn("password", self.ok("template", "--instance", self.roster.instance_id))


if __name__ == "__main__":
    unittest.main()
