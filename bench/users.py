"""bench/users.py — the Python half of bench/users (run by it; not a test).

Subcommands (the endpoint and account key come from BENCH_ENDPOINT, KEY_ID and SECRET):
  setup OUT.json            a SAML instance with a 5-level hierarchy tree (3 groups per parent:
                            3 + 9 + 27 + 81 + 243 groups) and a second routing profile; writes the
                            ids of everything (and of the CONNECT_MANAGED instance 'default').
  sign SETUP KIND N REQS USERS
                            makes N CreateUser requests for KIND (saml: the SAML instance, spread
                            over the tree, two routing profiles, one to three security profiles;
                            managed: instance 'default', with e-mail and password), each signed with
                            botocore's SigV4Auth, into REQS (records "<length>\\n<raw request>", for
                            bench/replay.c) and the users' fields into USERS (JSON lines).
  user-id SETUP USERS STATUS  the id of the first user created (for DescribeUser).
  search SETUP USERS STATUS N OUT.json
                            N timed SearchUsers of each kind over one keep-alive connection
                            (http.client; each request signed by SigV4Auth before its timer
                            starts), each answer's ApproximateTotalCount checked against a brute-
                            force count over the users that were created (STATUS: replay's status
                            per request).
Usernames, first and last names come from a seeded generator (BENCH_SEED) of syllables, so
prefixes and substrings match a few to a few thousand users each.
"""
import http.client
import json
import multiprocessing
import os
import random
import sys
import time
import urllib.parse

import boto3
import botocore.config
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

REGION = "us-east-1"
SYLLABLES = ["ka", "lo", "mi", "ra", "an", "na", "el", "li", "jo", "se", "ta", "ri", "ne", "va", "do", "mar",
             "tin", "be", "sa", "ro", "le", "ni", "co", "da", "fe", "gu", "hi", "is", "ju", "ky", "lu", "mo",
             "pe", "qu", "ru", "sy", "to", "ul", "vi", "wy", "xa", "ze"]
SUFFIXES = ["son", "berg", "ez", "ova", "ski", "ton", "ley", "ard", "ini", "sen"]
FANOUT = 3
LEVELS = ["LevelOne", "LevelTwo", "LevelThree", "LevelFour", "LevelFive"]


def endpoint():
    return os.environ["BENCH_ENDPOINT"]


def credentials():
    return Credentials(os.environ["KEY_ID"], os.environ["SECRET"])


def client():
    cfg = botocore.config.Config(retries={"max_attempts": 1})
    return boto3.client("connect", endpoint_url=endpoint(), region_name=REGION,
                        aws_access_key_id=os.environ["KEY_ID"], aws_secret_access_key=os.environ["SECRET"],
                        config=cfg)


# ---- setup --------------------------------------------------------------------------------------
def profiles_of(c, iid):
    sps = {p["Name"]: p["Id"] for p in
           c.list_security_profiles(InstanceId=iid)["SecurityProfileSummaryList"]}
    rps = c.list_routing_profiles(InstanceId=iid)["RoutingProfileSummaryList"]
    return sps, [r["Id"] for r in rps]


def build_tree(c, iid):
    c.update_user_hierarchy_structure(InstanceId=iid, HierarchyStructure={
        level: {"Name": f"Level {i + 1}"} for i, level in enumerate(LEVELS)})
    groups = []  # [id, level, parent id or None]
    parents = [None]
    for level in range(1, 6):
        next_parents = []
        for parent in parents:
            for k in range(FANOUT):
                name = f"L{level}-{len(groups)}"
                kw = {"ParentGroupId": parent} if parent else {}
                gid = c.create_user_hierarchy_group(InstanceId=iid, Name=name, **kw)["HierarchyGroupId"]
                groups.append([gid, level, parent])
                next_parents.append(gid)
        parents = next_parents
    return groups


