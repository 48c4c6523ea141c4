"""test_entra_collection.py — Microsoft's SCIM test collection (entra-scim-postman-collection.json,
beside this file, byte-identical to Microsoft's) run by newman against a real roster serve.

A fresh store (tests/e2e/harness.py), a fresh CONNECT_MANAGED instance made through the Connect
API (the default instance holds the admin user, and the collection counts users), one SCIM token
of that instance (`roster scim-token create`). newman runs the whole collection but its "Get
Token" folder (it asks Microsoft's reference server for a token; ours comes from the CLI), in
collection order and in one run: later folders use the ids that earlier ones set (1stuserid …,
set in "User tests with garbage", deleted in "Teardown garbage") and count what earlier ones left
behind. The run includes the two requests at the collection's root after the folders ("Get all
users", "Get all groups": nothing left). `newman --folder` cannot select those two (the root "Get
all users" is shadowed by the request of the same name inside a folder), so the runner hands newman
the collection with "Get Token" taken out, written to the artifacts directory; the file in the
repository is never changed.

Every assertion is named "Folder / Request / assertion" ("(root)" for the two root requests; a
request whose name appears twice in its folder gets " [1]", " [2]"; a test script that throws is
the assertion "(error in test-script)", a request that got no answer "(request error)"). The
failed ones must be exactly those listed in known-unmet.txt: the test fails on a failure not
listed, and on a listed one that passes now or did not run (so the list stays true).

Artifacts (ROSTER_SCIM_ARTIFACTS, ctest sets <build dir>/scim-artifacts): newman's JSON report
(newman-report.json), its console output (newman-cli.txt), the environment and the collection it
was given.
"""
import json
import os
import re
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))

from harness import RosterTestCase  # noqa: E402

COLLECTION = os.path.join(HERE, "entra-scim-postman-collection.json")
KNOWN_UNMET = os.path.join(HERE, "known-unmet.txt")
NEWMAN = os.path.join(HERE, "node_modules", ".bin", "newman")
ARTIFACTS = os.environ.get("ROSTER_SCIM_ARTIFACTS") or os.path.join(ROOT, "build", "scim-artifacts")
LEFT_OUT = "Get Token"
ROOT_FOLDER = "(root)"
SCRIPT_ERROR = "(error in test-script)"
REQUEST_ERROR = "(request error)"
NEWMAN_TIMEOUT = 600  # seconds for the whole run; a request times out after 30 s


def run_collection(path):
    """The collection without its LEFT_OUT folder, written to path."""
    with open(COLLECTION, encoding="utf-8") as f:
        coll = json.load(f)
    kept = [i for i in coll["item"] if i["name"] != LEFT_OUT]
    assert len(kept) == len(coll["item"]) - 1, f"the collection has no single folder {LEFT_OUT!r}"
    coll["item"] = kept
    with open(path, "w", encoding="utf-8") as f:
        json.dump(coll, f, indent=1)


def read_known_unmet(path=KNOWN_UNMET):
    """{key: reason} from known-unmet.txt: 'Folder / Request / assertion  # reason' per line."""
    known = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            m = re.match(r"^(.*?)\s+#\s*(.*)$", line)
            if not m or not m[2].strip():
                raise AssertionError(f"{path}:{n}: no '# reason' after the assertion: {line!r}")
            if m[1] in known:
                raise AssertionError(f"{path}:{n}: listed twice: {m[1]!r}")
            known[m[1]] = m[2].strip()
    return known


def request_names(collection):
    """{item id: 'Folder / Request'} for every request of the report's collection, with the
    occurrence suffix where a name repeats within its folder."""
    names = {}

    def walk(items, folder):
        counts = {}
        for it in items:
            if "item" not in it:
                counts[it["name"]] = counts.get(it["name"], 0) + 1
        seen = {}
        for it in items:
            if "item" in it:
                walk(it["item"], it["name"] if folder == ROOT_FOLDER else f"{folder} / {it['name']}")
                continue
            seen[it["name"]] = seen.get(it["name"], 0) + 1
            name = it["name"] + (f" [{seen[it['name']]}]" if counts[it["name"]] > 1 else "")
            names[it["id"]] = (folder, f"{folder} / {name}")

    walk(collection["item"], ROOT_FOLDER)
    return names


