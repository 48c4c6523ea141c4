"""test_user_search.py — SearchUsers end to end through the real aws CLI and boto3.

Three hundred users are created on a SAML instance (mixed-case and non-ASCII names, several
routing and security profiles, a five-level hierarchy tree, tags); random criteria trees and
search filters are then answered by roster and checked against a brute-force filter written here
in Python straight from the wire shapes — with boto3 following NextToken by hand (every page's
ApproximateTotalCount checked) and with the CLI auto-paginating (--page-size; the count kept from
the first page). Also: the UserSearchSummary shape (after-contact work in milliseconds), every
error the operation returns, permissions of user keys, and that a search sees every write that
finished before it.
"""
import concurrent.futures
import json
import random
import unittest
import uuid

from botocore.exceptions import ClientError, ParamValidationError

from harness import RosterTestCase

FIRSTS = ["Ana", "anabel", "ÉLODIE", "Zoë", "Jürgen", "jo", "JOHN", "Mary-Ann", "李小龙", "Ωmega", "Łukasz",
          "Björn", "bob", "BOBBY", "Renée", "An", "Anna", "o'Neil", "Per%cy_J", "😀Smile"]
LASTS = ["Smith", "smithers", "MÜLLER", "Ng", "de la Cruz", "O'Brien", "Ångström", "van Dijk", "SMITH", "Nguyễn",
         "Ali", "ali-khan", "x_y%z"]
STEMS = ["agent", "Agent", "AGENT", "sup", "Sup.lead", "mgr", "a_b", "x-y", "zed"]
TAG_KEYS = ["team", "site", "skill", "Team"]
TAG_VALUES = ["blue", "red", "", "Blue", "paris"]
N_USERS = 300
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fold(s):
    return s.translate(ASCII_LOWER)


def code(exc):
    return exc.response["Error"]["Code"]