def cmd_setup(out_path):
    c = client()
    saml = c.create_instance(IdentityManagementType="SAML", InstanceAlias="benchsaml",
                             InboundCallsEnabled=True, OutboundCallsEnabled=True)["Id"]
    managed = next(i["Id"] for i in c.list_instances()["InstanceSummaryList"] if i.get("InstanceAlias") == "default")
    groups = build_tree(c, saml)
    queue = next(q["Id"] for q in c.list_queues(InstanceId=saml, QueueTypes=["STANDARD"])["QueueSummaryList"])
    c.create_routing_profile(InstanceId=saml, Name="Bench Outbound", Description="bench/users",
                             DefaultOutboundQueueId=queue,
                             MediaConcurrencies=[{"Channel": "VOICE", "Concurrency": 1},
                                                 {"Channel": "CHAT", "Concurrency": 3}])
    sps, rps = profiles_of(c, saml)
    msps, mrps = profiles_of(c, managed)
    setup = {"saml": {"id": saml, "security_profiles": sps, "routing_profiles": rps, "groups": groups},
             "managed": {"id": managed, "security_profiles": msps, "routing_profiles": mrps}}
    with open(out_path, "w") as f:
        json.dump(setup, f)
    print(f"setup: SAML instance {saml}, {len(groups)} hierarchy groups on 5 levels, "
          f"{len(rps)} routing profiles, {len(sps)} security profiles")


# ---- users and signed CreateUser requests ---------------------------------------------------------
def name(rng, parts):
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def pick_group(rng, groups_by_level):
    if rng.random() < 0.10:
        return None  # outside the hierarchy
    level = rng.choices([1, 2, 3, 4, 5], weights=[2, 3, 5, 10, 80])[0]
    return rng.choice(groups_by_level[level])


def make_users(setup, kind, n, seed):
    rng = random.Random(f"{seed}-{kind}")
    users = []
    if kind == "saml":
        s = setup["saml"]
        by_level = {lvl: [g[0] for g in s["groups"] if g[1] == lvl] for lvl in range(1, 6)}
        sp = s["security_profiles"]
        for i in range(n):
            first = name(rng, rng.choice([2, 2, 3]))
            last = name(rng, rng.choice([1, 2])) + rng.choice(SUFFIXES)
            profiles = [sp["Agent"]]
            if rng.random() < 0.10:
                profiles.append(sp["CallCenterManager"])
            if rng.random() < 0.05:
                profiles.append(sp["QualityAnalyst"])
            phone = {"PhoneType": "SOFT_PHONE", "AutoAccept": rng.random() < 0.3,
                     "AfterContactWorkTimeLimit": rng.choice([0, 30, 60, 120])}
            if rng.random() < 0.10:
                phone = {"PhoneType": "DESK_PHONE", "DeskPhoneNumber": f"+1555{rng.randrange(10**7):07d}"}
            users.append({"Username": f"{first}.{last}.{i}".lower(), "FirstName": first, "LastName": last,
                          "SecurityProfileIds": profiles,
                          "RoutingProfileId": s["routing_profiles"][0 if rng.random() < 0.7 else 1],
                          "HierarchyGroupId": pick_group(rng, by_level), "PhoneConfig": phone})
    else:
        m = setup["managed"]
        for i in range(n):
            first = name(rng, 2)
            users.append({"Username": f"cm{seed}x{i}", "FirstName": first, "LastName": "Managed",
                          "Email": f"cm{i}@example.com", "Password": f"Bench-Passw0rd-{i}",
                          "SecurityProfileIds": [m["security_profiles"]["Agent"]],
                          "RoutingProfileId": m["routing_profiles"][0], "HierarchyGroupId": None,
                          "PhoneConfig": {"PhoneType": "SOFT_PHONE"}})
    return users