def url_of(req):
    u = req.get("url", {})
    path = "/" + "/".join(u.get("path", []))
    query = "&".join(f"{q['key']}={q.get('value') or ''}" for q in u.get("query", []) if not q.get("disabled"))
    return path + (f"?{query}" if query else "")


def body_of(resp, limit=300):
    data = bytes((resp or {}).get("stream", {}).get("data", []))
    return one_line(data.decode("utf-8", "replace"), limit)


class Result:
    """One assertion's outcome."""

    def __init__(self, request, name, folder, passed, message="", execution=None):
        self.request, self.name, self.folder = request, name, folder
        self.key = f"{request} / {name}"
        self.passed, self.message, self.execution = passed, message, execution


def one_line(text, limit=300):
    text = " ".join(str(text).split())
    return text[:limit] + ("…" if len(text) > limit else "")


def read_report(report):
    """Every assertion of the run as Result, in run order."""
    names = request_names(report["collection"])
    # A test script that threw: in run.failures only, not among the execution's assertions (an
    # error inside pm.test is that assertion's failure, and carries its name).
    script_errors = {}
    for f in report["run"]["failures"]:
        err, at = f.get("error", {}), f.get("at") or ""
        if not err.get("test") and not at.startswith("assertion") and "script" in at:
            script_errors.setdefault(f.get("source", {}).get("id"), []).append(
                f"{err.get('name')}: {one_line(err.get('message'))} ({at})")
    results = []
    for e in report["run"]["executions"]:
        item = e["item"]["id"]
        folder, req = names[item]
        per_name = {}
        for a in e.get("assertions", []):
            per_name[a["assertion"]] = per_name.get(a["assertion"], 0) + 1
        seen = {}
        for a in e.get("assertions", []):
            if a.get("skipped"):
                continue
            name = a["assertion"]
            seen[name] = seen.get(name, 0) + 1
            if per_name[name] > 1:
                name += f" [{seen[name]}]"
            err = a.get("error")
            results.append(Result(req, name, folder, not err, one_line(err["message"]) if err else "", e))
        if e.get("requestError"):
            results.append(Result(req, REQUEST_ERROR, folder, False,
                                  one_line(e["requestError"].get("message", e["requestError"])), e))
        for message in script_errors.pop(item, []):
            results.append(Result(req, SCRIPT_ERROR, folder, False, message, e))
    return results