class UserSearchTest(RosterTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.roster
        b = cls.b = r.boto()
        cls.raw = r.boto(validate=False)
        cls.iid = b.create_instance(IdentityManagementType="SAML", InboundCallsEnabled=True,
                                    OutboundCallsEnabled=True)["Id"]
        iid = cls.iid
        cls.sp = {s["Name"]: s["Id"] for s in b.list_security_profiles(InstanceId=iid)["SecurityProfileSummaryList"]}
        queue = b.list_queues(InstanceId=iid, QueueTypes=["STANDARD"])["QueueSummaryList"][0]["Id"]
        cls.rps = [p["Id"] for p in b.list_routing_profiles(InstanceId=iid)["RoutingProfileSummaryList"]]
        for i in range(2):
            cls.rps.append(b.create_routing_profile(
                InstanceId=iid, Name=f"Search RP {i}", Description="d", DefaultOutboundQueueId=queue,
                MediaConcurrencies=[{"Channel": "VOICE", "Concurrency": 1}])["RoutingProfileId"])
        b.update_user_hierarchy_structure(InstanceId=iid, HierarchyStructure={
            f"Level{n}": {"Name": f"L{n}"} for n in ("One", "Two", "Three", "Four", "Five")})
        cls.parent = {}  # group id -> parent id (None at level one)
        cls.groups = []
        level = [None]
        for depth in range(5):
            nxt = []
            for p in level:
                for k in range(2):
                    kw = {"ParentGroupId": p} if p else {}
                    g = b.create_user_hierarchy_group(InstanceId=iid, Name=f"g{depth}-{len(cls.groups)}",
                                                      **kw)["HierarchyGroupId"]
                    cls.parent[g] = p
                    cls.groups.append(g)
                    nxt.append(g)
            level = nxt
        rng = random.Random(4)
        cls.users = [cls.new_user(rng, i) for i in range(N_USERS)]
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            ids = list(pool.map(cls.create_user, cls.users))
        for u, uid in zip(cls.users, ids):
            u["Id"] = uid

    @classmethod
    def new_user(cls, rng, i):
        sps = rng.sample(sorted(cls.sp.values()), rng.randint(1, 3))
        u = {"Username": f"{rng.choice(STEMS)}{i}" + ("@example.com" if rng.random() < 0.25 else ""),
             "FirstName": rng.choice(FIRSTS), "LastName": rng.choice(LASTS), "SecurityProfileIds": sps,
             "RoutingProfileId": rng.choice(cls.rps),
             "HierarchyGroupId": rng.choice(cls.groups) if rng.random() < 0.8 else None,
             "Tags": {rng.choice(TAG_KEYS): rng.choice(TAG_VALUES) for _ in range(rng.randint(0, 3))},
             "Acw": rng.choice([0, 30, 45, 600])}
        return u

    @classmethod
    def create_user(cls, u):
        kw = {"Tags": u["Tags"]} if u["Tags"] else {}
        if u["HierarchyGroupId"]:
            kw["HierarchyGroupId"] = u["HierarchyGroupId"]
        return cls.b.create_user(InstanceId=cls.iid, Username=u["Username"],
                                 IdentityInfo={"FirstName": u["FirstName"], "LastName": u["LastName"]},
                                 PhoneConfig={"PhoneType": "SOFT_PHONE", "AfterContactWorkTimeLimit": u["Acw"]},
                                 SecurityProfileIds=u["SecurityProfileIds"], RoutingProfileId=u["RoutingProfileId"],
                                 **kw)["UserId"]

    # ---- brute force, from the wire shapes --------------------------------------------------------
    @staticmethod
    def text_match(cmp, hay, value):
        if hay is None:
            return False
        if cmp == "EXACT":
            return hay == value
        if cmp == "STARTS_WITH":
            return fold(hay).startswith(fold(value))
        return fold(value) in fold(hay)

    def in_group(self, u, cond):
        g, target = u["HierarchyGroupId"], cond["Value"]
        while g:
            if g == target:
                return True
            if cond.get("HierarchyGroupMatchType", "EXACT") != "WITH_CHILD_GROUPS":
                return False
            g = self.parent.get(g)
        return False

    @staticmethod
    def tag_match(u, cond):
        key = cond["TagKey"]
        return key in u["Tags"] and ("TagValue" not in cond or u["Tags"][key] == cond["TagValue"])

    def string_match(self, u, sc):
        field, cmp, value = sc["FieldName"], sc["ComparisonType"], sc["Value"]
        if field == "SecurityProfileId":
            return any(self.text_match(cmp, p, value) for p in u["SecurityProfileIds"])
        hay = {"Username": u["Username"], "FirstName": u["FirstName"], "LastName": u["LastName"],
               "RoutingProfileId": u["RoutingProfileId"], "resourceId": u["Id"]}[field]
        return self.text_match(cmp, hay, value)

    def criteria_match(self, u, c):
        ok = True
        if "OrConditions" in c:
            ok = ok and any(self.criteria_match(u, k) for k in c["OrConditions"])
        if "AndConditions" in c:
            ok = ok and all(self.criteria_match(u, k) for k in c["AndConditions"])
        if "StringCondition" in c:
            ok = ok and self.string_match(u, c["StringCondition"])
        if "HierarchyGroupCondition" in c:
            ok = ok and self.in_group(u, c["HierarchyGroupCondition"])
        return ok

    def attr_and(self, u, a):
        return (all(self.tag_match(u, t) for t in a.get("TagConditions", [])) and
                ("HierarchyGroupCondition" not in a or self.in_group(u, a["HierarchyGroupCondition"])))

    def filter_match(self, u, f):
        if "TagFilter" in f:
            t = f["TagFilter"]
            return ((not t.get("OrConditions") or any(all(self.tag_match(u, c) for c in l) for l in t["OrConditions"]))
                    and all(self.tag_match(u, c) for c in t.get("AndConditions", []))
                    and ("TagCondition" not in t or self.tag_match(u, t["TagCondition"])))
        a = f["UserAttributeFilter"]
        return ((not a.get("OrConditions") or any(self.attr_and(u, x) for x in a["OrConditions"]))
                and ("AndCondition" not in a or self.attr_and(u, a["AndCondition"]))
                and ("TagCondition" not in a or self.tag_match(u, a["TagCondition"]))
                and ("HierarchyGroupCondition" not in a or self.in_group(u, a["HierarchyGroupCondition"])))

    def expected(self, criteria=None, search_filter=None):
        hits = [u for u in self.users
                if (criteria is None or self.criteria_match(u, criteria))
                and (search_filter is None or self.filter_match(u, search_filter))]
        return [u["Id"] for u in sorted(hits, key=lambda u: u["Username"].encode())]

    # ---- random criteria --------------------------------------------------------------------------
    @staticmethod
    def piece(rng, s, prefix, lo, hi):
        if len(s) < lo:
            return "qq"
        n = rng.randint(lo, min(hi, len(s)))
        start = 0 if prefix else rng.randint(0, len(s) - n)
        p = s[start:start + n]
        return "".join(ch.swapcase() if ch.isascii() and ch.isalpha() and rng.random() < 0.3 else ch for ch in p)

    def random_string(self, rng):
        field = rng.choice(["Username", "FirstName", "LastName", "RoutingProfileId", "SecurityProfileId",
                            "resourceId"])
        u = rng.choice(self.users)
        sample = {"Username": u["Username"], "FirstName": u["FirstName"], "LastName": u["LastName"],
                  "RoutingProfileId": rng.choice(self.rps), "SecurityProfileId": rng.choice(list(self.sp.values())),
                  "resourceId": u["Id"]}[field]
        cmp = rng.choice(["EXACT", "STARTS_WITH", "CONTAINS"])
        value = (sample if cmp == "EXACT" else self.piece(rng, sample, True, 1, 4) if cmp == "STARTS_WITH"
                 else self.piece(rng, sample, False, 2, 4))
        return {"StringCondition": {"FieldName": field, "Value": value, "ComparisonType": cmp}}

    def random_group(self, rng):
        g = rng.choice(self.groups) if rng.random() < 0.9 else str(uuid.uuid4())
        return {"Value": g, "HierarchyGroupMatchType": rng.choice(["EXACT", "WITH_CHILD_GROUPS"])}

    def random_criteria(self, rng, depth=0):
        r = rng.random()
        if depth >= 3 or r < 0.45:
            return self.random_string(rng) if rng.random() < 0.75 else {"HierarchyGroupCondition":
                                                                          self.random_group(rng)}
        kind = "AndConditions" if r < 0.75 else "OrConditions"
        return {kind: [self.random_criteria(rng, depth + 1) for _ in range(rng.randint(1, 3))]}

    @staticmethod
    def random_tag(rng):
        t = {"TagKey": rng.choice(TAG_KEYS + ["absent"])}
        if rng.random() < 0.6:
            t["TagValue"] = rng.choice(TAG_VALUES)
        return t

    def random_filter(self, rng):
        if rng.random() < 0.5:
            form = rng.choice(["OrConditions", "AndConditions", "TagCondition"])
            if form == "OrConditions":
                return {"TagFilter": {"OrConditions": [[self.random_tag(rng) for _ in range(rng.randint(1, 2))]
                                                       for _ in range(rng.randint(1, 3))]}}
            if form == "AndConditions":
                return {"TagFilter": {"AndConditions": [self.random_tag(rng) for _ in range(rng.randint(1, 2))]}}
            return {"TagFilter": {"TagCondition": self.random_tag(rng)}}

        def attr():
            a = {}
            if rng.random() < 0.7:
                a["TagConditions"] = [self.random_tag(rng) for _ in range(rng.randint(1, 2))]
            if rng.random() < 0.5:
                a["HierarchyGroupCondition"] = self.random_group(rng)
            return a
        form = rng.choice(["OrConditions", "AndCondition", "TagCondition", "HierarchyGroupCondition"])
        value = ([attr() for _ in range(rng.randint(1, 3))] if form == "OrConditions" else attr()
                 if form == "AndCondition" else self.random_tag(rng) if form == "TagCondition"
                 else self.random_group(rng))
        return {"UserAttributeFilter": {form: value}}

    # ---- running searches -------------------------------------------------------------------------
    def search_boto(self, criteria=None, search_filter=None, page=100, client=None):
        """Follows NextToken by hand; checks each page's size and count. Returns the ids in order."""
        kw = {"InstanceId": self.iid, "MaxResults": page}
        if criteria is not None:
            kw["SearchCriteria"] = criteria
        if search_filter is not None:
            kw["SearchFilter"] = search_filter
        ids, total, tokens = [], None, set()
        while True:
            out = (client or self.b).search_users(**kw)
            self.assertLessEqual(len(out["Users"]), page)
            if total is None:
                total = out["ApproximateTotalCount"]
            self.assertEqual(out["ApproximateTotalCount"], total)
            ids += [u["Id"] for u in out["Users"]]
            token = out.get("NextToken")
            if not token:
                break
            self.assertNotIn(token, tokens)
            self.assertEqual(len(out["Users"]), page)
            tokens.add(token)
            kw["NextToken"] = token
        self.assertEqual(total, len(ids))
        return ids

    def search_cli(self, criteria=None, search_filter=None, page_size=None):
        args = ["search-users", "--instance-id", self.iid]
        if criteria is not None:
            args += ["--search-criteria", json.dumps(criteria)]
        if search_filter is not None:
            args += ["--search-filter", json.dumps(search_filter)]
        if page_size:
            args += ["--page-size", str(page_size)]
        out = self.aws_ok(*args)
        self.assertNotIn("NextToken", out)
        return [u["Id"] for u in out["Users"]], out["ApproximateTotalCount"]

    # ---- combinations against the brute force ---------------------------------------------------------
    def test_random_combinations_boto(self):
        rng = random.Random(11)
        nonempty = 0
        for i in range(150):
            criteria = self.random_criteria(rng)
            search_filter = self.random_filter(rng) if i % 3 == 0 else None
            want = self.expected(criteria, search_filter)
            nonempty += bool(want)
            got = self.search_boto(criteria, search_filter, page=rng.choice([1, 7, 50, 100, 500]))
            self.assertEqual(got, want, json.dumps({"criteria": criteria, "filter": search_filter}))
        self.assertGreater(nonempty, 40)

    def test_random_combinations_cli_autopaginated(self):
        rng = random.Random(12)
        for i in range(8):
            criteria = self.random_criteria(rng)
            search_filter = self.random_filter(rng) if i % 2 else None
            want = self.expected(criteria, search_filter)
            got, total = self.search_cli(criteria, search_filter, page_size=rng.choice([3, 10, 40]))
            self.assertEqual(got, want, json.dumps({"criteria": criteria, "filter": search_filter}))
            self.assertEqual(total, len(want))

    def test_everyone_in_username_order_cli(self):
        got, total = self.search_cli(page_size=37)
        self.assertEqual(got, self.expected())
        self.assertEqual(total, N_USERS)
        got, total = self.search_cli()  # no --page-size: the server's default page of 100
        self.assertEqual((got, total), (self.expected(), N_USERS))

    def test_each_leaf_kind(self):
        u = self.users[5]
        cases = [{"StringCondition": {"FieldName": "Username", "Value": u["Username"], "ComparisonType": "EXACT"}},
                 {"StringCondition": {"FieldName": "Username", "Value": "AGENT", "ComparisonType": "STARTS_WITH"}},
                 {"StringCondition": {"FieldName": "Username", "Value": "@EXAMPLE", "ComparisonType": "CONTAINS"}},
                 {"StringCondition": {"FieldName": "FirstName", "Value": "an", "ComparisonType": "CONTAINS"}},
                 {"StringCondition": {"FieldName": "FirstName", "Value": "Zoë", "ComparisonType": "EXACT"}},
                 {"StringCondition": {"FieldName": "FirstName", "Value": "李小", "ComparisonType": "CONTAINS"}},
                 {"StringCondition": {"FieldName": "FirstName", "Value": "😀s", "ComparisonType": "CONTAINS"}},
                 {"StringCondition": {"FieldName": "FirstName", "Value": "y_", "ComparisonType": "CONTAINS"}},
                 {"StringCondition": {"FieldName": "LastName", "Value": "smith", "ComparisonType": "STARTS_WITH"}},
                 {"StringCondition": {"FieldName": "LastName", "Value": "mÜ", "ComparisonType": "CONTAINS"}},
                 {"StringCondition": {"FieldName": "RoutingProfileId", "Value": self.rps[1],
                                      "ComparisonType": "EXACT"}},
                 {"StringCondition": {"FieldName": "SecurityProfileId", "Value": self.sp["Agent"],
                                      "ComparisonType": "EXACT"}},
                 {"StringCondition": {"FieldName": "resourceId", "Value": u["Id"][:6].upper(),
                                      "ComparisonType": "STARTS_WITH"}},
                 {"StringCondition": {"FieldName": "resourceId", "Value": u["Id"], "ComparisonType": "EXACT"}},
                 {"HierarchyGroupCondition": {"Value": self.groups[0], "HierarchyGroupMatchType": "EXACT"}},
                 {"HierarchyGroupCondition": {"Value": self.groups[0],
                                              "HierarchyGroupMatchType": "WITH_CHILD_GROUPS"}},
                 {"HierarchyGroupCondition": {"Value": str(uuid.uuid4()),
                                              "HierarchyGroupMatchType": "WITH_CHILD_GROUPS"}},
                 {"AndConditions": []}, {"OrConditions": []}, {}]
        for c in cases:
            want = self.expected(c)
            self.assertEqual(self.search_boto(c, page=25), want, json.dumps(c))
        self.assertEqual(len(self.expected(cases[0])), 1)
        self.assertEqual(len(self.expected(cases[18])), 0)  # an empty OR matches nobody
        self.assertEqual(len(self.expected(cases[17])), N_USERS)

    # ---- the shape ------------------------------------------------------------------------------
    def test_summary_shape_and_acw_in_milliseconds(self):
        u = next(x for x in self.users if x["Acw"] == 45 and x["Tags"] and x["HierarchyGroupId"])
        out = self.b.search_users(InstanceId=self.iid, SearchCriteria={"StringCondition": {
            "FieldName": "Username", "Value": u["Username"], "ComparisonType": "EXACT"}})
        self.assertEqual(out["ApproximateTotalCount"], 1)
        self.assertNotIn("NextToken", out)
        s = out["Users"][0]
        self.assertEqual(s["Id"], u["Id"])
        self.assertEqual(s["Username"], u["Username"])
        self.assertTrue(s["Arn"].endswith(f":instance/{self.iid}/agent/{u['Id']}"), s["Arn"])
        self.assertEqual(s["IdentityInfo"], {"FirstName": u["FirstName"], "LastName": u["LastName"]})
        self.assertEqual(s["RoutingProfileId"], u["RoutingProfileId"])
        self.assertEqual(sorted(s["SecurityProfileIds"]), sorted(u["SecurityProfileIds"]))
        self.assertEqual(s["HierarchyGroupId"], u["HierarchyGroupId"])
        self.assertEqual(s["Tags"], u["Tags"])
        self.assertEqual(s["PhoneConfig"]["PhoneType"], "SOFT_PHONE")
        self.assertEqual(s["PhoneConfig"]["AfterContactWorkTimeLimit"], 45000)
        self.assertEqual({c["Channel"]: c["AfterContactWorkConfig"]["AfterContactWorkTimeLimit"]
                          for c in s["AfterContactWorkConfigs"]}["VOICE"], 45000)
        for c in s["AfterContactWorkConfigs"]:
            self.assertEqual(c["AfterContactWorkConfig"]["AfterContactWorkTimeLimit"], 45000)
        # Everywhere else the limit stays in seconds.
        d = self.b.describe_user(InstanceId=self.iid, UserId=u["Id"])["User"]
        self.assertEqual(d["PhoneConfig"]["AfterContactWorkTimeLimit"], 45)
        for key in ("AutoAcceptConfigs", "PhoneNumberConfigs", "PersistentConnectionConfigs",
                    "VoiceEnhancementConfigs"):
            self.assertEqual(s.get(key), d.get(key), key)
        self.assertNotIn("Email", s["IdentityInfo"])
        self.assertNotIn("LastModifiedTime", s)
        # The CLI reads the same shape.
        rc, cli, err = self.roster.aws("search-users", "--instance-id", self.iid, "--search-criteria",
                                       json.dumps({"StringCondition": {"FieldName": "resourceId",
                                                                       "Value": u["Id"], "ComparisonType": "EXACT"}}))
        self.assertEqual(rc, 0, err)
        self.assertEqual(cli["Users"], out["Users"])

    def test_unicode_values_round_trip(self):
        c = {"StringCondition": {"FieldName": "FirstName", "Value": "😀Smile", "ComparisonType": "EXACT"}}
        want = self.expected(c)
        self.assertTrue(want)
        out = self.b.search_users(InstanceId=self.iid, SearchCriteria=c, MaxResults=500)
        self.assertEqual([x["Id"] for x in out["Users"]], want)
        self.assertTrue(all(x["IdentityInfo"]["FirstName"] == "😀Smile" for x in out["Users"]))

    # ---- errors -----------------------------------------------------------------------------------
    def assertSearchError(self, exc_code, client=None, message_part=None, **kw):
        kw.setdefault("InstanceId", self.iid)
        with self.assertRaises(ClientError) as cm:
            (client or self.raw).search_users(**kw)
        self.assertEqual(code(cm.exception), exc_code, cm.exception.response)
        if message_part:
            self.assertIn(message_part, cm.exception.response["Error"]["Message"])
        return cm.exception

    def sc(self, field, value, cmp):
        return {"StringCondition": {"FieldName": field, "Value": value, "ComparisonType": cmp}}

    def test_errors(self):
        bad = "InvalidParameterException"
        self.assertSearchError(bad, SearchCriteria=self.sc("Email", "x", "EXACT"), message_part="Email")
        self.assertSearchError(bad, SearchCriteria=self.sc("username", "x", "EXACT"))
        self.assertSearchError(bad, SearchCriteria=self.sc("Username", "x", "LIKE"), message_part="LIKE")
        self.assertSearchError(bad, SearchCriteria=self.sc("FirstName", "a", "CONTAINS"))
        self.assertSearchError(bad, SearchCriteria=self.sc("FirstName", "a" * 26, "CONTAINS"))
        self.search_boto(self.sc("FirstName", "a" * 25, "CONTAINS"))  # the bounds themselves are fine
        self.search_boto(self.sc("FirstName", "ab", "CONTAINS"))
        self.assertSearchError(bad, SearchCriteria={"AndConditions": [{"StringCondition": {
            "FieldName": "FirstName", "ComparisonType": "EXACT"}}]})
        self.assertSearchError(bad, SearchCriteria={"HierarchyGroupCondition": {
            "Value": self.groups[0], "HierarchyGroupMatchType": "BELOW"}})
        self.assertSearchError(bad, MaxResults=0)
        self.assertSearchError(bad, MaxResults=501)
        self.assertEqual(len(self.b.search_users(InstanceId=self.iid, MaxResults=500)["Users"]), N_USERS)
        self.assertSearchError(bad, NextToken="garbage")
        self.assertSearchError(bad, NextToken="A" * 2501)
        self.assertSearchError(bad, NextToken="")
        sp_token = self.b.search_security_profiles(InstanceId=self.iid, MaxResults=1)["NextToken"]
        self.assertSearchError(bad, NextToken=sp_token)
        self.assertSearchError(bad, SearchFilter={"UserAttributeFilter": {"OrConditions": [
            {"TagConditions": [{"TagKey": f"k{i}"} for i in range(26)]}]}}, message_part="25")
        self.assertSearchError(bad, SearchFilter={"UserAttributeFilter": {"OrConditions": [
            {"HierarchyGroupCondition": {"Value": g}} for g in self.groups[:21]]}}, message_part="20")
        self.search_boto(search_filter={"UserAttributeFilter": {"OrConditions": [
            {"HierarchyGroupCondition": {"Value": g}} for g in self.groups[:20]]}})
        self.assertSearchError("AccessDeniedException", SearchFilter={
            "TagFilter": {"TagCondition": {"TagKey": "team"}},
            "UserAttributeFilter": {"TagCondition": {"TagKey": "team"}}})
        self.assertSearchError("InvalidRequestException", SearchCriteria={"ListCondition": {
            "TargetListType": "PROFICIENCIES", "Conditions": []}})
        self.assertSearchError("ResourceNotFoundException", InstanceId=str(uuid.uuid4()))
        with self.assertRaises(ParamValidationError):  # the client itself checks the minimum
            self.b.search_users(InstanceId=self.iid, MaxResults=0)

    def test_errors_through_the_cli(self):
        err = self.assertAwsError(self.roster.aws(
            "search-users", "--instance-id", self.iid, "--search-criteria",
            json.dumps(self.sc("FirstName", "x", "CONTAINS"))), "InvalidParameterException")
        self.assertIn("CONTAINS", err)
        self.assertAwsError(self.roster.aws(
            "search-users", "--instance-id", self.iid, "--search-filter",
            json.dumps({"TagFilter": {"TagCondition": {"TagKey": "a"}},
                        "UserAttributeFilter": {"TagCondition": {"TagKey": "a"}}})), "AccessDeniedException")
        self.assertAwsError(self.roster.aws("search-users", "--instance-id", self.iid, "--max-results", "501"),
                            "InvalidParameterException")

    # ---- permissions ------------------------------------------------------------------------------
    def test_user_keys(self):
        r = self.roster
        r.add_user("search-agent", "Agent", instance=self.iid)
        r.add_user("search-admin", "Admin", instance=self.iid)
        try:
            agent = r.new_key(user="search-agent", instance=self.iid)
            admin = r.new_key(user="search-admin", instance=self.iid)
            e = self.assertSearchError("AccessDeniedException", client=r.boto(agent))
            self.assertIn("Users.View", e.response["Error"]["Message"])
            admin_client = r.boto(admin)
            got = admin_client.search_users(InstanceId=self.iid, SearchCriteria=self.sc(
                "Username", "search-", "STARTS_WITH"))
            self.assertEqual(sorted(u["Username"] for u in got["Users"]), ["search-admin", "search-agent"])
            # A user key reaches only its own instance.
            self.assertSearchError("AccessDeniedException", client=admin_client, InstanceId=r.instance_id)
        finally:
            for u in self.b.search_users(InstanceId=self.iid, SearchCriteria=self.sc(
                    "Username", "search-", "STARTS_WITH"))["Users"]:
                self.b.delete_user(InstanceId=self.iid, UserId=u["Id"])

    # ---- consistency ------------------------------------------------------------------------------
    def test_sees_every_finished_write(self):
        b = self.b
        crit = self.sc("Username", "fresh.", "STARTS_WITH")
        self.assertEqual(self.search_boto(crit), [])
        uid = b.create_user(InstanceId=self.iid, Username="fresh.one", IdentityInfo={
            "FirstName": "Quentin", "LastName": "Fresh"}, PhoneConfig={"PhoneType": "SOFT_PHONE"},
            SecurityProfileIds=[self.sp["Agent"]], RoutingProfileId=self.rps[0])["UserId"]
        try:
            self.assertEqual(self.search_boto(crit), [uid])
            by_name = self.sc("FirstName", "quentiN", "CONTAINS")
            self.assertEqual(self.search_boto(by_name), [uid])
            b.update_user_identity_info(InstanceId=self.iid, UserId=uid, IdentityInfo={
                "FirstName": "Roberta", "LastName": "Fresh"})
            self.assertEqual(self.search_boto(by_name), [])
            self.assertEqual(self.search_boto(self.sc("FirstName", "Roberta", "EXACT")), [uid])
            grp = {"HierarchyGroupCondition": {"Value": self.groups[1], "HierarchyGroupMatchType":
                                               "WITH_CHILD_GROUPS"}}
            before = self.search_boto(grp)
            b.update_user_hierarchy(InstanceId=self.iid, UserId=uid, HierarchyGroupId=self.groups[-1])
            self.assertEqual(len(self.search_boto(grp)), len(before) + 1)  # the last group is under groups[1]
            b.update_user_security_profiles(InstanceId=self.iid, UserId=uid,
                                            SecurityProfileIds=[self.sp["QualityAnalyst"]])
            mine = {"AndConditions": [crit, self.sc("SecurityProfileId", self.sp["QualityAnalyst"], "EXACT")]}
            self.assertEqual(self.search_boto(mine), [uid])
            arn = b.describe_user(InstanceId=self.iid, UserId=uid)["User"]["Arn"]
            b.tag_resource(resourceArn=arn, tags={"fresh": "yes"})
            tagged = {"TagFilter": {"TagCondition": {"TagKey": "fresh", "TagValue": "yes"}}}
            self.assertEqual(self.search_boto(search_filter=tagged), [uid])
        finally:
            b.delete_user(InstanceId=self.iid, UserId=uid)
        self.assertEqual(self.search_boto(crit), [])


if __name__ == "__main__":
    unittest.main()
