#!/usr/bin/env python3
"""run_ui.py — runs one browser flow of the web console: tests/ui/FLOW.mjs.

    run_ui.py FLOW

Starts a real roster (tests/e2e/harness.py: `roster init` on a fresh store, `roster serve` on a free
loopback port), seeds what the flow needs with boto3 (users, profiles, groups; see SEEDS), writes
the facts (base URL, instance, passwords, ids) to a JSON file and runs `node tests/ui/FLOW.mjs` with
ROSTER_UI_FACTS naming it. The flow drives Debian's Chromium through playwright-core
(tests/ui/lib.mjs) and exits 0 when every step passed. The server is then stopped and must exit 0
(under the sanitizer build: no leak, no undefined behaviour reported).

Screenshots go to ROSTER_UI_ARTIFACTS (ctest sets <build dir>/ui-artifacts; default
build/ui-artifacts). Exit status: the flow's, or 1 when the server failed.
"""
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))

from harness import Roster  # noqa: E402
from import_support import api, parse_csv, to_csv, wait_job  # noqa: E402
from scim_client import Scim, make_token  # noqa: E402

PASSWORD = "Seeded#Pass1"  # every seeded user's password (meets the policy)
FLOW_TIMEOUT = 420  # seconds for one flow file, Chromium's start included

FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Ken", "Dennis", "Margaret", "Linus", "Frances",
         "Hedy", "Claude"]


def log(msg):
    print(f"[run_ui] {msg}", flush=True)


class Seeder:
    """Builds the instance's resources and users with boto3 (account key); collects the facts."""

    def __init__(self, roster):
        self.r = roster
        self.b = roster.boto()
        self.iid = roster.instance_id
        self.users = {}
        self.refresh()

    def refresh(self):
        self.sp = {s["Name"]: s["Id"] for s in
                   self.b.list_security_profiles(InstanceId=self.iid)["SecurityProfileSummaryList"]}
        self.rp = {p["Name"]: p["Id"] for p in
                   self.b.list_routing_profiles(InstanceId=self.iid)["RoutingProfileSummaryList"]}

    def resources(self):
        """A second routing profile and a two-level hierarchy: Americas > Sales, Europe."""
        queue = self.b.list_queues(InstanceId=self.iid, QueueTypes=["STANDARD"])["QueueSummaryList"][0]["Id"]
        self.b.create_routing_profile(InstanceId=self.iid, Name="Sales Routing", Description="sales",
                                      DefaultOutboundQueueId=queue,
                                      MediaConcurrencies=[{"Channel": "VOICE", "Concurrency": 1}])
        self.b.update_user_hierarchy_structure(InstanceId=self.iid, HierarchyStructure={
            "LevelOne": {"Name": "Region"}, "LevelTwo": {"Name": "Team"}})
        self.groups = {}
        self.groups["Americas"] = self.b.create_user_hierarchy_group(
            InstanceId=self.iid, Name="Americas")["HierarchyGroupId"]
        self.groups["Americas / Sales"] = self.b.create_user_hierarchy_group(
            InstanceId=self.iid, Name="Sales", ParentGroupId=self.groups["Americas"])["HierarchyGroupId"]
        self.groups["Europe"] = self.b.create_user_hierarchy_group(
            InstanceId=self.iid, Name="Europe")["HierarchyGroupId"]
        self.refresh()

    def user(self, login, first="Test", last="User", profiles=("Agent",), routing="Basic Routing Profile",
             group=None, tags=None, password=PASSWORD):
        kw = {}
        if group:
            kw["HierarchyGroupId"] = self.groups[group]
        if tags:
            kw["Tags"] = tags
        uid = self.b.create_user(
            InstanceId=self.iid, Username=login, Password=password,
            IdentityInfo={"FirstName": first, "LastName": last, "Email": f"{login}@example.com"},
            PhoneConfig={"PhoneType": "SOFT_PHONE", "AfterContactWorkTimeLimit": 0},
            SecurityProfileIds=[self.sp[p] for p in profiles], RoutingProfileId=self.rp[routing], **kw)["UserId"]
        self.users[login] = {"id": uid, "password": password, "first": first, "last": last}
        return uid

    def sql(self, statement, *params):
        """Runs one statement on the store (the tests' way to set flags no API sets)."""
        import sqlite3
        con = sqlite3.connect(self.r.db, timeout=30)
        try:
            con.execute(statement, params)
            con.commit()
        finally:
            con.close()

    def external(self, login):
        """Makes the user one the identity provider manages, as SCIM does: a change through a SCIM
        token of the instance."""
        if not hasattr(self, "scim"):
            self.scim = Scim(self.r.port, make_token(self.r, self.iid, "ui identity provider"))
        a = self.scim.patch(f"/Users/{self.users[login]['id']}", [{"op": "replace", "path": "title", "value": "Agent"}])
        assert a.status == 200, a


