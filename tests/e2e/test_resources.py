"""test_resources.py — the read operations on an instance's default resources: security profiles
(and their permissions), routing profiles, queues and hours of operation, through the aws CLI
(raw wire values, auto-pagination, exit codes) and boto3 (parsed shapes, pagination, sending
values the CLI would refuse).
"""
import re
import unittest
import uuid

from harness import RosterTestCase

DAYS = ["SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"]
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def arn_re(instance_id, kind):
    """The reference §3 ARN of a resource of `kind` (e.g. 'queue', 'queue/agent') in the instance."""
    return re.compile(rf"^arn:aws:connect:us-east-1:\d{{12}}:instance/{instance_id}/{kind}/({UUID})$")


def error_code(exc):
    return exc.response["Error"]["Code"]


class ResourcesTest(RosterTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        b = cls.roster.boto()
        iid = cls.iid = cls.roster.instance_id
        cls.profiles = {s["Name"]: s["Id"] for s in b.list_security_profiles(InstanceId=iid)
                        ["SecurityProfileSummaryList"]}
        cls.routing_id = b.list_routing_profiles(InstanceId=iid)["RoutingProfileSummaryList"][0]["Id"]
        cls.queue_id = b.list_queues(InstanceId=iid, QueueTypes=["STANDARD"])["QueueSummaryList"][0]["Id"]
        cls.hours_id = b.list_hours_of_operations(InstanceId=iid)["HoursOfOperationSummaryList"][0]["Id"]

    def aws_ok(self, *args):
        rc, out, err = self.roster.aws(*args)
        self.assertEqual(rc, 0, err)
        return out

    def assertBotoError(self, code, fn, **kwargs):
        with self.assertRaises(Exception) as cm:
            fn(**kwargs)
        self.assertTrue(hasattr(cm.exception, "response"), repr(cm.exception))
        self.assertEqual(error_code(cm.exception), code, cm.exception.response)
        return cm.exception

    def assertSummary(self, s, kind, name=None):
        """A *Summary entry as the CLI printed it: Id, reference-format Arn, timestamp number, region."""
        m = arn_re(self.iid, kind).match(s["Arn"])
        self.assertIsNotNone(m, s["Arn"])
        self.assertEqual(m.group(1), s["Id"])
        if name is not None:
            self.assertEqual(s["Name"], name)
        self.assertIsInstance(s["LastModifiedTime"], (int, float))
        self.assertNotIsInstance(s["LastModifiedTime"], bool)
        self.assertGreater(s["LastModifiedTime"], 1.6e9)
        self.assertEqual(s["LastModifiedRegion"], "us-east-1")

    # ---- security profiles --------------------------------------------------------------------
    def test_list_security_profiles_cli(self):
        out = self.aws_ok("list-security-profiles", "--instance-id", self.iid)
        lst = out["SecurityProfileSummaryList"]
        # Ordered by name.
        self.assertEqual([s["Name"] for s in lst], ["Admin", "Agent", "CallCenterManager", "QualityAnalyst"])
        for s in lst:
            self.assertSummary(s, "security-profile")
        self.assertEqual(len({s["Id"] for s in lst}), 4)

    def test_list_security_profiles_cli_page_size_1(self):
        out = self.aws_ok("list-security-profiles", "--instance-id", self.iid, "--page-size", "1")
        names = [s["Name"] for s in out["SecurityProfileSummaryList"]]
        self.assertEqual(names, ["Admin", "Agent", "CallCenterManager", "QualityAnalyst"])

    def test_list_security_profiles_boto3_pages(self):
        b = self.roster.boto()
        p1 = b.list_security_profiles(InstanceId=self.iid, MaxResults=3)
        self.assertEqual(len(p1["SecurityProfileSummaryList"]), 3)
        p2 = b.list_security_profiles(InstanceId=self.iid, MaxResults=3, NextToken=p1["NextToken"])
        self.assertEqual([s["Name"] for s in p2["SecurityProfileSummaryList"]], ["QualityAnalyst"])
        self.assertNotIn("NextToken", p2)
        # Exactly a full page: no token pointing at an empty page.
        p = b.list_security_profiles(InstanceId=self.iid, MaxResults=4)
        self.assertEqual(len(p["SecurityProfileSummaryList"]), 4)
        self.assertNotIn("NextToken", p)
        # The instance ARN works as InstanceId too.
        arn = b.describe_instance(InstanceId=self.iid)["Instance"]["Arn"]
        by_arn = b.list_security_profiles(InstanceId=arn)["SecurityProfileSummaryList"]
        self.assertEqual({s["Id"] for s in by_arn}, set(self.profiles.values()))

    def test_describe_security_profile(self):
        out = self.aws_ok("describe-security-profile", "--instance-id", self.iid,
                          "--security-profile-id", self.profiles["Agent"])["SecurityProfile"]
        self.assertEqual(out["Id"], self.profiles["Agent"])
        self.assertEqual(out["SecurityProfileName"], "Agent")
        self.assertEqual(out["OrganizationResourceId"], self.iid)
        self.assertRegex(out["Arn"], arn_re(self.iid, "security-profile"))
        self.assertTrue(out["Arn"].endswith(out["Id"]))
        self.assertIsInstance(out["Description"], str)
        self.assertIsInstance(out["LastModifiedTime"], (int, float))
        self.assertEqual(out["LastModifiedRegion"], "us-east-1")
        b = self.roster.boto()
        for name, pid in self.profiles.items():
            with self.subTest(profile=name):
                sp = b.describe_security_profile(InstanceId=self.iid, SecurityProfileId=pid)["SecurityProfile"]
                self.assertEqual(sp["SecurityProfileName"], name)
                self.assertEqual(sp["Id"], pid)

    def test_admin_permissions_cli_paginates(self):
        whole = self.aws_ok("list-security-profile-permissions", "--instance-id", self.iid,
                            "--security-profile-id", self.profiles["Admin"])
        paged = self.aws_ok("list-security-profile-permissions", "--instance-id", self.iid,
                            "--security-profile-id", self.profiles["Admin"], "--page-size", "4")
        perms = paged["Permissions"]
        self.assertEqual(len(perms), len(set(perms)), "duplicate permissions across pages")
        self.assertEqual(perms, whole["Permissions"])
        for p in ["Users.Create", "Users.View", "SecurityProfiles.View", "RoutingPolicies.View", "Queues.View",
                  "HoursOfOperation.View", "BasicAgentAccess"]:
            self.assertIn(p, perms)
        self.assertGreater(len(perms), 8, "page size 4 should have needed several pages")
        self.assertEqual(paged["LastModifiedRegion"], "us-east-1")
        self.assertIsInstance(paged["LastModifiedTime"], (int, float))

    def test_admin_permissions_boto3_max_results(self):
        b = self.roster.boto()
        got, token, pages = [], None, 0
        while True:
            kw = {"NextToken": token} if token else {}
            page = b.list_security_profile_permissions(InstanceId=self.iid, SecurityProfileId=self.profiles["Admin"],
                                                       MaxResults=5, **kw)
            self.assertLessEqual(len(page["Permissions"]), 5)
            got += page["Permissions"]
            pages += 1
            token = page.get("NextToken")
            if not token:
                break
            self.assertLess(pages, 50, "pagination does not end")
        self.assertEqual(len(got), len(set(got)))
        self.assertEqual(pages, -(-len(got) // 5))
        paginated = [p for pg in b.get_paginator("list_security_profile_permissions").paginate(
            InstanceId=self.iid, SecurityProfileId=self.profiles["Admin"], PaginationConfig={"PageSize": 7})
            for p in pg["Permissions"]]
        self.assertEqual(paginated, got)

    def test_builtin_profile_permissions(self):
        b = self.roster.boto()

        def perms(name):
            return set(b.list_security_profile_permissions(InstanceId=self.iid,
                                                           SecurityProfileId=self.profiles[name])["Permissions"])
        self.assertEqual(perms("Agent"), {"BasicAgentAccess", "OutboundCallAccess"})
        manager, analyst, admin = perms("CallCenterManager"), perms("QualityAnalyst"), perms("Admin")
        self.assertIn("Users.Create", manager)
        self.assertIn("Users.View", analyst)
        self.assertNotIn("Users.Create", analyst)
        self.assertTrue(manager < admin and analyst < admin)

    # ---- routing profiles ----------------------------------------------------------------------
    def test_list_routing_profiles_cli(self):
        lst = self.aws_ok("list-routing-profiles", "--instance-id", self.iid)["RoutingProfileSummaryList"]
        self.assertEqual(len(lst), 1)
        self.assertSummary(lst[0], "routing-profile", "Basic Routing Profile")

    def test_describe_basic_routing_profile(self):
        rp = self.aws_ok("describe-routing-profile", "--instance-id", self.iid,
                         "--routing-profile-id", self.routing_id)["RoutingProfile"]
        self.assertEqual(rp["Name"], "Basic Routing Profile")
        self.assertEqual(rp["RoutingProfileId"], self.routing_id)
        self.assertEqual(rp["InstanceId"], self.iid)
        self.assertRegex(rp["RoutingProfileArn"], arn_re(self.iid, "routing-profile"))
        self.assertTrue(rp["RoutingProfileArn"].endswith(self.routing_id))
        self.assertIs(rp["IsDefault"], True)
        self.assertEqual(rp["DefaultOutboundQueueId"], self.queue_id)
        self.assertEqual(rp["AssociatedQueueIds"], [self.queue_id])
        self.assertEqual(rp["NumberOfAssociatedQueues"], 1)
        self.assertEqual(rp["NumberOfAssociatedManualAssignmentQueues"], 0)
        self.assertGreaterEqual(rp["NumberOfAssociatedUsers"], 1)  # the admin user made by init
        self.assertTrue(rp["Description"])
        media = {m["Channel"]: m for m in rp["MediaConcurrencies"]}
        self.assertLessEqual(set(media), {"VOICE", "CHAT", "TASK", "EMAIL"})
        self.assertEqual(media["VOICE"]["Concurrency"], 1)
        for m in media.values():
            self.assertTrue(1 <= m["Concurrency"] <= 10, m)
        self.assertIn(rp.get("AgentAvailabilityTimer", "TIME_SINCE_LAST_ACTIVITY"),
                      {"TIME_SINCE_LAST_ACTIVITY", "TIME_SINCE_LAST_INBOUND"})
        self.assertIsInstance(rp["LastModifiedTime"], (int, float))
        self.assertEqual(rp["LastModifiedRegion"], "us-east-1")

    def test_routing_profile_users_count_follows_users(self):
        b = self.roster.boto()

        def count():
            return b.describe_routing_profile(InstanceId=self.iid, RoutingProfileId=self.routing_id)[
                "RoutingProfile"]["NumberOfAssociatedUsers"]
        before = count()
        self.roster.add_user("rp-counted", "Agent")
        self.assertEqual(count(), before + 1)

    # ---- queues --------------------------------------------------------------------------------
    def test_list_queues_cli(self):
        lst = self.aws_ok("list-queues", "--instance-id", self.iid)["QueueSummaryList"]
        standard = [q for q in lst if q["QueueType"] == "STANDARD"]
        self.assertEqual([q["Name"] for q in standard], ["BasicQueue"])
        self.assertSummary(standard[0], "queue", "BasicQueue")
        for q in lst:
            self.assertIn(q["QueueType"], {"STANDARD", "AGENT"})
            if q["QueueType"] == "AGENT":
                self.assertSummary(q, "queue/agent")

    def test_queue_types_filter(self):
        b = self.roster.boto()
        all_q = b.list_queues(InstanceId=self.iid)["QueueSummaryList"]
        std = b.list_queues(InstanceId=self.iid, QueueTypes=["STANDARD"])["QueueSummaryList"]
        agent = b.list_queues(InstanceId=self.iid, QueueTypes=["AGENT"])["QueueSummaryList"]
        both = b.list_queues(InstanceId=self.iid, QueueTypes=["AGENT", "STANDARD"])["QueueSummaryList"]
        self.assertEqual({q["QueueType"] for q in std}, {"STANDARD"})
        self.assertTrue(all(q["QueueType"] == "AGENT" for q in agent))
        self.assertNotIn(self.queue_id, {q["Id"] for q in agent})
        self.assertEqual({q["Id"] for q in std} | {q["Id"] for q in agent}, {q["Id"] for q in all_q})
        self.assertEqual({q["Id"] for q in both}, {q["Id"] for q in all_q})
        out = self.aws_ok("list-queues", "--instance-id", self.iid, "--queue-types", "STANDARD")
        self.assertEqual([q["Id"] for q in out["QueueSummaryList"]], [self.queue_id])

    def test_bad_queue_types(self):
        err = self.assertAwsError(self.roster.aws("list-queues", "--instance-id", self.iid, "--queue-types",
                                                  "PREMIUM"), "InvalidParameterException")
        self.assertIn("queueTypes", err)
        b = self.roster.boto()
        self.assertBotoError("InvalidParameterException", b.list_queues, InstanceId=self.iid,
                             QueueTypes=["standard"])
        self.assertBotoError("InvalidParameterException", b.list_queues, InstanceId=self.iid,
                             QueueTypes=["STANDARD", "AGENT", "STANDARD"])

    def test_describe_basic_queue(self):
        q = self.aws_ok("describe-queue", "--instance-id", self.iid, "--queue-id", self.queue_id)["Queue"]
        self.assertEqual(q["Name"], "BasicQueue")
        self.assertEqual(q["QueueId"], self.queue_id)
        self.assertRegex(q["QueueArn"], arn_re(self.iid, "queue"))
        self.assertTrue(q["QueueArn"].endswith(self.queue_id))
        self.assertEqual(q["Status"], "ENABLED")
        self.assertEqual(q["HoursOfOperationId"], self.hours_id)
        self.assertIsInstance(q["LastModifiedTime"], (int, float))
        self.assertEqual(q["LastModifiedRegion"], "us-east-1")

    # ---- hours of operation --------------------------------------------------------------------
    def test_list_hours_cli(self):
        lst = self.aws_ok("list-hours-of-operations", "--instance-id", self.iid)["HoursOfOperationSummaryList"]
        self.assertEqual(len(lst), 1)
        self.assertSummary(lst[0], "operating-hours", "Basic Hours")

    def test_describe_basic_hours(self):
        h = self.aws_ok("describe-hours-of-operation", "--instance-id", self.iid,
                        "--hours-of-operation-id", self.hours_id)["HoursOfOperation"]
        self.assertEqual(h["Name"], "Basic Hours")
        self.assertEqual(h["HoursOfOperationId"], self.hours_id)
        self.assertRegex(h["HoursOfOperationArn"], arn_re(self.iid, "operating-hours"))
        self.assertTrue(h["TimeZone"])
        self.assertEqual(sorted(c["Day"] for c in h["Config"]), sorted(DAYS))
        for c in h["Config"]:
            for edge in ("StartTime", "EndTime"):
                self.assertEqual(set(c[edge]), {"Hours", "Minutes"})
                self.assertTrue(0 <= c[edge]["Hours"] <= 23 and 0 <= c[edge]["Minutes"] <= 59, c)
                self.assertIsInstance(c[edge]["Hours"], int)
            # Open all day: 00:00 to 00:00.
            self.assertEqual((c["StartTime"]["Hours"], c["StartTime"]["Minutes"]), (0, 0))
            self.assertEqual((c["EndTime"]["Hours"], c["EndTime"]["Minutes"]), (0, 0))
        self.assertIsInstance(h["LastModifiedTime"], (int, float))
        self.assertEqual(h["LastModifiedRegion"], "us-east-1")

    # ---- not found -----------------------------------------------------------------------------
    def test_unknown_resource_ids(self):
        b = self.roster.boto()
        nope = str(uuid.uuid4())
        calls = [
            (b.describe_security_profile, {"SecurityProfileId": nope}),
            (b.list_security_profile_permissions, {"SecurityProfileId": nope}),
            (b.describe_routing_profile, {"RoutingProfileId": nope}),
            (b.describe_queue, {"QueueId": nope}),
            (b.describe_hours_of_operation, {"HoursOfOperationId": nope}),
            # An id of another kind is not found either.
            (b.describe_queue, {"QueueId": self.hours_id}),
            (b.describe_routing_profile, {"RoutingProfileId": self.queue_id}),
        ]
        for fn, kw in calls:
            with self.subTest(op=fn.__name__, **kw):
                self.assertBotoError("ResourceNotFoundException", fn, InstanceId=self.iid, **kw)
        err = self.assertAwsError(self.roster.aws("describe-queue", "--instance-id", self.iid, "--queue-id", nope),
                                  "ResourceNotFoundException")
        self.assertIn("DescribeQueue", err)

    def test_resource_of_another_instance_is_not_found(self):
        b = self.roster.boto()
        other = b.create_instance(IdentityManagementType="SAML", InboundCallsEnabled=True,
                                  OutboundCallsEnabled=True)["Id"]
        # The default instance's queue does not exist in the other instance.
        self.assertBotoError("ResourceNotFoundException", b.describe_queue, InstanceId=other, QueueId=self.queue_id)
        self.assertBotoError("ResourceNotFoundException", b.describe_security_profile, InstanceId=other,
                             SecurityProfileId=self.profiles["Admin"])

    def test_unknown_instance(self):
        b = self.roster.boto()
        nope = str(uuid.uuid4())
        for fn in (b.list_security_profiles, b.list_routing_profiles, b.list_queues, b.list_hours_of_operations):
            with self.subTest(op=fn.__name__):
                self.assertBotoError("ResourceNotFoundException", fn, InstanceId=nope)
        self.assertBotoError("ResourceNotFoundException", b.describe_queue, InstanceId=nope, QueueId=self.queue_id)
        self.assertAwsError(self.roster.aws("list-hours-of-operations", "--instance-id", nope),
                            "ResourceNotFoundException")

    # ---- paging input --------------------------------------------------------------------------
    def test_max_results_out_of_range(self):
        raw = self.roster.boto(validate=False)
        for fn, kw in [(raw.list_security_profiles, {}), (raw.list_routing_profiles, {}), (raw.list_queues, {}),
                       (raw.list_hours_of_operations, {}),
                       (raw.list_security_profile_permissions, {"SecurityProfileId": self.profiles["Admin"]})]:
            with self.subTest(op=fn.__name__):
                self.assertBotoError("InvalidParameterException", fn, InstanceId=self.iid, MaxResults=0, **kw)
                self.assertBotoError("InvalidParameterException", fn, InstanceId=self.iid, MaxResults=1001, **kw)
                self.assertBotoError("InvalidParameterException", fn, InstanceId=self.iid, NextToken="garbage", **kw)
        err = self.assertAwsError(self.roster.aws("list-queues", "--instance-id", self.iid, "--max-results", "1001"),
                                  "InvalidParameterException")
        self.assertIn("maxResults", err)
        # The bounds themselves are accepted.
        b = self.roster.boto()
        self.assertEqual(len(b.list_queues(InstanceId=self.iid, MaxResults=1000)["QueueSummaryList"]) >= 1, True)
        self.assertEqual(len(b.list_queues(InstanceId=self.iid, MaxResults=1, QueueTypes=["STANDARD"])
                             ["QueueSummaryList"]), 1)

    def test_garbage_next_token_cli(self):
        err = self.assertAwsError(self.roster.aws("list-security-profiles", "--instance-id", self.iid,
                                                  "--next-token", "bm90IGEgdG9rZW4"), "InvalidParameterException")
        self.assertIn("nextToken", err)

    def test_token_of_another_list_is_refused(self):
        b = self.roster.boto()
        tok = b.list_security_profiles(InstanceId=self.iid, MaxResults=1)["NextToken"]
        self.assertBotoError("InvalidParameterException", b.list_routing_profiles, InstanceId=self.iid,
                             NextToken=tok)


if __name__ == "__main__":
    unittest.main()
