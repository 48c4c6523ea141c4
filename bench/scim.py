"""bench/scim.py — the Python half of bench/scim (run by it; not a test).

    scim.py run N_USERS N_SYNC CLIENTS REPEATS TMP_DIR ACCESS_LOG

The environment holds HOST, KEY_ID and SECRET (bench/roster_client.py signs), ROSTER_BIN and
ROSTER_DB (for `roster scim-token create`) and REPLAY (bench/replay.c, compiled by bench/scim).

1. Three new SAML instances: benchscim (the load), benchsync (the SCIM sync), benchcreate (the
   CreateUser baseline). N_USERS users (bench/gen_import.py's SAML rows, logins starting "sc")
   are loaded into benchscim by a CSV import; then a SCIM token for it.
2. Look-up by userName: REPEATS timed `GET /scim/v2/Users?filter=userName eq "…"` (after 3
   untimed ones) of random loaded users, a third of them in another ASCII case, on one keep-alive
   connection; each must find exactly its user. Baseline: the Connect API's DescribeUser of the
   same users (signed before the clock starts), on the same connection.
3. A page of 100: REPEATS timed `GET /scim/v2/Users?startIndex=S&count=100` (after 3 untimed),
   S the first page, the middle one, the last one (an eighth each) and uniform random ones (the
   rest); each page must hold the users that order (by userName) puts there, and totalResults
   must be N_USERS. Baseline: ListUsers pages of MaxResults=100, walks of the first page and 4
   followed NextTokens, as many pages as the SCIM run.
4. Initial sync: N_SYNC `POST /scim/v2/Users` (Entra-like bodies) into benchsync, then (the
   baseline) N_SYNC CreateUser of other users into benchcreate with its Agent security profile and
   Basic Routing Profile, each sent from CLIENTS concurrent keep-alive connections by replay, one
   run after the other. The requests are built (CreateUser signed) before each run, untimed. Every
   create must succeed.
Server times are the access log's milliseconds of each request, found by its x-amzn-RequestId;
client times the wall time of the request on the open connection. Prints the report on stdout;
exits 1 (with a message) when the run failed or is invalid.
"""
import http.client
import json
import os
import random
import re
import subprocess
import sys
import time
import urllib.parse
import uuid

import gen_import
import roster_client
from console import pct, server_ms

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
DEPARTMENTS = ["Customer Care", "Billing", "Sales", "Claims", "Onboarding", "Retention", "Technical Support",
               "Collections"]
LOOKUP_TARGET_MS = 10.0
PAGE_TARGET_MS = 20.0
PAGE = 100
WARMUP = 3
WALK = 5  # ListUsers: the first page and 4 followed NextTokens


def log(msg):
    print(f"bench/scim: {msg}", file=sys.stderr, flush=True)


def fail(msg):
    sys.exit(f"bench/scim: INVALID RUN: {msg}")


# ---- setup ----------------------------------------------------------------------------------------
def scim_token(instance, name):
    out = subprocess.run([os.environ["ROSTER_BIN"], "scim-token", "create", "--instance", instance, "--name", name,
                          "--db", os.environ["ROSTER_DB"]], capture_output=True, text=True)
    m = re.search(r"SCIM token \(shown once\): (\S+)", out.stdout)
    if out.returncode or not m:
        fail(f"roster scim-token create failed: {out.stdout}{out.stderr}")
    return m.group(1)


def new_saml(b, alias):
    return b.create_instance(IdentityManagementType="SAML", InstanceAlias=alias, InboundCallsEnabled=True,
                             OutboundCallsEnabled=True)["Id"]


def load(c, inst, n, tmp):
    """Imports n gen_import rows into inst; returns their logins."""
    path = os.path.join(tmp, "scim-users.csv")
    with open(path, "w", encoding="utf-8", newline="") as f:
        gen_import.write(f, n, "saml", seed=12, prefix="sc")
    logins = [row[4] for row in list(gen_import.rows(n, "saml", seed=12, prefix="sc"))[1:]]
    log(f"loading {n} users by a CSV import ...")
    job, secs, _ = c.run_import(inst, path, "CREATE", "false")
    counts = job["Counts"]
    if job["State"] != "COMPLETED" or counts["Failed"] or counts["Succeeded"] != n:
        fail(f"the import did not create every user: {json.dumps(job)[:600]} "
             f"{c.failed_items(inst, job['JobId'])[:600]!r}")
    log(f"loaded {n} users in {secs:.1f} s ({n / secs:.0f} rows/s)")
    return logins