# ---- what each flow needs ---------------------------------------------------------------------

def seed_common(s):
    """Every flow: the resources, an Agent, a Supervisor (QualityAnalyst)."""
    s.resources()
    s.user("agent1", "Agnes", "Agentson", ("Agent",))
    s.user("super1", "Sven", "Supervisor", ("QualityAnalyst",))


def seed_list(s, facts):
    """120 users list1001..list1120: first names cycle, last names run backwards (so sorting by last
    name reverses the username order), every 4th in Sales Routing, every 5th in Americas / Sales,
    every 6th in Europe; 12 of them have 'Smith' in their last name."""
    for i in range(1, 121):
        login = f"list{1000 + i}"
        last = f"{'Smith' if i % 10 == 0 else 'Lname'}{200 - i:03d}"
        group = "Americas / Sales" if i % 5 == 0 else "Europe" if i % 6 == 0 else None
        s.user(login, FIRST[i % len(FIRST)], last, ("Agent",),
               routing="Sales Routing" if i % 4 == 0 else "Basic Routing Profile", group=group)
    s.user("americas1", "Amy", "Root", ("Agent",), group="Americas")


def seed_bulk(s, facts):
    for i in range(1, 6):
        s.user(f"bulk{i}", "Bulk", f"Member{i}", ("Agent",))
    s.user("bulkext", "Bulk", "External", ("Agent",))
    s.external("bulkext")
    for i in range(1, 4):
        s.user(f"cancel{i}", "Cancel", f"Member{i}", ("Agent",))
    # A file whose import keeps the instance's job queue busy, so the next batch waits (Cancel).
    sys.path.insert(0, os.path.join(ROOT, "bench"))
    import gen_import
    path = os.path.join(s.r.dir, "blocker.csv")
    with open(path, "w", newline="") as f:
        import csv
        w = csv.writer(f, lineterminator="\n")
        for row in gen_import.rows(20000, "managed", seed=7, prefix="blk"):
            w.writerow(row)
    facts["files"]["blocker"] = path


def seed_page_through(s, facts):
    for i, (first, last) in enumerate([("Paula", "Through"), ("Peter", "Through"), ("Pia", "Through")], 1):
        s.user(f"pt{i}", first, last, ("Agent",))


def seed_delete(s, facts):
    s.user("delkeep", "Keep", "Account", ("Agent",))
    s.user("delgone", "Gone", "Forever", ("Agent",))
    s.user("delsel1", "Selected", "One", ("Agent",))
    s.user("delsel2", "Selected", "Two", ("Agent",))


def seed_password(s, facts):
    s.user("resetme", "Reset", "Me", ("Agent",))


def seed_signin(s, facts):
    s.user("lockme", "Lock", "Me", ("Agent",))


def seed_roles(s, facts):
    s.user("extuser", "External", "Person", ("Agent",))
    s.external("extuser")
    s.user("plain1", "Plain", "Person", ("Agent",))
    # A finished batch with a failure in the banner, submitted by the admin's account key: the
    # Supervisor must see it without its actions.
    doc = {"Selection": {"UserIds": [s.users["plain1"]["id"], s.users["extuser"]["id"]]},
           "Changes": {"AfterContactWorkTimeLimit": 30}}
    r = api(s.r, "POST", f"instances/{s.iid}/bulk-edits", body=json.dumps(doc))
    assert r.status in (200, 202), r
    facts["jobs"]["roles"] = r.json()["Job"]["JobId"]
    # Once that batch has failed on extuser, the instance lets admins keep provisioned users'
    # contact-center settings (the flow edits extuser's, never its identity).
    wait_job(s.r, s.iid, facts["jobs"]["roles"])
    s.r.cli("scim-settings", "set", "--instance", s.iid, "--admins-edit-settings", "yes")


def seed_user_page(s, facts):
    s.user("histuser", "Hist", "Before", ("Agent",))
    s.b.update_user_identity_info(InstanceId=s.iid, UserId=s.users["histuser"]["id"],
                                  IdentityInfo={"FirstName": "Historic", "LastName": "Before",
                                                "Email": "histuser@example.com"})


