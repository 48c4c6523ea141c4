"""test_queues.py — creating queues and hours of operation through the real aws CLI and boto3:
round trips through Describe and List, every rule of the inputs and the errors they give, and the
permissions of user keys.
"""
import json
import unittest
import uuid

from harness import RosterTestCase

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
DAYS = ["SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"]


def slot(day, sh, sm, eh, em):
    return {"Day": day, "StartTime": {"Hours": sh, "Minutes": sm}, "EndTime": {"Hours": eh, "Minutes": em}}


def error_code(exc):
    return exc.response["Error"]["Code"]


class QueuesTest(RosterTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        b = cls.b = cls.roster.boto()
        cls.iid = cls.roster.instance_id
        cls.hours = b.list_hours_of_operations(InstanceId=cls.iid)["HoursOfOperationSummaryList"][0]["Id"]

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

    def queue_names(self):
        pages = self.b.get_paginator("list_queues").paginate(InstanceId=self.iid, QueueTypes=["STANDARD"])
        return {q["Name"] for p in pages for q in p["QueueSummaryList"]}

    def hours_names(self):
        pages = self.b.get_paginator("list_hours_of_operations").paginate(InstanceId=self.iid)
        return {h["Name"] for p in pages for h in p["HoursOfOperationSummaryList"]}

    # ---- queues --------------------------------------------------------------------------------
    def test_create_queue_round_trip_cli(self):
        out = self.aws_ok("create-queue", "--instance-id", self.iid, "--name", "Support Queue", "--description",
                          "Second line", "--hours-of-operation-id", self.hours, "--max-contacts", "25",
                          "--outbound-caller-config", json.dumps({"OutboundCallerIdName": "ACME Support",
                                                                  "OutboundCallerIdNumberId": "pn-1234",
                                                                  "OutboundFlowId": "flow-9"}),
                          "--tags", "dept=support")
        qid = out["QueueId"]
        self.assertRegex(qid, UUID)
        self.assertRegex(out["QueueArn"], rf"^arn:aws:connect:us-east-1:\d{{12}}:instance/{self.iid}/queue/{qid}$")
        q = self.aws_ok("describe-queue", "--instance-id", self.iid, "--queue-id", qid)["Queue"]
        self.assertEqual(q["Name"], "Support Queue")
        self.assertEqual(q["QueueId"], qid)
        self.assertEqual(q["QueueArn"], out["QueueArn"])
        self.assertEqual(q["Description"], "Second line")
        self.assertEqual(q["HoursOfOperationId"], self.hours)
        self.assertEqual(q["MaxContacts"], 25)
        self.assertEqual(q["Status"], "ENABLED")
        self.assertEqual(q["OutboundCallerConfig"], {"OutboundCallerIdName": "ACME Support",
                                                     "OutboundCallerIdNumberId": "pn-1234", "OutboundFlowId": "flow-9"})
        self.assertEqual(q["Tags"], {"dept": "support"})
        self.assertEqual(q["LastModifiedRegion"], "us-east-1")
        self.assertIsInstance(q["LastModifiedTime"], (int, float))
        self.assertIn("Support Queue", self.queue_names())
        # The least a queue needs: a name and hours.
        minimal = self.b.create_queue(InstanceId=self.iid, Name="Minimal Queue", HoursOfOperationId=self.hours)
        mq = self.b.describe_queue(InstanceId=self.iid, QueueId=minimal["QueueId"])["Queue"]
        for absent in ("Description", "MaxContacts", "OutboundCallerConfig", "Tags"):
            self.assertNotIn(absent, mq)
        # Part of an outbound caller config is kept as given.
        part = self.b.create_queue(InstanceId=self.iid, Name="Caller Name Only", HoursOfOperationId=self.hours,
                                   OutboundCallerConfig={"OutboundCallerIdName": "Only a name"}, MaxContacts=0)
        pq = self.b.describe_queue(InstanceId=self.iid, QueueId=part["QueueId"])["Queue"]
        self.assertEqual(pq["OutboundCallerConfig"], {"OutboundCallerIdName": "Only a name"})
        self.assertEqual(pq["MaxContacts"], 0)

    def test_queue_duplicate_name(self):
        self.b.create_queue(InstanceId=self.iid, Name="Twin Queue", HoursOfOperationId=self.hours)
        err = self.assertAwsError(self.roster.aws("create-queue", "--instance-id", self.iid, "--name", "Twin Queue",
                                                  "--hours-of-operation-id", self.hours), "DuplicateResourceException")
        self.assertIn("Twin Queue", err)
        self.assertBotoError("DuplicateResourceException", self.b.create_queue, InstanceId=self.iid,
                             Name="BasicQueue", HoursOfOperationId=self.hours)

    def test_queue_unknown_hours(self):
        nope = str(uuid.uuid4())
        err = self.assertAwsError(self.roster.aws("create-queue", "--instance-id", self.iid, "--name", "Lost Queue",
                                                  "--hours-of-operation-id", nope), "ResourceNotFoundException")
        self.assertIn(nope, err)
        # Hours of another instance are unknown here.
        other = self.b.create_instance(IdentityManagementType="SAML", InboundCallsEnabled=True,
                                       OutboundCallsEnabled=True)["Id"]
        other_hours = self.b.list_hours_of_operations(InstanceId=other)["HoursOfOperationSummaryList"][0]["Id"]
        self.assertBotoError("ResourceNotFoundException", self.b.create_queue, other_hours, InstanceId=self.iid,
                             Name="Lost Queue", HoursOfOperationId=other_hours)
        self.assertNotIn("Lost Queue", self.queue_names())

    def test_queue_unsupported_members(self):
        err = self.assertAwsError(self.roster.aws("create-queue", "--instance-id", self.iid, "--name", "QC Queue",
                                                  "--hours-of-operation-id", self.hours, "--quick-connect-ids",
                                                  str(uuid.uuid4())), "InvalidRequestException")
        self.assertIn("quick connect", err)
        self.assertBotoError("InvalidRequestException", self.b.create_queue, "OutboundEmailConfig",
                             InstanceId=self.iid, Name="QC Queue", HoursOfOperationId=self.hours,
                             OutboundEmailConfig={"OutboundEmailAddressId": "e-1"})
        self.assertBotoError("InvalidRequestException", self.b.create_queue, "EmailAddressesConfig",
                             InstanceId=self.iid, Name="QC Queue", HoursOfOperationId=self.hours,
                             EmailAddressesConfig=[{"EmailAddressId": "e-1"}])
        self.assertNotIn("QC Queue", self.queue_names())

    def test_queue_field_rules(self):
        raw = self.roster.boto(validate=False)
        base = dict(InstanceId=self.iid, Name="Rules Queue", HoursOfOperationId=self.hours)
        cases = [({"Name": "n" * 128}, "Name"), ({"Name": ""}, "Name"), ({"Description": "d" * 251}, "Description"),
                 ({"Description": ""}, "Description"), ({"MaxContacts": -1}, "MaxContacts"),
                 ({"OutboundCallerConfig": {"OutboundCallerIdName": "x" * 256}}, "OutboundCallerIdName"),
                 ({"OutboundCallerConfig": {"OutboundCallerIdName": ""}}, "OutboundCallerIdName"),
                 ({"OutboundCallerConfig": {"OutboundFlowId": "f" * 501}}, "OutboundFlowId"),
                 ({"Tags": {"aws:reserved": "x"}}, "aws:"), ({"HoursOfOperationId": None}, "HoursOfOperationId")]
        for change, part in cases:
            with self.subTest(part=part, change=str(change)[:50]):
                kw = {k: v for k, v in {**base, **change}.items() if v is not None}
                self.assertBotoError("InvalidParameterException", raw.create_queue, part, **kw)
        self.assertNotIn("Rules Queue", self.queue_names())
        # At the limits.
        self.b.create_queue(InstanceId=self.iid, Name="q" * 127, Description="d" * 250, HoursOfOperationId=self.hours,
                            OutboundCallerConfig={"OutboundCallerIdName": "x" * 255, "OutboundFlowId": "f" * 500})

    def test_new_queue_serves_routing_profiles(self):
        h = self.b.create_hours_of_operation(InstanceId=self.iid, Name="Queue Hours", TimeZone="Europe/Berlin",
                                             Config=[slot("MONDAY", 8, 0, 17, 0)])["HoursOfOperationId"]
        qid = self.b.create_queue(InstanceId=self.iid, Name="Routed Queue", HoursOfOperationId=h)["QueueId"]
        self.assertEqual(self.b.describe_queue(InstanceId=self.iid, QueueId=qid)["Queue"]["HoursOfOperationId"], h)
        rp = self.b.create_routing_profile(
            InstanceId=self.iid, Name="Uses Routed Queue", Description="d", DefaultOutboundQueueId=qid,
            MediaConcurrencies=[{"Channel": "VOICE", "Concurrency": 1}],
            QueueConfigs=[{"QueueReference": {"QueueId": qid, "Channel": "VOICE"}, "Priority": 1, "Delay": 0}])
        d = self.b.describe_routing_profile(InstanceId=self.iid, RoutingProfileId=rp["RoutingProfileId"])
        self.assertEqual(d["RoutingProfile"]["AssociatedQueueIds"], [qid])

    # ---- hours of operation --------------------------------------------------------------------
    def test_create_hours_round_trip_cli(self):
        config = [slot("MONDAY", 9, 0, 17, 30), slot("MONDAY", 18, 0, 0, 0), slot("SATURDAY", 0, 0, 0, 0),
                  slot("FRIDAY", 7, 15, 12, 45)]
        out = self.aws_ok("create-hours-of-operation", "--instance-id", self.iid, "--name", "Office Hours",
                          "--description", "Weekdays and Saturday", "--time-zone", "America/New_York",
                          "--config", json.dumps(config), "--tags", "site=nyc")
        hid = out["HoursOfOperationId"]
        self.assertRegex(hid, UUID)
        self.assertRegex(out["HoursOfOperationArn"],
                         rf"^arn:aws:connect:us-east-1:\d{{12}}:instance/{self.iid}/operating-hours/{hid}$")
        h = self.aws_ok("describe-hours-of-operation", "--instance-id", self.iid, "--hours-of-operation-id",
                        hid)["HoursOfOperation"]
        self.assertEqual(h["Name"], "Office Hours")
        self.assertEqual(h["Description"], "Weekdays and Saturday")
        self.assertEqual(h["TimeZone"], "America/New_York")
        self.assertEqual(h["HoursOfOperationArn"], out["HoursOfOperationArn"])
        self.assertEqual(h["Config"], config)
        self.assertEqual(h["Tags"], {"site": "nyc"})
        self.assertEqual(h["LastModifiedRegion"], "us-east-1")
        self.assertIn("Office Hours", self.hours_names())
        # An empty config (always closed) and UTC.
        closed = self.b.create_hours_of_operation(InstanceId=self.iid, Name="Closed", TimeZone="UTC", Config=[])
        hc = self.b.describe_hours_of_operation(InstanceId=self.iid,
                                                HoursOfOperationId=closed["HoursOfOperationId"])["HoursOfOperation"]
        self.assertEqual(hc["Config"], [])
        self.assertNotIn("Description", hc)
        # 100 entries is the most.
        hundred = [slot(DAYS[i % 7], i // 7, 0, i // 7, 30) for i in range(100)]
        self.b.create_hours_of_operation(InstanceId=self.iid, Name="Hundred", TimeZone="Asia/Tokyo", Config=hundred)

    def test_hours_duplicate_name(self):
        err = self.assertAwsError(self.roster.aws("create-hours-of-operation", "--instance-id", self.iid, "--name",
                                                  "Basic Hours", "--time-zone", "UTC", "--config", "[]"),
                                  "DuplicateResourceException")
        self.assertIn("Basic Hours", err)

    def test_hours_bad_time_zone(self):
        err = self.assertAwsError(self.roster.aws("create-hours-of-operation", "--instance-id", self.iid, "--name",
                                                  "Bad Zone", "--time-zone", "Mars/Olympus_Mons", "--config", "[]"),
                                  "InvalidParameterException")
        self.assertIn("TimeZone", err)
        for tz in ("", "europe/paris", "../../etc/passwd", "/usr/share/zoneinfo/UTC", "Europe/", "posix/Europe/Paris",
                   "zone.tab", "Europe/Paris ", "x" * 65):
            with self.subTest(tz=tz):
                self.assertBotoError("InvalidParameterException", self.roster.boto(validate=False)
                                     .create_hours_of_operation, "TimeZone", InstanceId=self.iid, Name="Bad Zone",
                                     TimeZone=tz, Config=[])
        self.assertNotIn("Bad Zone", self.hours_names())
        for tz in ("Europe/Paris", "America/Argentina/Buenos_Aires", "Etc/GMT+5", "Australia/Sydney"):
            with self.subTest(good=tz):
                self.b.create_hours_of_operation(InstanceId=self.iid, Name=f"Zone {tz}", TimeZone=tz, Config=[])

    def test_hours_config_rules(self):
        raw = self.roster.boto(validate=False)
        cases = [
            ([slot("FUNDAY", 9, 0, 17, 0)], "Day"),
            ([slot("monday", 9, 0, 17, 0)], "Day"),
            ([slot("MONDAY", 9, 0, 24, 0)], "EndTime.Hours"),
            ([slot("MONDAY", 24, 0, 0, 0)], "StartTime.Hours"),
            ([slot("MONDAY", 9, 60, 17, 0)], "StartTime.Minutes"),
            ([slot("MONDAY", 9, 0, 17, -1)], "EndTime.Minutes"),
            ([slot("MONDAY", 17, 0, 9, 0)], "must come after"),
            ([slot("MONDAY", 9, 0, 9, 0)], "must come after"),
            ([slot("MONDAY", 9, 0, 12, 0), slot("MONDAY", 11, 0, 13, 0)], "overlap"),
            ([slot("MONDAY", 20, 0, 0, 0), slot("MONDAY", 23, 0, 23, 30)], "overlap"),
            ([{"Day": "MONDAY", "StartTime": {"Hours": 9}, "EndTime": {"Hours": 10, "Minutes": 0}}], "Minutes"),
            ([{"Day": "MONDAY", "StartTime": {"Hours": 9, "Minutes": 0}}], "EndTime"),
            ([slot(DAYS[i % 7], i // 7, 0, i // 7, 30) for i in range(101)], "100"),
        ]
        for config, part in cases:
            with self.subTest(part=part, config=str(config)[:80]):
                self.assertBotoError("InvalidParameterException", raw.create_hours_of_operation, part,
                                     InstanceId=self.iid, Name="Bad Config", TimeZone="UTC", Config=config)
        err = self.assertAwsError(self.roster.aws("create-hours-of-operation", "--instance-id", self.iid, "--name",
                                                  "Bad Config", "--time-zone", "UTC", "--config",
                                                  json.dumps([slot("MONDAY", 9, 0, 24, 0)])),
                                  "InvalidParameterException")
        self.assertIn("Config[0].EndTime.Hours", err)
        err = self.assertAwsError(self.roster.aws("create-hours-of-operation", "--instance-id", self.iid, "--name",
                                                  "Bad Config", "--time-zone", "UTC", "--config",
                                                  json.dumps([slot(DAYS[i % 7], i // 7, 0, i // 7, 30)
                                                              for i in range(101)])),
                                  "InvalidParameterException")
        self.assertIn("100", err)
        for kw, part in [({"Name": "n" * 128}, "Name"), ({"Description": ""}, "Description"),
                         ({"Config": None}, "Config"), ({"TimeZone": None}, "TimeZone")]:
            with self.subTest(part=part):
                args = {k: v for k, v in {"InstanceId": self.iid, "Name": "Bad Config", "TimeZone": "UTC",
                                          "Config": [], **kw}.items() if v is not None}
                self.assertBotoError("InvalidParameterException", raw.create_hours_of_operation, part, **args)
        self.assertNotIn("Bad Config", self.hours_names())
        # Back to back on one day, and different days at the same time, are fine.
        self.b.create_hours_of_operation(InstanceId=self.iid, Name="Split Shift", TimeZone="UTC",
                                         Config=[slot("MONDAY", 9, 0, 12, 0), slot("MONDAY", 12, 0, 0, 0),
                                                 slot("TUESDAY", 9, 0, 12, 0)])

    def test_hours_parent_configs_unsupported(self):
        err = self.assertAwsError(self.roster.aws(
            "create-hours-of-operation", "--instance-id", self.iid, "--name", "Child Hours", "--time-zone", "UTC",
            "--config", "[]", "--parent-hours-of-operation-configs",
            json.dumps([{"HoursOfOperationId": self.hours}])), "InvalidRequestException")
        self.assertIn("not supported", err)
        self.assertNotIn("Child Hours", self.hours_names())

    # ---- permissions ---------------------------------------------------------------------------
    def test_user_key_permissions(self):
        self.roster.add_user("qt-manager", "CallCenterManager")
        self.roster.add_user("qt-admin", "Admin")
        manager = self.roster.boto(creds=self.roster.new_key(user="qt-manager"))
        admin = self.roster.boto(creds=self.roster.new_key(user="qt-admin"))
        # The manager views queues and hours but creates neither.
        manager.describe_queue(InstanceId=self.iid,
                               QueueId=manager.list_queues(InstanceId=self.iid)["QueueSummaryList"][0]["Id"])
        self.assertBotoError("AccessDeniedException", manager.create_queue, "Queues.Create", InstanceId=self.iid,
                             Name="By Manager", HoursOfOperationId=self.hours)
        self.assertBotoError("AccessDeniedException", manager.create_hours_of_operation, "HoursOfOperation.Create",
                             InstanceId=self.iid, Name="By Manager", TimeZone="UTC", Config=[])
        # An Admin user does both.
        h = admin.create_hours_of_operation(InstanceId=self.iid, Name="By Admin", TimeZone="UTC", Config=[])
        admin.create_queue(InstanceId=self.iid, Name="By Admin", HoursOfOperationId=h["HoursOfOperationId"])
        self.assertIn("By Admin", self.queue_names())
        self.assertNotIn("By Manager", self.queue_names())


if __name__ == "__main__":
    unittest.main()
