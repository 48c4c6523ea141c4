"""bench/console.py — the Python half of bench/console (run by it; not a test).

    console.py run N_USERS CSV_DIR ACCESS_LOG REPEATS

HOST, KEY_ID and SECRET in the environment (bench/roster_client.py signs). Makes a SAML instance
with 4 routing profiles, the built-in security profiles and a two-level hierarchy (3 regions x 3
teams), loads N_USERS users by a CSV import (bench/gen_import.py's rows, each given a routing
profile, a group — a tenth none — and profiles drawn from a seeded generator), then times the
first page of the console's user list for several filter + sort combinations, REPEATS times each
(after 3 unmeasured warm-ups), on ONE keep-alive connection: the server's time is the access
log's milliseconds of that request (matched by x-amzn-RequestId), the client's the wall time of
the request on the open connection (signing excluded). The same-run baselines: the unfiltered
username-sorted first page of the list, and SearchUsers (MaxResults 25) for the same filter.
Prints one line per combination.
"""
import csv
import http.client
import json
import os
import random
import re
import sys
import time
import urllib.parse

import gen_import
import roster_client

RPS = ["Basic Routing Profile", "Billing RP", "Sales RP", "Support RP"]
REGIONS = ["Americas", "Europe", "Asia"]
TEAMS = ["Sales", "Support", "Billing"]
PROFILES = ["Agent", "Agent", "Agent", "Agent", "Agent|QualityAnalyst", "QualityAnalyst", "CallCenterManager",
            "Admin"]


def setup(c):
    b = c.boto()
    inst = b.create_instance(IdentityManagementType="SAML", InstanceAlias="benchconsole",
                             InboundCallsEnabled=True, OutboundCallsEnabled=True)["Id"]
    queue = next(q["Id"] for q in b.list_queues(InstanceId=inst, QueueTypes=["STANDARD"])["QueueSummaryList"])
    for name in RPS[1:]:
        b.create_routing_profile(InstanceId=inst, Name=name, Description="bench/console",
                                 DefaultOutboundQueueId=queue, MediaConcurrencies=[{"Channel": "VOICE",
                                                                                    "Concurrency": 1}])
    b.update_user_hierarchy_structure(InstanceId=inst, HierarchyStructure={
        "LevelOne": {"Name": "Region"}, "LevelTwo": {"Name": "Team"}})
    groups = {}
    for region in REGIONS:
        groups[region] = b.create_user_hierarchy_group(InstanceId=inst, Name=region)["HierarchyGroupId"]
        for team in TEAMS:
            groups[f"{region}|{region} {team}"] = b.create_user_hierarchy_group(
                InstanceId=inst, Name=f"{region} {team}", ParentGroupId=groups[region])["HierarchyGroupId"]
    sp = {s["Name"]: s["Id"] for s in b.list_security_profiles(InstanceId=inst)["SecurityProfileSummaryList"]}
    rp = {p["Name"]: p["Id"] for p in b.list_routing_profiles(InstanceId=inst)["RoutingProfileSummaryList"]}
    return inst, sp, rp, groups


def write_csv(path, n):
    rng = random.Random(11)
    paths = [f"{r}|{r} {t}" for r in REGIONS for t in TEAMS]
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        for i, row in enumerate(gen_import.rows(n, "saml", seed=7, prefix="bc")):
            if i:
                row[5] = rng.choice(RPS)
                row[6] = rng.choice(PROFILES)
                row[7] = "" if rng.random() < 0.1 else rng.choice(paths)
            w.writerow(row)


class Timer:
    """Signed GETs and POSTs on one keep-alive connection; records (request id, client ms)."""

    def __init__(self, c):
        self.c = c
        self.conn = http.client.HTTPConnection("127.0.0.1", c.port, timeout=120)

    def get(self, path, query):
        h = self.c.signed("GET", path, query)
        t0 = time.perf_counter()
        self.conn.request("GET", path + "?" + query, headers=h)
        r = self.conn.getresponse()
        body = r.read()
        ms = (time.perf_counter() - t0) * 1000
        if r.status != 200:
            sys.exit(f"GET {path}?{query}: {r.status} {body[:300]!r}")
        return r.getheader("x-amzn-RequestId"), ms, json.loads(body)

    def post(self, path, doc):
        body = json.dumps(doc).encode()
        import hashlib
        h = self.c.signed("POST", path, "", hashlib.sha256(body).hexdigest(), {"Content-Type": "application/json"})
        t0 = time.perf_counter()
        self.conn.request("POST", path, body=body, headers=h)
        r = self.conn.getresponse()
        data = r.read()
        ms = (time.perf_counter() - t0) * 1000
        if r.status != 200:
            sys.exit(f"POST {path}: {r.status} {data[:300]!r}")
        return r.getheader("x-amzn-RequestId"), ms, json.loads(data)


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def server_ms(log_path, ids, deadline=10.0):
    want = set(ids)
    found = {}
    end = time.monotonic() + deadline
    pat = re.compile(r"access (\S+) \S+ \S+ \d+ ([0-9.]+)ms")
    while True:
        with open(log_path) as f:
            for line in f:
                m = pat.search(line)
                if m and m.group(1) in want:
                    found[m.group(1)] = float(m.group(2))
        if len(found) == len(want) or time.monotonic() > end:
            return [found[i] for i in ids if i in found]
        time.sleep(0.05)


def measure(t, log_path, repeats, fn):
    for _ in range(3):
        fn()
    ids, client, total = [], [], None
    for _ in range(repeats):
        rid, ms, doc = fn()
        ids.append(rid)
        client.append(ms)
        total = doc.get("Total", doc.get("ApproximateTotalCount"))
    server = server_ms(log_path, ids)
    if len(server) != len(ids):
        sys.exit(f"found {len(server)} of {len(ids)} access log lines in {log_path}")
    return server, client, total