# ---- timed requests on one keep-alive connection --------------------------------------------------
class Conn:
    def __init__(self, c, token):
        self.c, self.token = c, token
        self.conn = http.client.HTTPConnection("127.0.0.1", c.port, timeout=120)

    def _get(self, target, headers):
        t0 = time.perf_counter()
        self.conn.request("GET", target, headers=headers)
        r = self.conn.getresponse()
        body = r.read()
        ms = (time.perf_counter() - t0) * 1000
        if r.status != 200:
            fail(f"GET {target}: {r.status} {body[:300]!r}")
        return r.getheader("x-amzn-RequestId"), ms, json.loads(body)

    def scim(self, path, query):
        """A SCIM GET with the bearer token."""
        return self._get(f"/scim/v2{path}?{query}", {"Authorization": f"Bearer {self.token}"})

    def signed(self, path, query=""):
        """A Connect API GET, signed before the clock starts."""
        h = self.c.signed("GET", path, query)
        return self._get(path + (f"?{query}" if query else ""), h)


def measure(log_path, calls):
    """Runs the calls (functions returning (request id, client ms, document)), the first WARMUP
    untimed; returns (server ms, client ms, documents of the timed ones)."""
    for fn in calls[:WARMUP]:
        fn()
    ids, client, docs = [], [], []
    for fn in calls[WARMUP:]:
        rid, ms, doc = fn()
        ids.append(rid)
        client.append(ms)
        docs.append(doc)
    server = server_ms(log_path, ids)
    if len(server) != len(ids):
        fail(f"found {len(server)} of {len(ids)} access log lines in {log_path}")
    return server, client, docs


def q(**kw):
    return urllib.parse.urlencode(kw, quote_via=urllib.parse.quote)


# ---- 1. look-up by userName -----------------------------------------------------------------------
def lookups(conn, log_path, inst, logins, repeats):
    rng = random.Random("scim-lookup")
    picks = [rng.randrange(len(logins)) for _ in range(repeats + WARMUP)]
    asked = []
    for k, i in enumerate(picks):
        name = logins[i]
        # a third in another ASCII case: all upper, or the first letter upper
        asked.append(name.upper() if k % 6 == 1 else name[:1].upper() + name[1:] if k % 6 == 4 else name)
    found = {}

    def scim_one(k):
        def fn():
            rid, ms, doc = conn.scim("/Users", q(filter=f'userName eq "{asked[k]}"'))
            res = doc.get("Resources", [])
            if doc.get("totalResults") != 1 or len(res) != 1 or res[0].get("userName") != logins[picks[k]]:
                fail(f'filter userName eq "{asked[k]}" answered {json.dumps(doc)[:400]}')
            found[k] = res[0]["id"]
            return rid, ms, doc
        return fn

    s_server, s_client, _ = measure(log_path, [scim_one(k) for k in range(len(picks))])

    def describe(k):
        def fn():
            rid, ms, doc = conn.signed(f"/users/{inst}/{found[k]}")
            if doc.get("User", {}).get("Username") != logins[picks[k]]:
                fail(f"DescribeUser {found[k]} answered {json.dumps(doc)[:400]}")
            return rid, ms, doc
        return fn

    d_server, d_client, _ = measure(log_path, [describe(k) for k in range(len(picks))])
    other_case = sum(1 for k in range(WARMUP, len(picks)) if asked[k] != logins[picks[k]])
    return {"scim": (s_server, s_client), "describe": (d_server, d_client), "other_case": other_case}


