"""test_routing.py — routing profiles through the real aws CLI and boto3: create, describe, list,
search (checked against a brute-force filter over the same profiles), the updates, queue
association, queue listing, delete, the errors each can return, permissions of user keys, and the
CLI's auto-pagination over 300 profiles.
"""
import json
import unittest
import uuid

from harness import RosterTestCase

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
MEDIA = [{"Channel": "VOICE", "Concurrency": 1}, {"Channel": "CHAT", "Concurrency": 2}]


def qc(queue_id, channel="VOICE", priority=1, delay=0):
    return {"QueueReference": {"QueueId": queue_id, "Channel": channel}, "Priority": priority, "Delay": delay}


def error_code(exc):
    return exc.response["Error"]["Code"]


class RoutingTest(RosterTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        b = cls.b = cls.roster.boto()
        iid = cls.iid = cls.roster.instance_id
        cls.default_rp = b.list_routing_profiles(InstanceId=iid)["RoutingProfileSummaryList"][0]["Id"]
        cls.basic_queue = b.list_queues(InstanceId=iid, QueueTypes=["STANDARD"])["QueueSummaryList"][0]["Id"]
        cls.hours = b.list_hours_of_operations(InstanceId=iid)["HoursOfOperationSummaryList"][0]["Id"]
        # Queues for associations: 13 queues x 4 channels is enough to reach the 50-config quota.
        cls.queues = [b.create_queue(InstanceId=iid, Name=f"rt-queue-{i:02d}", HoursOfOperationId=cls.hours)["QueueId"]
                      for i in range(13)]

    # ---- helpers -------------------------------------------------------------------------------
    def aws_ok(self, *args, creds=None):
        rc, out, err = self.roster.aws(*args, creds=creds)
        self.assertEqual(rc, 0, err)
        return out

    def assertBotoError(self, code, fn, message_part=None, **kwargs):
        with self.assertRaises(Exception) as cm:
            fn(**kwargs)
        self.assertTrue(hasattr(cm.exception, "response"), repr(cm.exception))
        self.assertEqual(error_code(cm.exception), code, cm.exception.response)
        if message_part:
            self.assertIn(message_part, cm.exception.response["Error"]["Message"])
        return cm.exception

    def create(self, name=None, b=None, iid=None, queue=None, **kw):
        b = b or self.b
        args = dict(InstanceId=iid or self.iid, Name=name or f"rp-{uuid.uuid4().hex[:10]}", Description="a profile",
                    DefaultOutboundQueueId=queue or self.basic_queue, MediaConcurrencies=MEDIA)
        args.update(kw)
        return b.create_routing_profile(**args)["RoutingProfileId"]

    def describe(self, rp, iid=None):
        return self.b.describe_routing_profile(InstanceId=iid or self.iid, RoutingProfileId=rp)["RoutingProfile"]

    def configs(self, rp):
        pages = self.b.get_paginator("list_routing_profile_queues").paginate(InstanceId=self.iid, RoutingProfileId=rp)
        return {(c["QueueId"], c["Channel"]): (c["Priority"], c["Delay"])
                for p in pages for c in p["RoutingProfileQueueConfigSummaryList"]}

    # ---- create and describe -------------------------------------------------------------------
    def test_create_describe_round_trip_cli(self):
        q1, q2 = self.queues[0], self.queues[1]
        out = self.aws_ok(
            "create-routing-profile", "--instance-id", self.iid, "--name", "Round Trip", "--description",
            "Sales, first line", "--default-outbound-queue-id", q1, "--media-concurrencies",
            json.dumps([{"Channel": "VOICE", "Concurrency": 1},
                        {"Channel": "CHAT", "Concurrency": 5,
                         "CrossChannelBehavior": {"BehaviorType": "ROUTE_ANY_CHANNEL"}},
                        {"Channel": "EMAIL", "Concurrency": 10}]),
            "--queue-configs", json.dumps([qc(q1, "VOICE", 3, 10), qc(q1, "CHAT", 4, 0), qc(q2, "VOICE", 99, 9999)]),
            "--manual-assignment-queue-configs", json.dumps([{"QueueReference": {"QueueId": q2, "Channel": "CHAT"}}]),
            "--agent-availability-timer", "TIME_SINCE_LAST_INBOUND", "--tags", "team=sales,tier=1")
        rp_id = out["RoutingProfileId"]
        self.assertRegex(rp_id, UUID)
        self.assertRegex(out["RoutingProfileArn"],
                         rf"^arn:aws:connect:us-east-1:\d{{12}}:instance/{self.iid}/routing-profile/{rp_id}$")
        rp = self.aws_ok("describe-routing-profile", "--instance-id", self.iid, "--routing-profile-id",
                         rp_id)["RoutingProfile"]
        self.assertEqual(rp["Name"], "Round Trip")
        self.assertEqual(rp["Description"], "Sales, first line")
        self.assertEqual(rp["InstanceId"], self.iid)
        self.assertEqual(rp["RoutingProfileArn"], out["RoutingProfileArn"])
        self.assertEqual(rp["DefaultOutboundQueueId"], q1)
        self.assertEqual(rp["AgentAvailabilityTimer"], "TIME_SINCE_LAST_INBOUND")
        self.assertEqual(rp["Tags"], {"team": "sales", "tier": "1"})
        self.assertIs(rp["IsDefault"], False)
        self.assertEqual(rp["NumberOfAssociatedUsers"], 0)
        self.assertEqual(sorted(rp["AssociatedQueueIds"]), sorted([q1, q2]))
        self.assertEqual(rp["NumberOfAssociatedQueues"], 2)
        self.assertEqual(rp["AssociatedManualAssignmentQueueIds"], [q2])
        self.assertEqual(rp["NumberOfAssociatedManualAssignmentQueues"], 1)
        media = {m["Channel"]: m for m in rp["MediaConcurrencies"]}
        self.assertEqual(set(media), {"VOICE", "CHAT", "EMAIL"})
        self.assertEqual(media["CHAT"]["Concurrency"], 5)
        self.assertEqual(media["CHAT"]["CrossChannelBehavior"]["BehaviorType"], "ROUTE_ANY_CHANNEL")
        self.assertEqual(media["VOICE"]["CrossChannelBehavior"]["BehaviorType"], "ROUTE_CURRENT_CHANNEL_ONLY")
        self.assertEqual(media["EMAIL"]["Concurrency"], 10)
        self.assertIsInstance(rp["LastModifiedTime"], (int, float))
        self.assertEqual(rp["LastModifiedRegion"], "us-east-1")
        self.assertEqual(self.configs(rp_id), {(q1, "VOICE"): (3, 10), (q1, "CHAT"): (4, 0), (q2, "VOICE"): (99, 9999)})
        names = [s["Name"] for s in self.b.list_routing_profiles(InstanceId=self.iid, MaxResults=1000)
                 ["RoutingProfileSummaryList"]]
        self.assertIn("Round Trip", names)
        # Without a timer, the default one is reported.
        rp2 = self.describe(self.create())
        self.assertEqual(rp2["AgentAvailabilityTimer"], "TIME_SINCE_LAST_ACTIVITY")
        self.assertNotIn("Tags", rp2)

    def test_name_clash(self):
        self.create("Clash Name")
        err = self.assertAwsError(self.roster.aws(
            "create-routing-profile", "--instance-id", self.iid, "--name", "Clash Name", "--description", "x",
            "--default-outbound-queue-id", self.basic_queue, "--media-concurrencies", json.dumps(MEDIA)),
            "DuplicateResourceException")
        self.assertIn("Clash Name", err)
        other = self.create("Clash Other")
        self.assertBotoError("DuplicateResourceException", self.b.update_routing_profile_name, InstanceId=self.iid,
                             RoutingProfileId=other, Name="Clash Name")
        self.assertBotoError("DuplicateResourceException", self.b.update_routing_profile_name, InstanceId=self.iid,
                             RoutingProfileId=other, Name="Basic Routing Profile")
        # Renaming to its own name is fine.
        self.b.update_routing_profile_name(InstanceId=self.iid, RoutingProfileId=other, Name="Clash Other")

    def test_required_and_lengths(self):
        raw = self.roster.boto(validate=False)
        base = dict(InstanceId=self.iid, Name="len-check", Description="d", DefaultOutboundQueueId=self.basic_queue,
                    MediaConcurrencies=MEDIA)
        for change, field in [({"Name": "x" * 128}, "Name"), ({"Name": ""}, "Name"),
                              ({"Description": ""}, "Description"),
                              ({"Description": "d" * 251}, "Description"), ({"Description": None}, "Description"),
                              ({"MediaConcurrencies": None}, "MediaConcurrencies"),
                              ({"MediaConcurrencies": []}, "MediaConcurrencies"),
                              ({"AgentAvailabilityTimer": "SOMETIMES"}, "AgentAvailabilityTimer"),
                              ({"Tags": {"aws:x": "1"}}, "aws:")]:
            with self.subTest(field=field, change=str(change)[:40]):
                kw = {k: v for k, v in {**base, **change}.items() if v is not None}
                self.assertBotoError("InvalidParameterException", raw.create_routing_profile, field, **kw)
        # Exactly at the limits is accepted.
        self.create("n" * 127, Description="d" * 250)

    def test_media_concurrency_rules(self):
        err = self.assertAwsError(self.roster.aws(
            "create-routing-profile", "--instance-id", self.iid, "--name", "voice-2", "--description", "x",
            "--default-outbound-queue-id", self.basic_queue, "--media-concurrencies",
            json.dumps([{"Channel": "VOICE", "Concurrency": 2}])), "InvalidParameterException")
        self.assertIn("VOICE", err)
        raw = self.roster.boto(validate=False)
        bad = [
            [{"Channel": "CHAT", "Concurrency": 11}],
            [{"Channel": "TASK", "Concurrency": 0}],
            [{"Channel": "EMAIL", "Concurrency": 11}],
            [{"Channel": "VIDEO", "Concurrency": 1}],
            [{"Channel": "CHAT", "Concurrency": 2}, {"Channel": "CHAT", "Concurrency": 3}],
            [{"Channel": "CHAT", "Concurrency": 2, "CrossChannelBehavior": {"BehaviorType": "ROUTE_ANYWHERE"}}],
        ]
        for media in bad:
            with self.subTest(media=media):
                self.assertBotoError("InvalidParameterException", raw.create_routing_profile, "MediaConcurrencies",
                                     InstanceId=self.iid, Name="bad-media", Description="d",
                                     DefaultOutboundQueueId=self.basic_queue, MediaConcurrencies=media)
        self.assertBotoError("InvalidParameterException", self.b.create_routing_profile, "CHAT",
                             InstanceId=self.iid, Name="bad-media", Description="d",
                             DefaultOutboundQueueId=self.basic_queue,
                             MediaConcurrencies=[{"Channel": "CHAT", "Concurrency": 11}])
        names = {s["Name"] for s in self.b.list_routing_profiles(InstanceId=self.iid, MaxResults=1000)
                 ["RoutingProfileSummaryList"]}
        self.assertNotIn("bad-media", names)
        self.assertNotIn("voice-2", names)

    def test_queue_config_rules(self):
        raw = self.roster.boto(validate=False)
        q = self.queues
        eleven = [qc(q[i % 6], ["VOICE", "CHAT"][i // 6]) for i in range(11)]
        err = self.assertAwsError(self.roster.aws(
            "create-routing-profile", "--instance-id", self.iid, "--name", "eleven", "--description", "x",
            "--default-outbound-queue-id", self.basic_queue, "--media-concurrencies", json.dumps(MEDIA),
            "--queue-configs", json.dumps(eleven)), "InvalidParameterException")
        self.assertIn("QueueConfigs", err)
        cases = [([qc(q[0], priority=0)], "Priority"), ([qc(q[0], priority=100)], "Priority"),
                 ([qc(q[0], delay=10000)], "Delay"), ([qc(q[0], delay=-1)], "Delay"),
                 ([qc(q[0], channel="FAX")], "Channel"), ([qc(q[0]), qc(q[0], priority=5)], "twice"),
                 ([{"QueueReference": {"QueueId": q[0]}, "Priority": 1, "Delay": 0}], "Channel"),
                 ([{"QueueReference": {"QueueId": q[0], "Channel": "VOICE"}, "Delay": 0}], "Priority")]
        for configs, part in cases:
            with self.subTest(configs=configs):
                self.assertBotoError("InvalidParameterException", raw.create_routing_profile, part,
                                     InstanceId=self.iid, Name="bad-queues", Description="d",
                                     DefaultOutboundQueueId=self.basic_queue, MediaConcurrencies=MEDIA,
                                     QueueConfigs=configs)
        nope = str(uuid.uuid4())
        self.assertBotoError("ResourceNotFoundException", self.b.create_routing_profile, nope, InstanceId=self.iid,
                             Name="bad-queues", Description="d", DefaultOutboundQueueId=self.basic_queue,
                             MediaConcurrencies=MEDIA, QueueConfigs=[qc(q[0]), qc(nope, "CHAT")])
        err = self.assertAwsError(self.roster.aws(
            "create-routing-profile", "--instance-id", self.iid, "--name", "bad-outbound", "--description", "x",
            "--default-outbound-queue-id", nope, "--media-concurrencies", json.dumps(MEDIA)),
            "ResourceNotFoundException")
        self.assertIn(nope, err)
        # An id of another kind is no queue.
        self.assertBotoError("ResourceNotFoundException", self.b.create_routing_profile, "DefaultOutboundQueueId",
                             InstanceId=self.iid, Name="bad-outbound", Description="d",
                             DefaultOutboundQueueId=self.hours, MediaConcurrencies=MEDIA)
        names = {s["Name"] for s in self.b.list_routing_profiles(InstanceId=self.iid, MaxResults=1000)
                 ["RoutingProfileSummaryList"]}
        self.assertFalse(names & {"eleven", "bad-queues", "bad-outbound"})
        # Ten is the most one request may carry.
        ten = self.create(QueueConfigs=eleven[:10])
        self.assertEqual(self.describe(ten)["NumberOfAssociatedQueues"], 6)
        self.assertEqual(len(self.configs(ten)), 10)

    # ---- updates -------------------------------------------------------------------------------
    def test_update_name_and_description(self):
        rp = self.create("Before Rename")
        self.aws_ok("update-routing-profile-name", "--instance-id", self.iid, "--routing-profile-id", rp,
                    "--name", "After Rename")
        d = self.describe(rp)
        self.assertEqual((d["Name"], d["Description"]), ("After Rename", "a profile"))
        self.b.update_routing_profile_name(InstanceId=self.iid, RoutingProfileId=rp, Description="new words")
        d2 = self.describe(rp)
        self.assertEqual((d2["Name"], d2["Description"]), ("After Rename", "new words"))
        self.assertGreaterEqual(d2["LastModifiedTime"], d["LastModifiedTime"])
        self.b.update_routing_profile_name(InstanceId=self.iid, RoutingProfileId=rp, Name="Both", Description="b")
        self.assertEqual((self.describe(rp)["Name"], self.describe(rp)["Description"]), ("Both", "b"))
        self.assertBotoError("InvalidParameterException", self.b.update_routing_profile_name, InstanceId=self.iid,
                             RoutingProfileId=rp)
        self.assertBotoError("InvalidParameterException", self.b.update_routing_profile_name, InstanceId=self.iid,
                             RoutingProfileId=rp, Name="x" * 128)
        self.assertBotoError("InvalidParameterException", self.b.update_routing_profile_name, InstanceId=self.iid,
                             RoutingProfileId=rp, Description="x" * 251)
        self.assertBotoError("ResourceNotFoundException", self.b.update_routing_profile_name, InstanceId=self.iid,
                             RoutingProfileId=str(uuid.uuid4()), Name="whatever")

    def test_update_default_outbound_queue(self):
        rp = self.create()
        self.aws_ok("update-routing-profile-default-outbound-queue", "--instance-id", self.iid,
                    "--routing-profile-id", rp, "--default-outbound-queue-id", self.queues[3])
        self.assertEqual(self.describe(rp)["DefaultOutboundQueueId"], self.queues[3])
        nope = str(uuid.uuid4())
        err = self.assertAwsError(self.roster.aws(
            "update-routing-profile-default-outbound-queue", "--instance-id", self.iid, "--routing-profile-id", rp,
            "--default-outbound-queue-id", nope), "ResourceNotFoundException")
        self.assertIn(nope, err)
        self.assertEqual(self.describe(rp)["DefaultOutboundQueueId"], self.queues[3])

    def test_update_concurrency_replaces(self):
        rp = self.create()
        self.aws_ok("update-routing-profile-concurrency", "--instance-id", self.iid, "--routing-profile-id", rp,
                    "--media-concurrencies", json.dumps([{"Channel": "TASK", "Concurrency": 7},
                                                         {"Channel": "VOICE", "Concurrency": 1}]))
        media = {m["Channel"]: m["Concurrency"] for m in self.describe(rp)["MediaConcurrencies"]}
        self.assertEqual(media, {"TASK": 7, "VOICE": 1})
        raw = self.roster.boto(validate=False)
        for bad in ([{"Channel": "VOICE", "Concurrency": 2}], [{"Channel": "CHAT", "Concurrency": 11}], []):
            with self.subTest(media=bad):
                self.assertBotoError("InvalidParameterException", raw.update_routing_profile_concurrency,
                                     InstanceId=self.iid, RoutingProfileId=rp, MediaConcurrencies=bad)
        media = {m["Channel"]: m["Concurrency"] for m in self.describe(rp)["MediaConcurrencies"]}
        self.assertEqual(media, {"TASK": 7, "VOICE": 1})

    def test_associate_update_disassociate(self):
        q = self.queues
        rp = self.create(QueueConfigs=[qc(q[4], "VOICE", 1, 0)])
        before = self.describe(rp)["LastModifiedTime"]
        self.aws_ok("associate-routing-profile-queues", "--instance-id", self.iid, "--routing-profile-id", rp,
                    "--queue-configs", json.dumps([qc(q[4], "CHAT", 2, 30), qc(q[5], "TASK", 3, 60)]),
                    "--manual-assignment-queue-configs",
                    json.dumps([{"QueueReference": {"QueueId": q[6], "Channel": "TASK"}}]))
        self.assertEqual(self.configs(rp), {(q[4], "VOICE"): (1, 0), (q[4], "CHAT"): (2, 30), (q[5], "TASK"): (3, 60)})
        d = self.describe(rp)
        self.assertEqual(d["NumberOfAssociatedQueues"], 2)
        self.assertEqual(d["AssociatedManualAssignmentQueueIds"], [q[6]])
        self.assertGreaterEqual(d["LastModifiedTime"], before)
        # Associating an existing (queue, channel) again is refused, and nothing of the request stays.
        err = self.assertAwsError(self.roster.aws(
            "associate-routing-profile-queues", "--instance-id", self.iid, "--routing-profile-id", rp,
            "--queue-configs", json.dumps([qc(q[7], "VOICE"), qc(q[4], "CHAT", 9, 9)])), "InvalidParameterException")
        self.assertIn("already associated", err)
        self.assertNotIn((q[7], "VOICE"), self.configs(rp))
        self.assertBotoError("InvalidParameterException", self.b.associate_routing_profile_queues, "already",
                             InstanceId=self.iid, RoutingProfileId=rp,
                             ManualAssignmentQueueConfigs=[{"QueueReference": {"QueueId": q[6], "Channel": "TASK"}}])
        self.assertBotoError("ResourceNotFoundException", self.b.associate_routing_profile_queues,
                             InstanceId=self.iid, RoutingProfileId=rp, QueueConfigs=[qc(str(uuid.uuid4()))])
        self.assertBotoError("InvalidParameterException", self.b.associate_routing_profile_queues,
                             InstanceId=self.iid, RoutingProfileId=rp)
        # Update priority/delay of what is associated; an unassociated (queue, channel) is an error.
        self.aws_ok("update-routing-profile-queues", "--instance-id", self.iid, "--routing-profile-id", rp,
                    "--queue-configs", json.dumps([qc(q[4], "CHAT", 50, 500)]))
        self.assertEqual(self.configs(rp)[(q[4], "CHAT")], (50, 500))
        err = self.assertAwsError(self.roster.aws(
            "update-routing-profile-queues", "--instance-id", self.iid, "--routing-profile-id", rp,
            "--queue-configs", json.dumps([qc(q[4], "EMAIL", 5, 5)])), "InvalidParameterException")
        self.assertIn("not associated", err)
        self.assertBotoError("ResourceNotFoundException", self.b.update_routing_profile_queues, InstanceId=self.iid,
                             RoutingProfileId=rp, QueueConfigs=[qc(str(uuid.uuid4()))])
        self.assertBotoError("InvalidParameterException", self.b.update_routing_profile_queues, InstanceId=self.iid,
                             RoutingProfileId=rp, QueueConfigs=[qc(q[4], "VOICE", 100, 0)])
        # Disassociate.
        self.aws_ok("disassociate-routing-profile-queues", "--instance-id", self.iid, "--routing-profile-id", rp,
                    "--queue-references", json.dumps([{"QueueId": q[4], "Channel": "VOICE"}]),
                    "--manual-assignment-queue-references", json.dumps([{"QueueId": q[6], "Channel": "TASK"}]))
        self.assertEqual(self.configs(rp), {(q[4], "CHAT"): (50, 500), (q[5], "TASK"): (3, 60)})
        self.assertEqual(self.describe(rp)["AssociatedManualAssignmentQueueIds"], [])
        err = self.assertAwsError(self.roster.aws(
            "disassociate-routing-profile-queues", "--instance-id", self.iid, "--routing-profile-id", rp,
            "--queue-references", json.dumps([{"QueueId": q[5], "Channel": "TASK"},
                                              {"QueueId": q[4], "Channel": "VOICE"}])), "InvalidParameterException")
        self.assertIn("not associated", err)
        # All or nothing: the first reference was not removed either.
        self.assertIn((q[5], "TASK"), self.configs(rp))
        self.assertBotoError("InvalidParameterException", self.b.disassociate_routing_profile_queues,
                             InstanceId=self.iid, RoutingProfileId=rp)

    def test_queue_quota_of_50(self):
        rp = self.create()
        pairs = [(q, ch) for q in self.queues for ch in ("VOICE", "CHAT", "TASK", "EMAIL")][:51]
        for i in range(0, 50, 10):
            self.b.associate_routing_profile_queues(InstanceId=self.iid, RoutingProfileId=rp,
                                                    QueueConfigs=[qc(q, ch) for q, ch in pairs[i:i + 10]])
        self.assertEqual(len(self.configs(rp)), 50)
        err = self.assertAwsError(self.roster.aws(
            "associate-routing-profile-queues", "--instance-id", self.iid, "--routing-profile-id", rp,
            "--queue-configs", json.dumps([qc(*pairs[50])])), "InvalidParameterException")
        self.assertIn("quota", err)
        self.assertIn("50", err)
        self.assertBotoError("InvalidParameterException", self.b.associate_routing_profile_queues, "quota",
                             InstanceId=self.iid, RoutingProfileId=rp,
                             ManualAssignmentQueueConfigs=[{"QueueReference": {"QueueId": self.queues[0],
                                                                               "Channel": "VOICE"}}])
        self.assertEqual(len(self.configs(rp)), 50)

    def test_list_routing_profile_queues_paging(self):
        q = self.queues
        rp = self.create(QueueConfigs=[qc(q[i], "VOICE", i + 1, i) for i in range(10)])
        self.b.associate_routing_profile_queues(InstanceId=self.iid, RoutingProfileId=rp,
                                                QueueConfigs=[qc(q[10], "CHAT"), qc(q[11], "TASK")])
        whole = self.aws_ok("list-routing-profile-queues", "--instance-id", self.iid, "--routing-profile-id", rp)
        paged = self.aws_ok("list-routing-profile-queues", "--instance-id", self.iid, "--routing-profile-id", rp,
                            "--page-size", "5")
        lst = paged["RoutingProfileQueueConfigSummaryList"]
        self.assertEqual(lst, whole["RoutingProfileQueueConfigSummaryList"])
        self.assertEqual(len(lst), 12)
        self.assertEqual(len({(c["QueueId"], c["Channel"]) for c in lst}), 12)
        self.assertEqual([c["QueueName"] for c in lst], sorted(c["QueueName"] for c in lst))
        for c in lst:
            self.assertEqual(set(c), {"QueueId", "QueueArn", "QueueName", "Priority", "Delay", "Channel"})
            self.assertTrue(c["QueueArn"].endswith(f"/queue/{c['QueueId']}"))
        self.assertEqual(paged["LastModifiedRegion"], "us-east-1")
        self.assertIsInstance(paged["LastModifiedTime"], (int, float))
        p1 = self.b.list_routing_profile_queues(InstanceId=self.iid, RoutingProfileId=rp, MaxResults=12)
        self.assertNotIn("NextToken", p1)
        raw = self.roster.boto(validate=False)
        for kw in ({"MaxResults": 0}, {"MaxResults": 101}, {"NextToken": "garbage"}):
            with self.subTest(**kw):
                self.assertBotoError("InvalidParameterException", raw.list_routing_profile_queues, InstanceId=self.iid,
                                     RoutingProfileId=rp, **kw)
        self.assertBotoError("ResourceNotFoundException", self.b.list_routing_profile_queues, InstanceId=self.iid,
                             RoutingProfileId=str(uuid.uuid4()))

    # ---- delete --------------------------------------------------------------------------------
    def test_delete_unused_profile(self):
        rp = self.create("To Delete", Tags={"gone": "soon"}, QueueConfigs=[qc(self.queues[0])])
        self.aws_ok("delete-routing-profile", "--instance-id", self.iid, "--routing-profile-id", rp)
        self.assertBotoError("ResourceNotFoundException", self.b.describe_routing_profile, InstanceId=self.iid,
                             RoutingProfileId=rp)
        ids = {s["Id"] for s in self.b.list_routing_profiles(InstanceId=self.iid, MaxResults=1000)
               ["RoutingProfileSummaryList"]}
        self.assertNotIn(rp, ids)
        self.assertAwsError(self.roster.aws("delete-routing-profile", "--instance-id", self.iid,
                                            "--routing-profile-id", rp), "ResourceNotFoundException")
        # The name is free again.
        self.create("To Delete")

    def test_delete_default_profile_refused(self):
        err = self.assertAwsError(self.roster.aws("delete-routing-profile", "--instance-id", self.iid,
                                                  "--routing-profile-id", self.default_rp), "InvalidRequestException")
        self.assertIn("default", err)
        self.assertEqual(self.describe(self.default_rp)["Name"], "Basic Routing Profile")

    def test_delete_routing_profile_held_by_user(self):
        rp = self.create("Held By A User")
        user = self.b.create_user(InstanceId=self.iid, Username="rt-holder", Password="Passw0rd!x",
                                  IdentityInfo={"FirstName": "R", "LastName": "H", "Email": "rt@example.com"},
                                  SecurityProfileIds=[self.b.list_security_profiles(InstanceId=self.iid)
                                                      ["SecurityProfileSummaryList"][0]["Id"]],
                                  RoutingProfileId=self.default_rp)
        uid = user["UserId"]
        self.b.update_user_routing_profile(InstanceId=self.iid, UserId=uid, RoutingProfileId=rp)
        self.assertEqual(self.describe(rp)["NumberOfAssociatedUsers"], 1)
        err = self.assertAwsError(self.roster.aws("delete-routing-profile", "--instance-id", self.iid,
                                                  "--routing-profile-id", rp), "ResourceInUseException")
        self.assertIn("1 user", err)
        e = self.assertBotoError("ResourceInUseException", self.b.delete_routing_profile, InstanceId=self.iid,
                                 RoutingProfileId=rp)
        self.assertEqual(e.response["ResourceType"], "USER")
        self.assertEqual(e.response["ResourceId"], user["UserArn"])
        self.assertEqual(self.describe(rp)["Name"], "Held By A User")
        # Moved away, the profile can go.
        self.b.update_user_routing_profile(InstanceId=self.iid, UserId=uid, RoutingProfileId=self.default_rp)
        self.b.delete_routing_profile(InstanceId=self.iid, RoutingProfileId=rp)
        self.assertBotoError("ResourceNotFoundException", self.b.describe_routing_profile, InstanceId=self.iid,
                             RoutingProfileId=rp)
        self.b.delete_user(InstanceId=self.iid, UserId=uid)

    # ---- unknown profile, every operation --------------------------------------------------------
    def test_unknown_profile_everywhere(self):
        nope = str(uuid.uuid4())
        b, iid = self.b, self.iid
        calls = [
            (b.describe_routing_profile, {}),
            (b.update_routing_profile_name, {"Name": "x"}),
            (b.update_routing_profile_default_outbound_queue, {"DefaultOutboundQueueId": self.basic_queue}),
            (b.update_routing_profile_concurrency, {"MediaConcurrencies": MEDIA}),
            (b.update_routing_profile_queues, {"QueueConfigs": [qc(self.basic_queue)]}),
            (b.associate_routing_profile_queues, {"QueueConfigs": [qc(self.basic_queue)]}),
            (b.disassociate_routing_profile_queues, {"QueueReferences": [{"QueueId": self.basic_queue,
                                                                          "Channel": "VOICE"}]}),
            (b.list_routing_profile_queues, {}),
            (b.delete_routing_profile, {}),
        ]
        for fn, kw in calls:
            with self.subTest(op=fn.__name__):
                self.assertBotoError("ResourceNotFoundException", fn, nope, InstanceId=iid, RoutingProfileId=nope,
                                     **kw)

    # ---- permissions ---------------------------------------------------------------------------
    def test_user_key_permissions(self):
        self.roster.add_user("rt-agent", "Agent")
        self.roster.add_user("rt-analyst", "QualityAnalyst")
        self.roster.add_user("rt-manager", "CallCenterManager")
        agent = self.roster.new_key(user="rt-agent")
        analyst = self.roster.new_key(user="rt-analyst")
        manager = self.roster.new_key(user="rt-manager")
        err = self.assertAwsError(self.roster.aws(
            "create-routing-profile", "--instance-id", self.iid, "--name", "by-agent", "--description", "x",
            "--default-outbound-queue-id", self.basic_queue, "--media-concurrencies", json.dumps(MEDIA),
            creds=agent), "AccessDeniedException")
        self.assertIn("RoutingPolicies.Create", err)
        self.assertAwsError(self.roster.aws("search-routing-profiles", "--instance-id", self.iid, creds=agent),
                            "AccessDeniedException")
        ba, bq, bm = self.roster.boto(creds=agent), self.roster.boto(creds=analyst), self.roster.boto(creds=manager)
        for fn, kw in [(ba.list_routing_profile_queues, {"RoutingProfileId": self.default_rp}),
                       (ba.delete_routing_profile, {"RoutingProfileId": self.default_rp}),
                       (ba.update_routing_profile_name, {"RoutingProfileId": self.default_rp, "Name": "x"})]:
            with self.subTest(op=fn.__name__):
                self.assertBotoError("AccessDeniedException", fn, InstanceId=self.iid, **kw)
        # The analyst views but does not edit.
        self.assertGreaterEqual(bq.search_routing_profiles(InstanceId=self.iid)["ApproximateTotalCount"], 1)
        bq.list_routing_profile_queues(InstanceId=self.iid, RoutingProfileId=self.default_rp)
        self.assertBotoError("AccessDeniedException", bq.associate_routing_profile_queues, "RoutingPolicies.Edit",
                             InstanceId=self.iid, RoutingProfileId=self.default_rp,
                             QueueConfigs=[qc(self.queues[0], "EMAIL")])
        self.assertBotoError("AccessDeniedException", bq.delete_routing_profile, "RoutingPolicies.Delete",
                             InstanceId=self.iid, RoutingProfileId=self.default_rp)
        # The manager creates, edits and deletes.
        rp = self.create("by-manager", b=bm)
        bm.update_routing_profile_name(InstanceId=self.iid, RoutingProfileId=rp, Description="managed")
        bm.delete_routing_profile(InstanceId=self.iid, RoutingProfileId=rp)

    # ---- search --------------------------------------------------------------------------------
    def test_search_language_against_brute_force(self):
        b = self.b
        iid = b.create_instance(IdentityManagementType="CONNECT_MANAGED", InboundCallsEnabled=True,
                                OutboundCallsEnabled=True)["Id"]
        hours = b.list_hours_of_operations(InstanceId=iid)["HoursOfOperationSummaryList"][0]["Id"]
        qs = [b.create_queue(InstanceId=iid, Name=f"sq{i}", HoursOfOperationId=hours)["QueueId"] for i in range(4)]
        specs = [
            ("Sales East", "inbound sales", {"team": "sales", "region": "east"}, [0]),
            ("Sales West", "inbound sales", {"team": "sales", "region": "west"}, [0, 1]),
            ("sales-apac", "outbound SALES", {"team": "sales"}, [1]),
            ("Support Tier 1", "first line support", {"team": "support", "tier": "1"}, [2]),
            ("Support Tier 2", "second line", {"team": "support", "tier": "2"}, [2, 3]),
            ("Billing", "money matters", {"team": "billing"}, []),
            ("billing-night", "after hours money", {}, [3]),
            ("Escalations", "tier 3 and up", {"tier": "3"}, [1, 2, 3]),
            ("VIP", "white glove", {"vip": ""}, [0, 3]),
            ("Zeta", "last by name", {"team": "sales", "tier": "1"}, [2]),
        ]
        for name, desc, tags, qi in specs:
            kw = {"Tags": tags} if tags else {}
            if qi:
                kw["QueueConfigs"] = [qc(qs[i], ch) for i in qi for ch in ("VOICE", "CHAT")]
            self.create(name, iid=iid, queue=qs[0], Description=desc, **kw)
        # One profile with a manual-assignment queue only: associatedQueueIds does not see it.
        self.create("Manual Only", iid=iid, queue=qs[0], Description="manual",
                    ManualAssignmentQueueConfigs=[{"QueueReference": {"QueueId": qs[1], "Channel": "TASK"}}])
        profiles = []
        for s in b.list_routing_profiles(InstanceId=iid)["RoutingProfileSummaryList"]:
            profiles.append(self.describe(s["Id"], iid=iid))

        def text(cmp, hay, needle):
            if cmp == "EXACT":
                return hay == needle
            if cmp == "STARTS_WITH":
                return hay.lower().startswith(needle.lower())
            return needle.lower() in hay.lower()

        def leaf(sc, p):
            f, v, cmp = sc["FieldName"], sc["Value"], sc["ComparisonType"]
            if f == "name":
                return text(cmp, p["Name"], v)
            if f == "description":
                return text(cmp, p["Description"], v)
            if f in ("resourceID", "resourceId"):
                return text(cmp, p["RoutingProfileId"], v)
            return any(text(cmp, q, v) for q in p["AssociatedQueueIds"])

        def crit(c, p):
            ok = True
            if "OrConditions" in c:
                ok = ok and any(crit(x, p) for x in c["OrConditions"])
            if "AndConditions" in c:
                ok = ok and all(crit(x, p) for x in c["AndConditions"])
            if "StringCondition" in c:
                ok = ok and leaf(c["StringCondition"], p)
            return ok

        def tag(tc, p):
            tags = p.get("Tags", {})
            return tc["TagKey"] in tags and ("TagValue" not in tc or tags[tc["TagKey"]] == tc["TagValue"])

        def tag_filter(tf, p):
            ok = True
            if "OrConditions" in tf:
                ok = ok and any(all(tag(t, p) for t in group) for group in tf["OrConditions"])
            if "AndConditions" in tf:
                ok = ok and all(tag(t, p) for t in tf["AndConditions"])
            if "TagCondition" in tf:
                ok = ok and tag(tf["TagCondition"], p)
            return ok

        def sc(field, value, cmp="EXACT"):
            return {"StringCondition": {"FieldName": field, "Value": value, "ComparisonType": cmp}}

        by_name = {p["Name"]: p for p in profiles}
        queries = [
            ({}, None),
            (sc("name", "Sales", "STARTS_WITH"), None),
            (sc("name", "sales", "STARTS_WITH"), None),
            (sc("name", "Sales East"), None),
            (sc("name", "sales east"), None),
            (sc("name", "tier", "CONTAINS"), None),
            (sc("description", "money", "CONTAINS"), None),
            (sc("description", "inbound sales"), None),
            (sc("resourceID", by_name["VIP"]["RoutingProfileId"]), None),
            (sc("resourceId", by_name["Zeta"]["RoutingProfileId"]), None),
            (sc("associatedQueueIds", qs[1]), None),
            (sc("associatedQueueIds", qs[3]), None),
            ({"OrConditions": [sc("name", "Billing"), sc("associatedQueueIds", qs[0])]}, None),
            ({"AndConditions": [sc("name", "s", "CONTAINS"), sc("associatedQueueIds", qs[2])]}, None),
            ({"OrConditions": [{"AndConditions": [sc("name", "Support", "STARTS_WITH"),
                                                  sc("associatedQueueIds", qs[3])]},
                               {"AndConditions": [sc("description", "sales", "CONTAINS"),
                                                  {"OrConditions": [sc("associatedQueueIds", qs[1]),
                                                                    sc("name", "East", "CONTAINS")]}]}]}, None),
            ({"OrConditions": []}, None),
            (sc("name", "tier", "CONTAINS"), {"TagCondition": {"TagKey": "team", "TagValue": "support"}}),
            ({}, {"TagCondition": {"TagKey": "tier"}}),
            ({}, {"AndConditions": [{"TagKey": "team", "TagValue": "sales"}, {"TagKey": "tier", "TagValue": "1"}]}),
            ({}, {"OrConditions": [[{"TagKey": "team", "TagValue": "billing"}],
                                   [{"TagKey": "region", "TagValue": "east"}], [{"TagKey": "vip"}]]}),
            ({"OrConditions": [sc("name", "Sales", "STARTS_WITH"), sc("name", "Zeta")]},
             {"OrConditions": [[{"TagKey": "region", "TagValue": "west"}], [{"TagKey": "tier", "TagValue": "1"}]]}),
        ]
        for criteria, tf in queries:
            with self.subTest(criteria=criteria, tag_filter=tf):
                kw = {}
                if criteria:
                    kw["SearchCriteria"] = criteria
                if tf:
                    kw["SearchFilter"] = {"TagFilter": tf}
                want = sorted(((p["Name"], p["RoutingProfileId"]) for p in profiles
                               if crit(criteria, p) and (not tf or tag_filter(tf, p))))
                got, token, total = [], None, None
                while True:
                    page = b.search_routing_profiles(InstanceId=iid, MaxResults=3, **kw,
                                                     **({"NextToken": token} if token else {}))
                    total = page["ApproximateTotalCount"] if total is None else total
                    self.assertEqual(page["ApproximateTotalCount"], len(want))
                    got += page["RoutingProfiles"]
                    token = page.get("NextToken")
                    if not token:
                        break
                self.assertEqual([(p["Name"], p["RoutingProfileId"]) for p in got], want)
        # The shape of a search result: the RoutingProfile without the four members §5 leaves out.
        one = b.search_routing_profiles(InstanceId=iid, SearchCriteria=sc("name", "Sales West"))["RoutingProfiles"][0]
        full = by_name["Sales West"]
        for gone in ("LastModifiedTime", "LastModifiedRegion", "AgentAvailabilityTimer"):
            self.assertNotIn(gone, one)
        for m in one["MediaConcurrencies"]:
            self.assertNotIn("CrossChannelBehavior", m)
        for key in ("Name", "Description", "RoutingProfileId", "RoutingProfileArn", "InstanceId", "Tags",
                    "DefaultOutboundQueueId", "NumberOfAssociatedQueues", "IsDefault", "NumberOfAssociatedUsers"):
            self.assertEqual(one[key], full[key], key)
        self.assertEqual(sorted(one["AssociatedQueueIds"]), sorted(full["AssociatedQueueIds"]))
        # The CLI: nested criteria from a JSON argument, auto-paginated.
        out = self.aws_ok("search-routing-profiles", "--instance-id", iid, "--page-size", "2", "--search-criteria",
                          json.dumps({"OrConditions": [sc("name", "Support", "STARTS_WITH"),
                                                       sc("name", "billing", "CONTAINS")]}))
        self.assertEqual([p["Name"] for p in out["RoutingProfiles"]],
                         ["Billing", "Support Tier 1", "Support Tier 2", "billing-night"])
        self.assertEqual(out["ApproximateTotalCount"], 4)
        # Errors.
        raw = self.roster.boto(validate=False)
        bad = [{"SearchCriteria": sc("Username", "x")}, {"SearchCriteria": sc("name", "")},
               {"SearchCriteria": {"StringCondition": {"FieldName": "name", "Value": "x", "ComparisonType": "LIKE"}}},
               {"SearchCriteria": {"StringCondition": {"FieldName": "name", "Value": "x"}}},
               {"SearchFilter": {"TagFilter": {"TagCondition": {"TagValue": "x"}}}},
               {"MaxResults": 501}, {"MaxResults": 0}, {"NextToken": "garbage"}]
        for kw in bad:
            with self.subTest(bad=kw):
                self.assertBotoError("InvalidParameterException", raw.search_routing_profiles, InstanceId=iid, **kw)
        err = self.assertAwsError(self.roster.aws("search-routing-profiles", "--instance-id", iid,
                                                  "--search-criteria", json.dumps(sc("queue", "x"))),
                                  "InvalidParameterException")
        self.assertIn("associatedQueueIds", err)
        self.assertEqual(len(b.search_routing_profiles(InstanceId=iid, MaxResults=500)["RoutingProfiles"]),
                         len(profiles))
        self.assertBotoError("ResourceNotFoundException", b.search_routing_profiles, InstanceId=str(uuid.uuid4()))

    # ---- pagination over 300 profiles -------------------------------------------------------------
    def test_cli_auto_pagination_300_profiles(self):
        b = self.b
        iid = b.create_instance(IdentityManagementType="SAML", InboundCallsEnabled=True,
                                OutboundCallsEnabled=True)["Id"]
        queue = b.list_queues(InstanceId=iid, QueueTypes=["STANDARD"])["QueueSummaryList"][0]["Id"]
        made = {self.create(f"page-{i:03d}-{uuid.uuid4().hex[:4]}", iid=iid, queue=queue) for i in range(300)}
        self.assertEqual(len(made), 300)
        out = self.aws_ok("list-routing-profiles", "--instance-id", iid)
        ids = [s["Id"] for s in out["RoutingProfileSummaryList"]]
        self.assertEqual(len(ids), 301, "a duplicate or a gap")
        self.assertEqual(len(set(ids)), 301)
        self.assertTrue(made < set(ids))
        names = [s["Name"] for s in out["RoutingProfileSummaryList"]]
        self.assertEqual(names, sorted(names))
        out = self.aws_ok("search-routing-profiles", "--instance-id", iid)
        sids = [p["RoutingProfileId"] for p in out["RoutingProfiles"]]
        self.assertEqual(len(sids), 301)
        self.assertEqual(set(sids), set(ids))
        self.assertEqual(out["ApproximateTotalCount"], 301)
        out = self.aws_ok("search-routing-profiles", "--instance-id", iid, "--page-size", "37", "--search-criteria",
                          json.dumps({"StringCondition": {"FieldName": "name", "Value": "page-1",
                                                          "ComparisonType": "STARTS_WITH"}}))
        got = [p["Name"] for p in out["RoutingProfiles"]]
        self.assertEqual(len(got), 100)
        self.assertEqual(len(set(got)), 100)
        self.assertTrue(all(n.startswith("page-1") for n in got))
        self.assertEqual(out["ApproximateTotalCount"], 100)


if __name__ == "__main__":
    unittest.main()