def create_body(u):
    identity = {"FirstName": u["FirstName"], "LastName": u["LastName"]}
    if u.get("Email"):
        identity["Email"] = u["Email"]
    body = {"Username": u["Username"], "IdentityInfo": identity, "PhoneConfig": u["PhoneConfig"],
            "SecurityProfileIds": u["SecurityProfileIds"], "RoutingProfileId": u["RoutingProfileId"]}
    if u.get("Password"):
        body["Password"] = u["Password"]
    if u.get("HierarchyGroupId"):
        body["HierarchyGroupId"] = u["HierarchyGroupId"]
    return json.dumps(body, separators=(",", ":"))


def signed_raw(method, path, body):
    """The raw HTTP/1.1 request, signed now with SigV4Auth (bytes)."""
    host = urllib.parse.urlparse(endpoint()).netloc
    headers = {"Host": host}
    if body is not None:
        headers["Content-Type"] = "application/json"
    req = AWSRequest(method=method, url=f"{endpoint()}{path}", data=body, headers=headers)
    SigV4Auth(credentials(), "connect", REGION).add_auth(req)
    data = (body or "").encode()
    head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in req.headers.items())
    head += f"Content-Length: {len(data)}\r\n\r\n"
    return head.encode() + data


def sign_chunk(args):
    path, users = args
    out = []
    for u in users:
        raw = signed_raw("PUT", path, create_body(u))
        out.append(f"{len(raw)}\n".encode() + raw)
    return b"".join(out)


def cmd_sign(setup_path, kind, n, reqs_path, users_path):
    setup = json.load(open(setup_path))
    users = make_users(setup, kind, n, os.environ.get("BENCH_SEED", "1"))
    path = f"/users/{setup['saml' if kind == 'saml' else 'managed']['id']}"
    chunks = [(path, users[i:i + 2000]) for i in range(0, len(users), 2000)]
    t0 = time.perf_counter()
    with multiprocessing.Pool(os.cpu_count() or 1) as pool, open(reqs_path, "wb") as f:
        for data in pool.imap(sign_chunk, chunks):
            f.write(data)
    with open(users_path, "w") as f:
        for u in users:
            f.write(json.dumps({k: v for k, v in u.items() if k != "Password"}) + "\n")
    print(f"sign: {n} {kind} CreateUser requests signed in {time.perf_counter() - t0:.1f} s (not timed)")


# ---- reading back ------------------------------------------------------------------------------------
def created_users(users_path, status_path):
    statuses = [int(line) for line in open(status_path)]
    users = [json.loads(line) for line in open(users_path)]
    return [u for u, st in zip(users, statuses) if 200 <= st <= 299]


class Conn:
    """One keep-alive connection sending signed requests; times each round trip."""

    def __init__(self):
        u = urllib.parse.urlparse(endpoint())
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)

    def call(self, method, path, body):
        req = AWSRequest(method=method, url=f"{endpoint()}{path}", data=body,
                         headers={"Content-Type": "application/json"})
        SigV4Auth(credentials(), "connect", REGION).add_auth(req)
        headers = dict(req.headers.items())
        t0 = time.perf_counter()
        self.conn.request(method, path, body=body.encode(), headers=headers)
        resp = self.conn.getresponse()
        data = resp.read()
        elapsed = time.perf_counter() - t0
        if resp.status != 200:
            raise SystemExit(f"bench/users: {method} {path} answered {resp.status}: {data[:300]!r}")
        return json.loads(data), elapsed


def cmd_user_id(setup_path, users_path, status_path):
    setup = json.load(open(setup_path))
    u = created_users(users_path, status_path)[0]
    body = json.dumps({"InstanceId": setup["saml"]["id"], "SearchCriteria": {"StringCondition": {
        "FieldName": "Username", "Value": u["Username"], "ComparisonType": "EXACT"}}})
    out, _ = Conn().call("POST", "/search-users", body)
    print(out["Users"][0]["Id"])


def subtree(groups, root):
    children = {}
    for gid, _, parent in groups:
        children.setdefault(parent, []).append(gid)
    out, stack = set(), [root]
    while stack:
        g = stack.pop()
        out.add(g)
        stack.extend(children.get(g, []))
    return out