def search_users_doc(inst, flt):
    """SearchUsers' request for the same filter as the console list's flt."""
    conds = []
    if "RoutingProfileId" in flt:
        conds.append({"StringCondition": {"FieldName": "RoutingProfileId", "Value": flt["RoutingProfileId"],
                                          "ComparisonType": "EXACT"}})
    if "SecurityProfileId" in flt:
        conds.append({"StringCondition": {"FieldName": "SecurityProfileId", "Value": flt["SecurityProfileId"],
                                          "ComparisonType": "EXACT"}})
    if "Search" in flt:
        conds.append({"OrConditions": [{"StringCondition": {"FieldName": f, "Value": flt["Search"],
                                                            "ComparisonType": "CONTAINS"}}
                                       for f in ("Username", "FirstName", "LastName")]})
    doc = {"InstanceId": inst, "MaxResults": 25}
    if conds:
        doc["SearchCriteria"] = {"AndConditions": conds} if len(conds) > 1 else conds[0]
    if "HierarchyGroupId" in flt:
        doc["SearchFilter"] = {"UserAttributeFilter": {"HierarchyGroupCondition": {
            "Value": flt["HierarchyGroupId"], "HierarchyGroupMatchType": "WITH_CHILD_GROUPS"}}}
    return doc


def main(argv):
    _, n, csv_dir, log_path, repeats = argv[1:6]
    n, repeats = int(n), int(repeats)
    c = roster_client.from_env()
    inst, sp, rp, groups = setup(c)
    path = os.path.join(csv_dir, "console-users.csv")
    write_csv(path, n)
    print(f"bench/console: loading {n} users ...", file=sys.stderr)
    print("bench/console: load: " + roster_client.import_line(c, inst, path, "CREATE", "false"), file=sys.stderr)
    t = Timer(c)
    base = f"/roster/v1/instances/{inst}/console/users"
    combos = [
        ("baseline: no filter, Username ASC", {}, "Username", "ASC"),
        ("no filter, LastName ASC", {}, "LastName", "ASC"),
        ("no filter, FirstName DESC", {}, "FirstName", "DESC"),
        ("no filter, Role ASC", {}, "Role", "ASC"),
        ("no filter, Role DESC", {}, "Role", "DESC"),
        ("no filter, RoutingProfile DESC", {}, "RoutingProfile", "DESC"),
        ("no filter, SecurityProfiles ASC", {}, "SecurityProfiles", "ASC"),
        ("no filter, SecurityProfiles DESC", {}, "SecurityProfiles", "DESC"),
        ("no filter, AgentHierarchy ASC", {}, "AgentHierarchy", "ASC"),
        ("no filter, PhoneType DESC", {}, "PhoneType", "DESC"),
        ("routing profile, LastName ASC", {"RoutingProfileId": rp["Sales RP"]}, "LastName", "ASC"),
        ("routing profile, Username DESC", {"RoutingProfileId": rp["Sales RP"]}, "Username", "DESC"),
        ("security profile QA, Role DESC", {"SecurityProfileId": sp["QualityAnalyst"]}, "Role", "DESC"),
        ("security profile Admin, SecurityProfiles ASC", {"SecurityProfileId": sp["Admin"]}, "SecurityProfiles",
         "ASC"),
        ("group Europe+children, FirstName ASC", {"HierarchyGroupId": groups["Europe"]}, "FirstName", "ASC"),
        ("group Europe Sales, PhoneType ASC", {"HierarchyGroupId": groups["Europe|Europe Sales"]}, "PhoneType",
         "ASC"),
        ("search 'ada', LastName ASC", {"Search": "ada"}, "LastName", "ASC"),
        ("search 'ng', Username ASC", {"Search": "ng"}, "Username", "ASC"),
        ("search 'ma' + routing profile, RoutingProfile ASC", {"Search": "ma", "RoutingProfileId": rp["Billing RP"]},
         "RoutingProfile", "ASC"),
        ("search 'er' + group Americas + QA, AgentHierarchy DESC",
         {"Search": "er", "HierarchyGroupId": groups["Americas"], "SecurityProfileId": sp["QualityAnalyst"]},
         "AgentHierarchy", "DESC"),
    ]
    print(f"{'combination':58} {'total':>7}  server p50/p99 ms   client p50/p99 ms   "
          f"SearchUsers server p50/p99 ms")
    worst50 = worst99 = 0.0
    for name, flt, sort, order in combos:
        q = urllib.parse.urlencode(dict(flt, SortBy=sort, SortOrder=order, MaxResults=25, Offset=0),
                                   quote_via=urllib.parse.quote)
        server, client, total = measure(t, log_path, repeats, lambda: t.get(base, q))
        worst50, worst99 = max(worst50, pct(server, 50)), max(worst99, pct(server, 99))
        su = ""
        if flt and not (len(flt.get("Search", "xx")) < 2):
            doc = search_users_doc(inst, flt)
            s_server, _, s_total = measure(t, log_path, repeats, lambda: t.post("/search-users", doc))
            su = f"{pct(s_server, 50):7.2f} / {pct(s_server, 99):7.2f} (total {s_total})"
        print(f"{name:58} {total:>7}  {pct(server, 50):7.2f} / {pct(server, 99):7.2f}   "
              f"{pct(client, 50):7.2f} / {pct(client, 99):7.2f}   {su}", flush=True)
    print(f"worst combination: server p50 {worst50:.2f} ms (target < 30), p99 {worst99:.2f} ms (target < 100): "
          f"{'PASS' if worst50 < 30 and worst99 < 100 else 'BELOW TARGET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