def seed_upload(s, facts):
    """A CSV in the instance's template: 4 good rows and 3 bad ones (each with one bad cell)."""
    r = api(s.r, "GET", f"instances/{s.iid}/users/template")
    assert r.status == 200, r
    header, _ = parse_csv(r.body)
    col = {h.strip().lower(): i for i, h in enumerate(header)}

    def row(login, first="Up", last="Loader", email=None, routing="Basic Routing Profile", profiles="Agent",
            mobile=""):
        cells = [""] * len(header)
        cells[col["first name"]] = first
        cells[col["last name"]] = last
        cells[col["email address"]] = email if email is not None else f"{login}@example.com"
        cells[col["mobile"]] = mobile
        cells[col["password"]] = PASSWORD
        cells[col["user login"]] = login
        cells[col["routing profile name"]] = routing
        cells[col["security_profile_name_1|security_profile_name_2"]] = profiles
        cells[col["phone type (soft/desk)"]] = "soft"
        cells[col["soft phone auto accept (yes/no)"]] = "no"
        cells[col["acw timeout (seconds)"]] = "0"
        return cells

    rows = [row("upgood1"), row("upgood2"),
            row("upbad1", email="not-an-address"),
            row("upgood3"),
            row("upbad2", routing="No Such Routing"),
            row("upbad3", mobile="12345"),
            row("upgood4")]
    path = os.path.join(s.r.dir, "users-with-errors.csv")
    with open(path, "wb") as f:
        f.write(to_csv(header, rows))
    facts["files"]["upload"] = path
    facts["upload"] = {"valid": ["upgood1", "upgood2", "upgood3", "upgood4"],
                       "invalid": [{"login": "upbad1", "row": 3, "cell": "not-an-address", "column": "email address"},
                                   {"login": "upbad2", "row": 5, "cell": "No Such Routing",
                                    "column": "routing profile name"},
                                   {"login": "upbad3", "row": 6, "cell": "12345", "column": "mobile"}]}
    facts["template"] = r.body.decode()


SEEDS = {
    "signin": [seed_signin],
    "password": [seed_password],
    "list": [seed_list],
    "add_user": [],
    "keyboard": [],
    "upload": [seed_upload],
    "bulk_edit": [seed_bulk],
    "page_through": [seed_page_through],
    "delete": [seed_delete],
    "roles": [seed_roles],
    "user_page": [seed_user_page],
}


def main():
    flow = sys.argv[1] if len(sys.argv) == 2 else ""
    script = os.path.join(HERE, f"{flow}.mjs")
    if not flow or not os.path.isfile(script):
        print(f"usage: {sys.argv[0]} FLOW (tests/ui/FLOW.mjs; e.g. {', '.join(sorted(SEEDS))})", file=sys.stderr)
        return 2
    bin_dir = os.path.dirname(os.path.abspath(os.environ.get("ROSTER_BIN") or os.path.join(ROOT, "build", "roster")))
    artifacts = os.environ.get("ROSTER_UI_ARTIFACTS") or os.path.join(bin_dir, "ui-artifacts")
    os.makedirs(artifacts, exist_ok=True)
    if not os.path.isdir(os.path.join(HERE, "node_modules", "playwright-core")):
        print("tests/ui/node_modules is missing: run scripts/deps.sh test (it runs npm ci there)", file=sys.stderr)
        return 1
    # Cheap password hashes: seeding 100+ users under the sanitizer build stays quick. The lock-out
    # and timeouts keep their defaults (5 failures, 15 minutes): the flows check those words.
    env = {"ROSTER_ARGON2_T": "1", "ROSTER_ARGON2_M_MIB": "1"}
    roster = Roster(extra_env=env)
    started = time.monotonic()
    rc = 1
    try:
        roster.start()
        s = Seeder(roster)
        facts = {"flow": flow, "base": roster.endpoint, "instanceId": roster.instance_id, "alias": "default",
                 "admin": {"username": "admin", "password": roster.admin_password}, "db": roster.db,
                 "artifacts": artifacts, "files": {}, "jobs": {}, "password": PASSWORD, "tmp": roster.dir}
        seed_common(s)
        for fn in SEEDS.get(flow, []):  # a flow not listed gets the common seed only
            fn(s, facts)
        facts["users"] = s.users
        facts["routing"] = s.rp
        facts["security"] = s.sp
        facts["groups"] = s.groups
        facts["total"] = len(s.users) + 1  # the seeded users and admin
        path = os.path.join(roster.dir, "facts.json")
        with open(path, "w") as f:
            json.dump(facts, f, indent=1)
        log(f"{flow}: server {roster.endpoint}, {len(s.users)} users seeded in {time.monotonic() - started:.1f}s")
        log(f"screenshots: {artifacts}")
        p = subprocess.run(["node", script], cwd=HERE, env=dict(os.environ, ROSTER_UI_FACTS=path),
                           timeout=FLOW_TIMEOUT)
        rc = p.returncode
        log(f"{flow}: node exited {rc} after {time.monotonic() - started:.1f}s")
    finally:
        try:
            roster.stop()
        except AssertionError as e:
            print(e, file=sys.stderr)
            rc = rc or 1
        if rc != 0:
            log("server log (last lines):\n" + roster.log()[-4000:])
        roster.cleanup()
    return rc


if __name__ == "__main__":
    sys.exit(main())