# ---- 3. pages of 100 ------------------------------------------------------------------------------
def pages(conn, log_path, inst, logins, repeats):
    n = len(logins)
    order = sorted(logins)  # username_fold order: the logins are lower-case ASCII
    last = max(1, n - PAGE + 1)
    middle = max(1, n // 2 - PAGE // 2 + 1)
    rng = random.Random("scim-pages")
    starts = []
    for k in range(repeats + WARMUP):
        kind = ("first", "middle", "last")[k % 8] if k % 8 < 3 else "random"
        starts.append((kind, {"first": 1, "middle": middle, "last": last}.get(kind) or rng.randint(1, last)))

    def page(k):
        def fn():
            s = starts[k][1]
            rid, ms, doc = conn.scim("/Users", q(startIndex=s, count=PAGE))
            want = order[s - 1:s - 1 + PAGE]
            got = [u.get("userName") for u in doc.get("Resources", [])]
            if doc.get("totalResults") != n or doc.get("itemsPerPage") != len(want) or got != want:
                fail(f"page startIndex={s}: totalResults {doc.get('totalResults')} (want {n}), itemsPerPage "
                     f"{doc.get('itemsPerPage')} (want {len(want)}), users {got[:2]}… (want {want[:2]}…)")
            return rid, ms, doc
        return fn

    p_server, p_client, _ = measure(log_path, [page(k) for k in range(len(starts))])
    by_kind = {}
    for (kind, _), ms in zip(starts[WARMUP:], p_server):
        by_kind.setdefault(kind, []).append(ms)

    state = {"token": None, "depth": 0}

    def list_page():
        query = q(maxResults=PAGE, **({"nextToken": state["token"]} if state["token"] else {}))
        rid, ms, doc = conn.signed(f"/users-summary/{inst}", query)
        items = doc.get("UserSummaryList", [])
        nxt = doc.get("NextToken")
        if len(items) != PAGE and nxt:
            fail(f"ListUsers answered a page of {len(items)} with a NextToken")
        state["depth"] += 1
        state["token"] = nxt if nxt and state["depth"] < WALK else None
        if not state["token"]:
            state["depth"] = 0
        return rid, ms, doc

    l_server, l_client, _ = measure(log_path, [list_page] * len(starts))
    return {"scim": (p_server, p_client), "by_kind": by_kind, "list": (l_server, l_client),
            "starts": {"middle": middle, "last": last}}


# ---- 2. initial sync -----------------------------------------------------------------------------
def people(n, seed, domain, start=1):
    rng = random.Random(f"{seed}-{start}")
    for i in range(start, start + n):
        first, last = rng.choice(gen_import.FIRST), rng.choice(gen_import.LAST)
        yield rng, i, first, last, f"{gen_import.ascii_fold(first)}.{gen_import.ascii_fold(last)}.{i}@{domain}"


def scim_requests(n, host, token, path, start=1):
    """The raw POST /scim/v2/Users requests (records for replay); returns the first body."""
    first = None
    with open(path, "wb") as f:
        for rng, i, given, family, user_name in people(n, "scim-sync", "contoso.example", start):
            doc = {"schemas": [USER_SCHEMA, ENTERPRISE], "externalId": str(uuid.UUID(int=rng.getrandbits(128))),
                   "userName": user_name, "active": True, "displayName": f"{given} {family}",
                   "name": {"formatted": f"{given} {family}", "givenName": given, "familyName": family},
                   "emails": [{"primary": True, "type": "work", "value": user_name}],
                   ENTERPRISE: {"department": rng.choice(DEPARTMENTS)}}
            first = first or doc
            body = json.dumps(doc, ensure_ascii=False).encode()
            raw = (f"POST /scim/v2/Users HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
                   f"Content-Type: application/scim+json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
            f.write(f"{len(raw)}\n".encode() + raw)
    return first


def create_user_requests(c, n, inst, agent, basic, path, start=1):
    """The raw CreateUser requests, each signed now with SigV4 (records for replay)."""
    import hashlib
    target = f"/users/{inst}"
    with open(path, "wb") as f:
        for _, _, given, family, user_name in people(n, "create-user", "fabrikam.example", start):
            body = json.dumps({"Username": user_name, "IdentityInfo": {"FirstName": given, "LastName": family},
                               "PhoneConfig": {"PhoneType": "SOFT_PHONE"}, "SecurityProfileIds": [agent],
                               "RoutingProfileId": basic}, ensure_ascii=False).encode()
            h = c.signed("PUT", target, "", hashlib.sha256(body).hexdigest(), {"Content-Type": "application/json"})
            raw = (f"PUT {target} HTTP/1.1\r\nHost: {c.host}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in h.items())
                   + f"Content-Length: {len(body)}\r\n\r\n").encode() + body
            f.write(f"{len(raw)}\n".encode() + raw)


def replay(c, name, reqs, clients, tmp, want_status):
    status_path = os.path.join(tmp, f"{name}.status")
    out = subprocess.run([os.environ["REPLAY"], reqs, status_path, str(clients), "127.0.0.1", str(c.port), "780"],
                         capture_output=True, text=True)
    if out.stderr.strip():
        print(out.stderr.rstrip(), file=sys.stderr)
    m = re.search(r"^REPLAY (.*)$", out.stdout, re.M)
    if out.returncode or not m:
        fail(f"replaying the {name} requests failed: {out.stdout}{out.stderr}")
    r = dict(kv.split("=", 1) for kv in m.group(1).split())
    statuses = [int(line) for line in open(status_path)]
    bad = sum(1 for s in statuses if s != want_status)
    if bad:
        fail(f"{bad} of {len(statuses)} {name} requests did not answer {want_status} (statuses {r['statuses']})")
    return {"n": int(r["ok"]), "secs": int(r["elapsed_us"]) / 1e6, "rps": float(r["rps"]),
            "p50": int(r["p50_us"]) / 1000, "p99": int(r["p99_us"]) / 1000}


def sync(c, n, clients, tmp, sync_inst, create_inst):
    token = scim_token(sync_inst, "bench sync")
    b = c.boto()
    agent = next(p["Id"] for p in b.list_security_profiles(InstanceId=create_inst)["SecurityProfileSummaryList"]
                 if p["Name"] == "Agent")
    basic = next(p["Id"] for p in b.list_routing_profiles(InstanceId=create_inst)["RoutingProfileSummaryList"]
                 if p["Name"] == "Basic Routing Profile")
    # Each side runs in two halves, in the order CreateUser, SCIM, SCIM, CreateUser, so that what
    # changes over the run (the store growing, the WAL's checkpoints) weighs on both alike.
    halves = [(1, n // 2), (n // 2 + 1, n - n // 2)]
    t0 = time.perf_counter()
    paths = {}
    first = None
    for h, (start, count) in enumerate(halves):
        paths["SCIM", h] = os.path.join(tmp, f"scim{h}.reqs")
        paths["CreateUser", h] = os.path.join(tmp, f"create{h}.reqs")
        doc = scim_requests(count, c.host, token, paths["SCIM", h], start)
        first = first or doc
        create_user_requests(c, count, create_inst, agent, basic, paths["CreateUser", h], start)
    log(f"built {n} SCIM creates and signed {n} CreateUser in {time.perf_counter() - t0:.1f} s (not timed)")
    runs = {"SCIM": [], "CreateUser": []}
    for name, h in (("CreateUser", 0), ("SCIM", 0), ("SCIM", 1), ("CreateUser", 1)):
        log(f"{name}: {halves[h][1]} users from {clients} clients ...")
        runs[name].append(replay(c, name, paths[name, h], clients, tmp, 200 if name == "CreateUser" else 201))

    def both(rs):
        secs = sum(r["secs"] for r in rs)
        return {"n": sum(r["n"] for r in rs), "secs": secs, "rps": sum(r["n"] for r in rs) / secs,
                "p50": max(r["p50"] for r in rs), "p99": max(r["p99"] for r in rs)}
    base, scim = both(runs["CreateUser"]), both(runs["SCIM"])
    # What the sync left: every user, and the first one as sent.
    conn = Conn(c, token)
    _, _, doc = conn.scim("/Users", q(count=0))
    if doc.get("totalResults") != n:
        fail(f"the sync instance holds {doc.get('totalResults')} users over SCIM, not {n}")
    _, _, doc = conn.scim("/Users", q(filter=f'userName eq "{first["userName"]}"'))
    got = (doc.get("Resources") or [{}])[0]
    if (got.get("externalId"), got.get(ENTERPRISE, {}).get("department"), got.get("displayName")) != (
            first["externalId"], first[ENTERPRISE]["department"], first["displayName"]):
        fail(f"the first synced user reads back as {json.dumps(got)[:400]}")
    return {"scim": scim, "create": base}


# ---- report ----------------------------------------------------------------------------------------
def verdict(ok):
    return "PASS" if ok else "BELOW TARGET"


def p50_99(v):
    return f"{pct(v, 50):7.2f} / {pct(v, 99):7.2f}"


def report(n, n_sync, clients, repeats, lk, pg, sy, secs):
    print()
    print(f"roster SCIM benchmark ({secs:.0f} s in all; {n} users loaded; server times from the access log, "
          f"0.1 ms resolution)")
    print(f"  {'figure':58} {'server p50 / p99 ms':>19}   {'client p50 / p99 ms':>19}")
    s_server, s_client = lk["scim"]
    ok1 = pct(s_server, 99) < LOOKUP_TARGET_MS
    print(f"1 {'SCIM filter=userName eq, ' + str(repeats) + ' users (' + str(lk['other_case']) + ' in another case)':58} "
          f"{p50_99(s_server)}   {p50_99(s_client)}   target p99 < {LOOKUP_TARGET_MS:g} ms: {verdict(ok1)}")
    print(f"  {'baseline: DescribeUser of the same users':58} {p50_99(lk['describe'][0])}   "
          f"{p50_99(lk['describe'][1])}")
    sc, cu = sy["scim"], sy["create"]
    ratio = sc["rps"] / cu["rps"] if cu["rps"] else 0
    ok2 = sc["rps"] >= cu["rps"]
    print(f"2 initial sync, {n_sync} users from {clients} keep-alive clients into a new SAML instance, in two halves "
          f"(CreateUser, SCIM, SCIM, CreateUser; latency: the worse half's):")
    print(f"  {'SCIM POST /Users':58} {sc['rps']:9.0f} users/s   ({sc['n']} in {sc['secs']:.2f} s; "
          f"latency p50 {sc['p50']:.1f} / p99 {sc['p99']:.1f} ms)")
    print(f"  {'baseline: CreateUser (Agent, Basic Routing Profile)':58} {cu['rps']:9.0f} users/s   "
          f"({cu['n']} in {cu['secs']:.2f} s; latency p50 {cu['p50']:.1f} / p99 {cu['p99']:.1f} ms)")
    print(f"  {'SCIM / CreateUser':58} {ratio:9.2f}x        target >= 1.00x: {verdict(ok2)}")
    p_server, p_client = pg["scim"]
    ok3 = pct(p_server, 99) < PAGE_TARGET_MS
    print(f"3 {'SCIM startIndex=S&count=100, ' + str(repeats) + ' pages over all ' + str(n):58} "
          f"{p50_99(p_server)}   {p50_99(p_client)}   target p99 < {PAGE_TARGET_MS:g} ms: {verdict(ok3)}")
    where = {"first": "S=1", "middle": f"S={pg['starts']['middle']}", "last": f"S={pg['starts']['last']}",
             "random": "S random"}
    for kind in ("first", "middle", "last", "random"):
        v = pg["by_kind"].get(kind)
        if v:
            print(f"    {kind + ' page (' + where[kind] + ', ' + str(len(v)) + ' requests)':56} {p50_99(v)}")
    print(f"  {'baseline: ListUsers MaxResults=100 (first + 4 NextTokens)':58} {p50_99(pg['list'][0])}   "
          f"{p50_99(pg['list'][1])}")
    failed = [name for name, ok in (("look-up", ok1), ("initial sync", ok2), ("page of 100", ok3)) if not ok]
    print(f"overall: {'PASS' if not failed else 'BELOW TARGET: ' + ', '.join(failed)}")


def main(argv):
    if len(argv) != 8 or argv[1] != "run":
        sys.exit("usage: scim.py run N_USERS N_SYNC CLIENTS REPEATS TMP_DIR ACCESS_LOG")
    n, n_sync, clients, repeats = (int(a) for a in argv[2:6])
    tmp, log_path = argv[6], argv[7]
    t_start = time.monotonic()
    c = roster_client.from_env()
    b = c.boto()
    inst = new_saml(b, "benchscim")
    sync_inst = new_saml(b, "benchsync")
    create_inst = new_saml(b, "benchcreate")
    logins = load(c, inst, n, tmp)
    conn = Conn(c, scim_token(inst, "bench"))
    log(f"look-up by userName: {repeats} SCIM filters, then DescribeUser of the same users ...")
    lk = lookups(conn, log_path, inst, logins, repeats)
    log(f"pages of 100: {repeats} SCIM pages, then {repeats} ListUsers pages ...")
    pg = pages(conn, log_path, inst, logins, repeats)
    conn.conn.close()
    sy = sync(c, n_sync, clients, tmp, sync_inst, create_inst)
    report(n, n_sync, clients, repeats, lk, pg, sy, time.monotonic() - t_start)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