def queries(setup, users, n, rng):
    """n (criteria, expected count) of each kind; the counts by brute force over users."""
    import bisect
    groups = setup["saml"]["groups"]
    names = sorted(u["Username"].lower() for u in users)
    firsts = [u["FirstName"].lower() for u in users]
    per_group = {}
    for u in users:
        per_group[u.get("HierarchyGroupId")] = per_group.get(u.get("HierarchyGroupId"), 0) + 1
    kinds = {"Username STARTS_WITH": [], "FirstName CONTAINS": [], "hierarchy WITH_CHILD_GROUPS": []}
    for _ in range(n):
        prefix = rng.choice(users)["Username"][:rng.randint(3, 6)].lower()
        count = bisect.bisect_left(names, prefix + "\uffff") - bisect.bisect_left(names, prefix)
        kinds["Username STARTS_WITH"].append((
            {"StringCondition": {"FieldName": "Username", "Value": prefix, "ComparisonType": "STARTS_WITH"}},
            count))
        first = rng.choice(users)["FirstName"]
        k = rng.randint(0, max(0, len(first) - 3))
        part = first[k:k + 3]
        part = part.upper() if rng.random() < 0.3 else part  # matching ignores ASCII case
        kinds["FirstName CONTAINS"].append((
            {"StringCondition": {"FieldName": "FirstName", "Value": part, "ComparisonType": "CONTAINS"}},
            sum(1 for f in firsts if part.lower() in f)))
        level = rng.randint(1, 4)
        gid = rng.choice([g[0] for g in groups if g[1] == level])
        kinds["hierarchy WITH_CHILD_GROUPS"].append((
            {"HierarchyGroupCondition": {"Value": gid, "HierarchyGroupMatchType": "WITH_CHILD_GROUPS"}},
            sum(per_group.get(g, 0) for g in subtree(groups, gid))))
    return kinds


def pct(sorted_ms, p):
    return sorted_ms[min(len(sorted_ms) - 1, int(round(p / 100 * (len(sorted_ms) - 1))))]


def cmd_search(setup_path, users_path, status_path, n, out_path):
    setup = json.load(open(setup_path))
    users = created_users(users_path, status_path)
    rng = random.Random(f"{os.environ.get('BENCH_SEED', '1')}-search")
    conn = Conn()
    results = {}
    for kind, qs in queries(setup, users, n, rng).items():
        times, mismatches, matched = [], 0, 0
        for i, (criteria, expected) in enumerate(qs[:min(10, len(qs))] + qs):  # 10 untimed warm-ups
            body = json.dumps({"InstanceId": setup["saml"]["id"], "MaxResults": 100, "SearchCriteria": criteria})
            out, elapsed = conn.call("POST", "/search-users", body)
            if i < min(10, len(qs)):
                continue
            times.append(elapsed * 1000)
            matched += expected
            if out.get("ApproximateTotalCount") != expected or len(out["Users"]) != min(100, expected):
                mismatches += 1
        times.sort()
        results[kind] = {"n": len(times), "p50_ms": pct(times, 50), "p99_ms": pct(times, 99),
                         "max_ms": times[-1], "mean_matches": matched / max(1, len(times)),
                         "mismatches": mismatches}
    with open(out_path, "w") as f:
        json.dump(results, f)


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "setup" and len(argv) == 3:
        cmd_setup(argv[2])
    elif cmd == "sign" and len(argv) == 7 and argv[3] in ("saml", "managed"):
        cmd_sign(argv[2], argv[3], int(argv[4]), argv[5], argv[6])
    elif cmd == "user-id" and len(argv) == 5:
        cmd_user_id(argv[2], argv[3], argv[4])
    elif cmd == "search" and len(argv) == 7:
        cmd_search(argv[2], argv[3], argv[4], int(argv[5]), argv[6])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