class EntraCollectionTest(RosterTestCase):

    def setUp(self):
        if not os.access(NEWMAN, os.X_OK):
            self.fail(f"{NEWMAN} is missing: run scripts/deps.sh test (npm ci in tests/scim)")
        os.makedirs(ARTIFACTS, exist_ok=True)

    def make_instance_and_token(self):
        b = self.roster.boto()
        iid = b.create_instance(IdentityManagementType="CONNECT_MANAGED", InstanceAlias="entra-collection",
                                InboundCallsEnabled=True, OutboundCallsEnabled=True)["Id"]
        self.assertEqual(b.list_users(InstanceId=iid)["UserSummaryList"], [],
                         "the collection counts users: its instance must start with none")
        out = self.roster.cli("scim-token", "create", "--instance", iid, "--name", "Entra test collection").stdout
        return iid, re.search(r"SCIM token \(shown once\): (\S+)", out).group(1)

    def test_collection(self):
        iid, token = self.make_instance_and_token()
        env_path = os.path.join(ARTIFACTS, "newman-environment.json")
        coll_path = os.path.join(ARTIFACTS, "collection-run.json")
        report_path = os.path.join(ARTIFACTS, "newman-report.json")
        cli_path = os.path.join(ARTIFACTS, "newman-cli.txt")
        # The collection's variables: its URLs are {{Protocol}}://{{Server}}{{Port}}/{{Api}}/…
        # (so Port carries its colon) and every request's bearer token is {{token}}.
        env = {"name": "roster", "values": [
            {"key": k, "value": v, "type": "default", "enabled": True} for k, v in
            [("Protocol", "http"), ("Server", "127.0.0.1"), ("Port", f":{self.roster.port}"),
             ("Api", "scim/v2"), ("token", token)]]}
        with open(env_path, "w", encoding="utf-8") as f:
            json.dump(env, f, indent=1)
        run_collection(coll_path)
        for p in (report_path, cli_path):
            if os.path.exists(p):
                os.unlink(p)

        started = time.monotonic()
        with open(cli_path, "w", encoding="utf-8") as cli:
            p = subprocess.run([NEWMAN, "run", coll_path, "--environment", env_path,
                                "--reporters", "cli,json", "--reporter-json-export", report_path,
                                "--color", "off", "--disable-unicode", "--timeout-request", "30000"],
                               stdout=cli, stderr=subprocess.STDOUT, timeout=NEWMAN_TIMEOUT,
                               env=dict(os.environ, NO_COLOR="1"))
        took = time.monotonic() - started
        self.assertIsNone(self.roster.proc.poll(),
                          f"roster serve died during the run; its log:\n{self.roster.log()[-6000:]}")
        if not os.path.exists(report_path):
            with open(cli_path, encoding="utf-8") as f:
                self.fail(f"newman exited {p.returncode} without a report; its output:\n{f.read()[-4000:]}")
        with open(report_path, encoding="utf-8") as f:
            report = json.load(f)

        results = read_report(report)
        known = read_known_unmet()
        failed = {r.key: r for r in results if not r.passed}
        passed = {r.key for r in results if r.passed}
        unexpected = [r for r in results if not r.passed and r.key not in known]
        stale = [(k, "passes now" if k in passed else "did not run") for k in known if k not in failed]

        print(self.summary(report, results, known, unexpected, stale, took, iid))
        problems = []
        if unexpected:
            problems.append(f"{len(unexpected)} assertion(s) of the collection failed that known-unmet.txt "
                            f"does not list")
        if stale:
            problems.append(f"{len(stale)} assertion(s) listed in known-unmet.txt did not fail: "
                            + "; ".join(f"{k} ({why})" for k, why in stale))
        if problems:
            self.fail(" and ".join(problems) + f" (newman's report: {report_path})")

    @staticmethod
    def summary(report, results, known, unexpected, stale, took, iid):
        stats = report["run"]["stats"]
        lines = [f"Microsoft's SCIM test collection, newman {newman_version()}, instance {iid}: "
                 f"{stats['requests']['total']} requests in {took:.1f} s"]
        folders = []
        for r in results:
            if r.folder not in folders:
                folders.append(r.folder)
        width = max(len(f) for f in folders + ["folder"])
        lines.append(f"  {'folder':<{width}}  passed  failed  of which known-unmet")
        for f in folders:
            rs = [r for r in results if r.folder == f]
            lines.append(f"  {f:<{width}}  {sum(r.passed for r in rs):>6}  {sum(not r.passed for r in rs):>6}  "
                         f"{sum(not r.passed and r.key in known for r in rs):>6}")
        n_pass = sum(r.passed for r in results)
        n_fail = len(results) - n_pass
        lines.append(f"  {'all':<{width}}  {n_pass:>6}  {n_fail:>6}  "
                     f"{sum(not r.passed and r.key in known for r in results):>6}")
        if unexpected:
            lines.append(f"Unexpected failures ({len(unexpected)}, not in known-unmet.txt), by request:")
            last = None
            for r in unexpected:
                if r.request != last:
                    last = r.request
                    e = r.execution or {}
                    resp = e.get("response") or {}
                    lines.append(f"  {r.request}")
                    if e.get("request"):
                        lines.append(f"    {e['request'].get('method')} {url_of(e['request'])} -> "
                                     f"{resp.get('code', 'no answer')} {body_of(resp)}")
                lines.append(f"      {r.name}: {r.message}")
        if stale:
            lines.append(f"Listed in known-unmet.txt but not failing ({len(stale)}): remove them from the list")
            for k, why in stale:
                lines.append(f"  {k}  ({why}; listed because: {known[k]})")
        return "\n".join(lines)


def newman_version():
    try:
        with open(os.path.join(HERE, "node_modules", "newman", "package.json"), encoding="utf-8") as f:
            return json.load(f)["version"]
    except OSError:
        return "?"


if __name__ == "__main__":
    unittest.main()
