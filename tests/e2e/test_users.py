"""test_users.py — users through the real aws CLI and boto3: CreateUser, DescribeUser, ListUsers,
every update (identity, phone config, per-channel config, routing profile, security profiles,
hierarchy) and DeleteUser; each rule violated once, unicode names, the CLI auto-paginating through
2,500 users, permissions of user keys (and the grant rule), sixteen concurrent updates of one
user, concurrent creates of one username, the AGENT queue of every user, and that no password or
hash ever comes back.

Rules the clients check themselves (required members, minimums) are sent with boto3's
validation switched off (`raw`), so the server's own answer is what is tested.
"""
import concurrent.futures
import json
import re
import threading
import time
import unittest
import uuid

from botocore.exceptions import ClientError

from harness import RosterTestCase
from signing import call

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
PASSWORD = "Passw0rd!x"
CHANNELS = ["VOICE", "CHAT", "TASK", "EMAIL"]


def code(exc):
    return exc.response["Error"]["Code"]


class UsersTest(RosterTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.roster
        b = cls.b = r.boto()
        cls.raw = r.boto(validate=False)
        iid = cls.iid = r.instance_id
        cls.sp = {s["Name"]: s["Id"] for s in b.list_security_profiles(InstanceId=iid)["SecurityProfileSummaryList"]}
        cls.rp = b.list_routing_profiles(InstanceId=iid)["RoutingProfileSummaryList"][0]["Id"]
        cls.queue = b.list_queues(InstanceId=iid, QueueTypes=["STANDARD"])["QueueSummaryList"][0]["Id"]
        cls.rp2 = b.create_routing_profile(InstanceId=iid, Name="Second", Description="another",
                                           DefaultOutboundQueueId=cls.queue,
                                           MediaConcurrencies=[{"Channel": "VOICE", "Concurrency": 1}])[
            "RoutingProfileId"]
        b.update_user_hierarchy_structure(InstanceId=iid, HierarchyStructure={"LevelOne": {"Name": "Site"}})
        cls.groups = [b.create_user_hierarchy_group(InstanceId=iid, Name=n)["HierarchyGroupId"]
                      for n in ("Paris", "Lyon")]
        saml = b.create_instance(IdentityManagementType="SAML", InboundCallsEnabled=True, OutboundCallsEnabled=True)
        cls.saml = saml["Id"]
        cls.saml_sp = {s["Name"]: s["Id"] for s in
                       b.list_security_profiles(InstanceId=cls.saml)["SecurityProfileSummaryList"]}
        cls.saml_rp = b.list_routing_profiles(InstanceId=cls.saml)["RoutingProfileSummaryList"][0]["Id"]
        r.add_user("u-agent", "Agent")
        r.add_user("u-manager", "CallCenterManager")
        cls.agent_key = r.new_key(user="u-agent")
        cls.manager_key = r.new_key(user="u-manager")

    # ---- helpers -------------------------------------------------------------------------------
    def create(self, username=None, client=None, **kw):
        """A CONNECT_MANAGED user of the default instance; returns its id."""
        args = dict(InstanceId=self.iid, Username=username or f"u{uuid.uuid4().hex[:12]}", Password=PASSWORD,
                    IdentityInfo={"FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@example.com"},
                    SecurityProfileIds=[self.sp["Agent"]], RoutingProfileId=self.rp)
        args.update(kw)
        args = {k: v for k, v in args.items() if v is not None}
        return (client or self.b).create_user(**args)["UserId"]

    def create_saml(self, username=None, client=None, **kw):
        args = dict(InstanceId=self.saml, Username=username or f"s{uuid.uuid4().hex[:12]}",
                    IdentityInfo={"FirstName": "Grace", "LastName": "Hopper"},
                    SecurityProfileIds=[self.saml_sp["Agent"]], RoutingProfileId=self.saml_rp)
        args.update(kw)
        args = {k: v for k, v in args.items() if v is not None}
        return (client or self.b).create_user(**args)["UserId"]

    def describe(self, uid, iid=None):
        return self.b.describe_user(InstanceId=iid or self.iid, UserId=uid)["User"]

    def bad_create(self, exc, message_part=None, client=None, saml=False, **kw):
        fn = self.create_saml if saml else self.create
        with self.assertRaises(ClientError) as cm:
            fn(client=client or self.raw, **kw)
        self.assertEqual(code(cm.exception), exc, cm.exception.response)
        if message_part:
            self.assertIn(message_part, cm.exception.response["Error"]["Message"])
        return cm.exception

    # ---- create and describe ---------------------------------------------------------------------
    def test_describe_follows_every_change_at_once(self):
        """DescribeUser answers from a cache of rendered documents keyed by the user's version;
        each kind of change must show in the very next DescribeUser."""
        uid = self.create_saml()
        arn = self.describe(uid, self.saml)["Arn"]
        for _ in range(2):  # the second describe is answered from the cache
            self.assertEqual(self.describe(uid, self.saml)["Tags"], {})
        self.b.tag_resource(resourceArn=arn, tags={"team": "blue"})
        self.assertEqual(self.describe(uid, self.saml)["Tags"], {"team": "blue"})
        self.b.untag_resource(resourceArn=arn, tagKeys=["team"])
        self.assertEqual(self.describe(uid, self.saml)["Tags"], {})
        self.b.update_user_identity_info(InstanceId=self.saml, UserId=uid,
                                         IdentityInfo={"FirstName": "Changed", "LastName": "Hopper"})
        self.assertEqual(self.describe(uid, self.saml)["IdentityInfo"]["FirstName"], "Changed")
        self.b.update_user_phone_config(InstanceId=self.saml, UserId=uid,
                                        PhoneConfig={"PhoneType": "SOFT_PHONE", "AfterContactWorkTimeLimit": 45})
        self.assertEqual(self.describe(uid, self.saml)["PhoneConfig"]["AfterContactWorkTimeLimit"], 45)
        self.b.update_user_security_profiles(InstanceId=self.saml, UserId=uid,
                                             SecurityProfileIds=[self.saml_sp["QualityAnalyst"]])
        self.assertEqual(self.describe(uid, self.saml)["SecurityProfileIds"], [self.saml_sp["QualityAnalyst"]])
        self.b.delete_user(InstanceId=self.saml, UserId=uid)
        self.assertBotoError("ResourceNotFoundException", self.b.describe_user, InstanceId=self.saml, UserId=uid)

    def test_create_describe_round_trip_cli(self):
        out = self.aws_ok(
            "create-user", "--instance-id", self.iid, "--username", "jdoe", "--password", PASSWORD,
            "--identity-info", json.dumps({"FirstName": "Jane", "LastName": "Doe", "Email": "jane@example.com",
                                           "SecondaryEmail": "jane.doe@example.org", "Mobile": "+15555550123"}),
            "--phone-config", "PhoneType=DESK_PHONE,AutoAccept=true,AfterContactWorkTimeLimit=30,"
                              "DeskPhoneNumber=+15555550100",
            "--security-profile-ids", self.sp["Agent"], self.sp["QualityAnalyst"],
            "--routing-profile-id", self.rp, "--hierarchy-group-id", self.groups[0],
            "--tags", "team=blue,env=dev")
        uid = out["UserId"]
        self.assertRegex(uid, "^" + UUID + "$")
        self.assertRegex(out["UserArn"], rf"^arn:aws:connect:us-east-1:\d{{12}}:instance/{self.iid}/agent/{uid}$")
        rc, raw_out, err = self.roster.aws("describe-user", "--instance-id", self.iid, "--user-id", uid)
        self.assertEqual(rc, 0, err)
        u = raw_out["User"]
        self.assertEqual(u["Id"], uid)
        self.assertEqual(u["Arn"], out["UserArn"])
        self.assertEqual(u["Username"], "jdoe")
        self.assertEqual(u["IdentityInfo"], {"FirstName": "Jane", "LastName": "Doe", "Email": "jane@example.com",
                                             "SecondaryEmail": "jane.doe@example.org", "Mobile": "+15555550123"})
        self.assertEqual(u["PhoneConfig"], {"PhoneType": "DESK_PHONE", "AutoAccept": True,
                                            "AfterContactWorkTimeLimit": 30, "DeskPhoneNumber": "+15555550100",
                                            "PersistentConnection": False})
        self.assertEqual(sorted(u["SecurityProfileIds"]), sorted([self.sp["Agent"], self.sp["QualityAnalyst"]]))
        self.assertEqual(u["RoutingProfileId"], self.rp)
        self.assertEqual(u["HierarchyGroupId"], self.groups[0])
        self.assertEqual(u["Tags"], {"team": "blue", "env": "dev"})
        self.assertEqual(u["LastModifiedRegion"], "us-east-1")
        self.assertIsInstance(u["LastModifiedTime"], (int, float))
        self.assertLessEqual(abs(u["LastModifiedTime"] - time.time()), 300)
        # The legacy ACW applies to every channel; the rest of PhoneConfig is VOICE's.
        self.assertEqual([(c["Channel"], c["AfterContactWorkConfig"]["AfterContactWorkTimeLimit"])
                          for c in u["AfterContactWorkConfigs"]], [(ch, 30) for ch in CHANNELS])
        self.assertEqual([(c["Channel"], c["AutoAccept"]) for c in u["AutoAcceptConfigs"]],
                         [("VOICE", True), ("CHAT", False), ("TASK", False), ("EMAIL", False)])
        self.assertEqual(u["PhoneNumberConfigs"], [{"Channel": "VOICE", "PhoneType": "DESK_PHONE",
                                                    "PhoneNumber": "+15555550100"}])
        # Never a password or its hash.
        text = json.dumps(raw_out)
        self.assertNotIn(PASSWORD, text)
        self.assertNotIn("argon2", text)
        self.assertNotIn("Password", text)
        self.assertNotIn(PASSWORD, self.roster.log())

    def test_defaults_of_a_new_user(self):
        u = self.describe(self.create())
        self.assertEqual(u["PhoneConfig"], {"PhoneType": "SOFT_PHONE", "AutoAccept": False,
                                            "AfterContactWorkTimeLimit": 0, "DeskPhoneNumber": "",
                                            "PersistentConnection": False})
        self.assertEqual(u["Tags"], {})
        self.assertNotIn("HierarchyGroupId", u)
        self.assertEqual(len(u["AutoAcceptConfigs"]), 4)
        self.assertEqual(u["VoiceEnhancementConfigs"], [{"Channel": "VOICE", "VoiceEnhancementMode": "NONE"}])
        self.assertEqual(u["PersistentConnectionConfigs"], [{"Channel": "VOICE", "PersistentConnection": False}])

    def test_create_with_per_channel_configs(self):
        uid = self.create(
            AutoAcceptConfigs=[{"Channel": "CHAT", "AutoAccept": True, "AgentFirstCallbackAutoAccept": False},
                               {"Channel": "VOICE", "AutoAccept": True}],
            AfterContactWorkConfigs=[{"Channel": "TASK", "AfterContactWorkConfig": {"AfterContactWorkTimeLimit": 120},
                                      "AgentFirstCallbackAfterContactWorkConfig": {"AfterContactWorkTimeLimit": 30}},
                                     {"Channel": "VOICE", "AfterContactWorkConfig": {"AfterContactWorkTimeLimit": 2000000}}],
            PhoneNumberConfigs=[{"Channel": "VOICE", "PhoneType": "DESK_PHONE", "PhoneNumber": "+4930123456"}],
            PersistentConnectionConfigs=[{"Channel": "VOICE", "PersistentConnection": True}],
            VoiceEnhancementConfigs=[{"Channel": "VOICE", "VoiceEnhancementMode": "NOISE_SUPPRESSION"}])
        u = self.describe(uid)
        aa = {c["Channel"]: c for c in u["AutoAcceptConfigs"]}
        self.assertEqual(aa["CHAT"], {"Channel": "CHAT", "AutoAccept": True, "AgentFirstCallbackAutoAccept": False})
        self.assertEqual(aa["VOICE"], {"Channel": "VOICE", "AutoAccept": True})
        self.assertFalse(aa["TASK"]["AutoAccept"])
        acw = {c["Channel"]: c for c in u["AfterContactWorkConfigs"]}
        self.assertEqual(acw["TASK"], {"Channel": "TASK", "AfterContactWorkConfig": {"AfterContactWorkTimeLimit": 120},
                                       "AgentFirstCallbackAfterContactWorkConfig": {"AfterContactWorkTimeLimit": 30}})
        self.assertEqual(acw["CHAT"]["AfterContactWorkConfig"]["AfterContactWorkTimeLimit"], 0)
        self.assertEqual(u["PhoneConfig"], {"PhoneType": "DESK_PHONE", "AutoAccept": True,
                                            "AfterContactWorkTimeLimit": 2000000, "DeskPhoneNumber": "+4930123456",
                                            "PersistentConnection": True})
        self.assertEqual(u["VoiceEnhancementConfigs"], [{"Channel": "VOICE",
                                                         "VoiceEnhancementMode": "NOISE_SUPPRESSION"}])
        # Legacy members and per-channel entries for other channels go together.
        uid = self.create(PhoneConfig={"AutoAccept": True}, AutoAcceptConfigs=[{"Channel": "CHAT", "AutoAccept": True}])
        self.assertTrue(all(c["AutoAccept"] for c in self.describe(uid)["AutoAcceptConfigs"][:2]))

    def test_saml_user(self):
        name = "testuser@example.com"
        uid = self.create_saml(name, IdentityInfo={"FirstName": "T", "LastName": "U",
                                                   "SecondaryEmail": "t@example.org"})
        u = self.describe(uid, self.saml)
        self.assertEqual(u["Username"], name)
        self.assertEqual(u["IdentityInfo"], {"FirstName": "T", "LastName": "U", "SecondaryEmail": "t@example.org"})
        self.create_saml("x" * 64)
        self.create_saml("a.b_c-d")

    def test_unicode_names_round_trip(self):
        uid = self.create()
        names = [("José", 'Ünïcödé 😀 "quoted"'), ("山田", "太郎"), ("Zoë 👩‍👩‍👧", "Ørsted-Łukasiewicz")]
        for first, last in names:
            with self.subTest(first=first):
                self.aws_ok("update-user-identity-info", "--instance-id", self.iid, "--user-id", uid,
                            "--identity-info", json.dumps({"FirstName": first, "LastName": last}))
                info = self.describe(uid)["IdentityInfo"]
                self.assertEqual((info["FirstName"], info["LastName"]), (first, last))
                self.assertEqual(info["Email"], "ada@example.com")  # untouched
        uid = self.create(IdentityInfo={"FirstName": "é" * 255, "LastName": "😀" * 300, "Email": "e@example.com"})
        info = self.describe(uid)["IdentityInfo"]
        self.assertEqual((info["FirstName"], info["LastName"]), ("é" * 255, "😀" * 300))

    def test_describe_errors(self):
        self.assertBotoError("ResourceNotFoundException", self.b.describe_user, InstanceId=self.iid,
                             UserId=str(uuid.uuid4()))
        err = self.assertAwsError(self.roster.aws("describe-user", "--instance-id", self.iid, "--user-id", "a b/c"),
                                  "ResourceNotFoundException")
        self.assertIn("a b/c", err)
        self.assertBotoError("ResourceNotFoundException", self.b.describe_user, InstanceId=str(uuid.uuid4()),
                             UserId=str(uuid.uuid4()))
        # A user of another instance is not found through this one.
        uid = self.create_saml()
        self.assertBotoError("ResourceNotFoundException", self.b.describe_user, InstanceId=self.iid, UserId=uid)

    # ---- the rules, each violated once --------------------------------------------------------------
    def test_username_rules(self):
        e = self.bad_create("InvalidParameterException", "Username", username="u" * 21)
        self.assertIn("20", e.response["Error"]["Message"])
        self.create("u" * 20)
        for bad in ["semi;colon", "with space", "émile", "name@example", "a@b@example.com", "tab\tname"]:
            with self.subTest(username=bad):
                self.bad_create("InvalidParameterException", "Username", username=bad)
        self.create("ok@example.com")
        self.bad_create("InvalidParameterException", "Username", Username="")
        self.bad_create("InvalidParameterException", saml=True, username="s" * 65)
        self.bad_create("InvalidParameterException", "@", saml=True, username="testuser@example")
        err = self.assertAwsError(self.roster.aws("create-user", "--instance-id", self.iid, "--username",
                                                  "much-too-long-username", "--password", PASSWORD,
                                                  "--identity-info", "FirstName=A,LastName=B,Email=a@example.com",
                                                  "--security-profile-ids", self.sp["Agent"],
                                                  "--routing-profile-id", self.rp), "InvalidParameterException")
        self.assertIn("Username", err)

    def test_duplicate_and_look_alike_usernames(self):
        uid = self.create("dupe.user")
        e = self.bad_create("DuplicateResourceException", "dupe.user", username="dupe.user")
        e = self.bad_create("DuplicateResourceException", "dupe.user", username="Dupe.User")
        self.assertIn(uid, e.response["Error"]["Message"])
        # Another instance may use the name.
        self.create_saml("dupe.user")

    def test_password_rules(self):
        self.bad_create("InvalidParameterException", "Password", Password=None)
        for bad in ["short1A", "alllowercase1", "ALLUPPERCASE1", "NoDigitsHere", "Has space1A", "A1" + "a" * 63]:
            with self.subTest(password=bad):
                e = self.bad_create("InvalidParameterException", "Password", Password=bad)
                self.assertNotIn(bad, e.response["Error"]["Message"])
        self.create(Password="A1" + "a" * 62)
        self.create(Password="Pass@Word1")
        self.bad_create("InvalidParameterException", "Password", saml=True, Password=PASSWORD)
        self.assertNotIn("Has space1A", self.roster.log())

    def test_identity_rules(self):
        ident = {"FirstName": "A", "LastName": "B", "Email": "a@example.com"}

        def bad(field, **changes):
            info = {k: v for k, v in {**ident, **changes}.items() if v is not None}
            return self.bad_create("InvalidParameterException", field, IdentityInfo=info)

        bad("IdentityInfo.FirstName", FirstName=None)
        bad("IdentityInfo.LastName", LastName=None)
        bad("IdentityInfo.FirstName", FirstName="   ")
        bad("IdentityInfo.FirstName", FirstName="x" * 256)
        bad("IdentityInfo.LastName", LastName="x" * 301)
        bad("IdentityInfo.FirstName", FirstName="line\nbreak")
        bad("IdentityInfo.Email", Email=None)
        for email in ["no-at-sign", "a@b", "a b@example.com", "a@-x.com", "a@example.c", ".a@example.com",
                      "a..b@example.com", "a@example.123", "x" * 250 + "@example.com"]:
            with self.subTest(email=email):
                bad("IdentityInfo.Email", Email=email)
        bad("IdentityInfo.SecondaryEmail", SecondaryEmail="nope")
        for mobile in ["5555550123", "+0123", "+1", "+1234567890123456", "+1 555 555"]:
            with self.subTest(mobile=mobile):
                bad("IdentityInfo.Mobile", Mobile=mobile)
        self.bad_create("InvalidParameterException", "IdentityInfo", IdentityInfo=None)
        self.create(IdentityInfo={**ident, "Mobile": "+123456789012345", "Email": "o'hara+tag@mail.example.co.uk"})
        # SAML refuses Email.
        e = self.bad_create("InvalidParameterException", "IdentityInfo.Email", saml=True,
                            IdentityInfo={"FirstName": "A", "LastName": "B", "Email": "a@example.com"})
        self.assertIn("SAML", e.response["Error"]["Message"])
        self.bad_create("InvalidParameterException", "IdentityInfo.FirstName", saml=True,
                        IdentityInfo={"LastName": "B"})

    def test_reference_rules(self):
        self.bad_create("InvalidParameterException", "SecurityProfileIds", SecurityProfileIds=[])
        self.bad_create("InvalidParameterException", "SecurityProfileIds",
                        SecurityProfileIds=[self.sp["Agent"]] * 11)
        nope = str(uuid.uuid4())
        e = self.bad_create("ResourceNotFoundException", nope, SecurityProfileIds=[self.sp["Agent"], nope])
        self.assertIn("Security profile", e.response["Error"]["Message"])
        self.bad_create("ResourceNotFoundException", self.saml_sp["Agent"], SecurityProfileIds=[self.saml_sp["Agent"]])
        self.bad_create("ResourceNotFoundException", "Routing profile", RoutingProfileId=nope)
        self.bad_create("ResourceNotFoundException", "Routing profile", RoutingProfileId=self.saml_rp)
        self.bad_create("ResourceNotFoundException", "Hierarchy group", HierarchyGroupId=nope)
        self.bad_create("InvalidParameterException", "RoutingProfileId", RoutingProfileId=None)
        self.bad_create("InvalidParameterException", "DirectoryUserId", DirectoryUserId=nope)
        self.bad_create("ResourceNotFoundException", None, InstanceId=nope)
        # Ten distinct profiles and a repeated one are fine; the repeat is folded.
        uid = self.create(SecurityProfileIds=[self.sp["Agent"], self.sp["Agent"], self.sp["QualityAnalyst"]])
        self.assertEqual(sorted(self.describe(uid)["SecurityProfileIds"]),
                         sorted([self.sp["Agent"], self.sp["QualityAnalyst"]]))

    def test_phone_and_channel_rules(self):
        ipe = "InvalidParameterException"
        self.bad_create(ipe, "DeskPhoneNumber", PhoneConfig={"PhoneType": "DESK_PHONE"})
        self.bad_create(ipe, "DeskPhoneNumber", PhoneConfig={"PhoneType": "DESK_PHONE", "DeskPhoneNumber": "555-0100"})
        self.bad_create(ipe, "PhoneType", PhoneConfig={"PhoneType": "CELL_PHONE"})
        self.bad_create(ipe, "AfterContactWorkTimeLimit", PhoneConfig={"AfterContactWorkTimeLimit": 2000001})
        self.bad_create(ipe, "AfterContactWorkTimeLimit", PhoneConfig={"AfterContactWorkTimeLimit": -1})
        self.bad_create(ipe, "AutoAccept", PhoneConfig={"AutoAccept": "yes"})
        self.bad_create(ipe, "AutoAcceptConfigs[0].Channel", AutoAcceptConfigs=[{"Channel": "SMS", "AutoAccept": True}])
        self.bad_create(ipe, "AutoAcceptConfigs[1]", AutoAcceptConfigs=[{"Channel": "CHAT", "AutoAccept": True},
                                                                          {"Channel": "CHAT", "AutoAccept": False}])
        self.bad_create(ipe, "VoiceEnhancementMode",
                        VoiceEnhancementConfigs=[{"Channel": "VOICE", "VoiceEnhancementMode": "LOUD"}])
        self.bad_create(ipe, "PhoneNumberConfigs[0].PhoneNumber",
                        PhoneNumberConfigs=[{"Channel": "VOICE", "PhoneType": "DESK_PHONE"}])
        self.bad_create(ipe, "AfterContactWorkTimeLimit",
                        AfterContactWorkConfigs=[{"Channel": "CHAT",
                                                  "AfterContactWorkConfig": {"AfterContactWorkTimeLimit": 2000001}}])
        self.bad_create(ipe, "PersistentConnectionConfigs[0].PersistentConnection",
                        PersistentConnectionConfigs=[{"Channel": "VOICE"}])
        # A legacy member and its replacement for the same channel: named both.
        for kw, parts in [
            (dict(PhoneConfig={"AutoAccept": True}, AutoAcceptConfigs=[{"Channel": "VOICE", "AutoAccept": False}]),
             ("PhoneConfig.AutoAccept", "AutoAcceptConfigs[0]")),
            (dict(PhoneConfig={"AfterContactWorkTimeLimit": 5},
                  AfterContactWorkConfigs=[{"Channel": "CHAT", "AfterContactWorkConfig": {"AfterContactWorkTimeLimit": 9}}]),
             ("PhoneConfig.AfterContactWorkTimeLimit", "AfterContactWorkConfigs[0]")),
            (dict(PhoneConfig={"PhoneType": "SOFT_PHONE"},
                  PhoneNumberConfigs=[{"Channel": "CHAT", "PhoneType": "SOFT_PHONE"},
                                      {"Channel": "VOICE", "PhoneType": "SOFT_PHONE"}]),
             ("PhoneConfig.PhoneType", "PhoneNumberConfigs[1]")),
            (dict(PhoneConfig={"PersistentConnection": True},
                  PersistentConnectionConfigs=[{"Channel": "VOICE", "PersistentConnection": True}]),
             ("PhoneConfig.PersistentConnection", "PersistentConnectionConfigs[0]")),
        ]:
            with self.subTest(parts=parts):
                e = self.bad_create(ipe, parts[0], **kw)
                self.assertIn(parts[1], e.response["Error"]["Message"])

    def test_tag_rules(self):
        self.bad_create("InvalidParameterException", "Tags", Tags={f"k{i}": "v" for i in range(51)})
        self.bad_create("InvalidParameterException", "aws:", Tags={"aws:reserved": "v"})
        self.bad_create("InvalidParameterException", "256", Tags={"k": "v" * 257})
        uid = self.create(Tags={f"k{i}": "v" for i in range(50)})
        self.assertEqual(len(self.describe(uid)["Tags"]), 50)

    def test_nothing_written_on_refusal(self):
        self.bad_create("ResourceNotFoundException", username="half-made", HierarchyGroupId=str(uuid.uuid4()))
        names = [u["Username"] for u in self.b.list_users(InstanceId=self.iid, MaxResults=1000)["UserSummaryList"]]
        self.assertNotIn("half-made", names)
        self.create("half-made")

    # ---- list --------------------------------------------------------------------------------------
    def test_list_order_and_paging(self):
        iid = self.b.create_instance(IdentityManagementType="SAML", InboundCallsEnabled=True,
                                     OutboundCallsEnabled=True)["Id"]
        sp = self.b.list_security_profiles(InstanceId=iid)["SecurityProfileSummaryList"][0]["Id"]
        rp = self.b.list_routing_profiles(InstanceId=iid)["RoutingProfileSummaryList"][0]["Id"]
        names = ["zed", "Bob", "alice", "bob_2", "Carl", "0zero", "a-z", "a.z"]
        ids = {n: self.create_saml(n, InstanceId=iid, SecurityProfileIds=[sp], RoutingProfileId=rp) for n in names}
        whole = self.aws_ok("list-users", "--instance-id", iid)["UserSummaryList"]
        self.assertEqual([u["Username"] for u in whole], sorted(names))  # byte order
        for u in whole:
            self.assertEqual(sorted(u), ["Arn", "Id", "LastModifiedRegion", "LastModifiedTime", "Username"])
            self.assertEqual(u["Id"], ids[u["Username"]])
            self.assertTrue(u["Arn"].endswith(f":instance/{iid}/agent/{u['Id']}"))
        paged = self.aws_ok("list-users", "--instance-id", iid, "--page-size", "3")["UserSummaryList"]
        self.assertEqual(paged, whole)
        one = self.aws_ok("list-users", "--instance-id", iid, "--max-results", "3")
        self.assertEqual(len(one["UserSummaryList"]), 3)
        rest = self.b.list_users(InstanceId=iid, NextToken=one["NextToken"], MaxResults=1000)
        self.assertNotIn("NextToken", rest)
        self.assertEqual([u["Id"] for u in one["UserSummaryList"] + rest["UserSummaryList"]],
                         [u["Id"] for u in whole])
        self.assertNotIn("NextToken", self.b.list_users(InstanceId=iid, MaxResults=8))
        self.assertAwsError(self.roster.aws("list-users", "--instance-id", iid, "--max-results", "5000"),
                            "InvalidParameterException", "maxResults")
        self.assertBotoError("InvalidParameterException", self.raw.list_users, InstanceId=iid, MaxResults=0)
        self.assertAwsError(self.roster.aws("list-users", "--instance-id", iid, "--next-token", "garbage"),
                            "InvalidParameterException", "token")
        # Another list's token is refused.
        tok = self.b.list_security_profiles(InstanceId=iid, MaxResults=1)["NextToken"]
        self.assertBotoError("InvalidParameterException", self.b.list_users, InstanceId=iid, NextToken=tok)
        self.assertBotoError("ResourceNotFoundException", self.b.list_users, InstanceId=str(uuid.uuid4()))

    def test_cli_auto_paginates_2500_users(self):
        b = self.b
        iid = b.create_instance(IdentityManagementType="SAML", InboundCallsEnabled=True,
                                OutboundCallsEnabled=True)["Id"]
        sp = b.list_security_profiles(InstanceId=iid)["SecurityProfileSummaryList"][0]["Id"]
        rp = b.list_routing_profiles(InstanceId=iid)["RoutingProfileSummaryList"][0]["Id"]
        clients = [self.roster.boto() for _ in range(8)]  # boto3 clients are made in one thread

        def make(i):
            return clients[i % 8].create_user(InstanceId=iid, Username=f"agent{i:05d}", SecurityProfileIds=[sp],
                                            RoutingProfileId=rp,
                                            IdentityInfo={"FirstName": "F", "LastName": str(i)})["UserId"]

        t0 = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            ids = list(pool.map(make, range(2500)))
        t1 = time.monotonic()
        rc, out, err = self.roster.aws("list-users", "--instance-id", iid)
        t2 = time.monotonic()
        self.assertEqual(rc, 0, err)
        listed = out["UserSummaryList"]
        self.assertNotIn("NextToken", out)
        self.assertEqual(len(listed), 2500)
        self.assertEqual(len({u["Id"] for u in listed}), 2500)          # no duplicate
        self.assertEqual({u["Id"] for u in listed}, set(ids))             # no gap
        self.assertEqual([u["Username"] for u in listed], [f"agent{i:05d}" for i in range(2500)])
        print(f"\n  2,500 creates {t1 - t0:.1f}s, CLI listing {t2 - t1:.1f}s", end=" ")

    # ---- updates ----------------------------------------------------------------------------------
    def test_update_identity_merges(self):
        uid = self.create(IdentityInfo={"FirstName": "A", "LastName": "B", "Email": "a@example.com",
                                        "Mobile": "+15555550123", "SecondaryEmail": "s@example.com"})
        before = self.describe(uid)["LastModifiedTime"]
        time.sleep(0.01)
        self.assertIsNone(self.aws_ok("update-user-identity-info", "--instance-id", self.iid, "--user-id", uid,
                                      "--identity-info", "FirstName=Janet"))
        u = self.describe(uid)
        self.assertEqual(u["IdentityInfo"], {"FirstName": "Janet", "LastName": "B", "Email": "a@example.com",
                                             "Mobile": "+15555550123", "SecondaryEmail": "s@example.com"})
        self.assertGreater(u["LastModifiedTime"], before)
        self.b.update_user_identity_info(InstanceId=self.iid, UserId=uid, IdentityInfo={"Mobile": "",
                                                                                        "SecondaryEmail": ""})
        self.assertEqual(self.describe(uid)["IdentityInfo"], {"FirstName": "Janet", "LastName": "B",
                                                              "Email": "a@example.com"})
        ipe = "InvalidParameterException"
        for info, part in [({"FirstName": ""}, "FirstName"), ({"LastName": " "}, "LastName"),
                           ({"Email": ""}, "Email"), ({"Email": "bad"}, "Email"), ({"Mobile": "123"}, "Mobile"),
                           ({"FirstName": "x" * 256}, "FirstName")]:
            with self.subTest(info=info):
                self.assertBotoError(ipe, self.b.update_user_identity_info, InstanceId=self.iid, UserId=uid,
                                     IdentityInfo=info)
        self.assertBotoError(ipe, self.raw.update_user_identity_info, InstanceId=self.iid, UserId=uid)
        suid = self.create_saml()
        self.assertBotoError(ipe, self.b.update_user_identity_info, InstanceId=self.saml, UserId=suid,
                             IdentityInfo={"Email": "a@example.com"})
        self.assertEqual(self.describe(uid)["IdentityInfo"]["FirstName"], "Janet")

    def test_update_phone_config(self):
        uid = self.create()
        self.aws_ok("update-user-phone-config", "--instance-id", self.iid, "--user-id", uid, "--phone-config",
                    "PhoneType=DESK_PHONE,AutoAccept=false,AfterContactWorkTimeLimit=60,DeskPhoneNumber=+15555550100")
        u = self.describe(uid)
        self.assertEqual(u["PhoneConfig"], {"PhoneType": "DESK_PHONE", "AutoAccept": False,
                                            "AfterContactWorkTimeLimit": 60, "DeskPhoneNumber": "+15555550100",
                                            "PersistentConnection": False})
        self.assertEqual({c["AfterContactWorkConfig"]["AfterContactWorkTimeLimit"]
                          for c in u["AfterContactWorkConfigs"]}, {60})
        # Members left out stay.
        self.b.update_user_phone_config(InstanceId=self.iid, UserId=uid, PhoneConfig={"AutoAccept": True})
        pc = self.describe(uid)["PhoneConfig"]
        self.assertEqual((pc["PhoneType"], pc["AutoAccept"], pc["DeskPhoneNumber"]), ("DESK_PHONE", True,
                                                                                      "+15555550100"))
        ipe = "InvalidParameterException"
        self.assertBotoError(ipe, self.b.update_user_phone_config, InstanceId=self.iid, UserId=uid,
                             PhoneConfig={"DeskPhoneNumber": ""})  # a desk phone needs its number
        self.assertBotoError(ipe, self.b.update_user_phone_config, InstanceId=self.iid, UserId=uid,
                             PhoneConfig={"DeskPhoneNumber": "0800 123"})
        self.assertBotoError(ipe, self.b.update_user_phone_config, InstanceId=self.iid, UserId=uid,
                             PhoneConfig={"AfterContactWorkTimeLimit": 2000001})
        self.assertBotoError(ipe, self.b.update_user_phone_config, InstanceId=self.iid, UserId=uid,
                             PhoneConfig={"PhoneType": "SATELLITE"})
        self.assertBotoError(ipe, self.raw.update_user_phone_config, InstanceId=self.iid, UserId=uid)
        self.b.update_user_phone_config(InstanceId=self.iid, UserId=uid,
                                        PhoneConfig={"PhoneType": "SOFT_PHONE", "DeskPhoneNumber": ""})
        self.assertEqual(self.describe(uid)["PhoneConfig"]["DeskPhoneNumber"], "")

    def test_update_config_per_channel(self):
        uid = self.create()
        self.aws_ok("update-user-config", "--instance-id", self.iid, "--user-id", uid,
                    "--auto-accept-configs", json.dumps([{"Channel": "EMAIL", "AutoAccept": True,
                                                          "AgentFirstCallbackAutoAccept": True}]),
                    "--after-contact-work-configs", json.dumps([{"Channel": "CHAT", "AfterContactWorkConfig":
                                                                 {"AfterContactWorkTimeLimit": 45}}]),
                    "--phone-number-configs", json.dumps([{"Channel": "VOICE", "PhoneType": "DESK_PHONE",
                                                           "PhoneNumber": "+33123456789"}]),
                    "--persistent-connection-configs", json.dumps([{"Channel": "VOICE",
                                                                    "PersistentConnection": True}]),
                    "--voice-enhancement-configs", json.dumps([{"Channel": "VOICE",
                                                                "VoiceEnhancementMode": "VOICE_ISOLATION"}]))
        u = self.describe(uid)
        aa = {c["Channel"]: c for c in u["AutoAcceptConfigs"]}
        self.assertEqual(aa["EMAIL"], {"Channel": "EMAIL", "AutoAccept": True, "AgentFirstCallbackAutoAccept": True})
        self.assertFalse(aa["VOICE"]["AutoAccept"])
        acw = {c["Channel"]: c["AfterContactWorkConfig"]["AfterContactWorkTimeLimit"]
               for c in u["AfterContactWorkConfigs"]}
        self.assertEqual(acw, {"VOICE": 0, "CHAT": 45, "TASK": 0, "EMAIL": 0})
        self.assertEqual(u["PhoneConfig"], {"PhoneType": "DESK_PHONE", "AutoAccept": False,
                                            "AfterContactWorkTimeLimit": 0, "DeskPhoneNumber": "+33123456789",
                                            "PersistentConnection": True})
        self.assertEqual(u["VoiceEnhancementConfigs"], [{"Channel": "VOICE", "VoiceEnhancementMode": "VOICE_ISOLATION"}])
        ipe = "InvalidParameterException"
        for kw in [dict(AutoAcceptConfigs=[{"Channel": "FAX", "AutoAccept": True}]),
                   dict(AfterContactWorkConfigs=[{"Channel": "TASK", "AfterContactWorkConfig":
                                                  {"AfterContactWorkTimeLimit": 2000001}}]),
                   dict(PhoneNumberConfigs=[{"Channel": "VOICE", "PhoneType": "DESK_PHONE", "PhoneNumber": "12"}]),
                   dict(VoiceEnhancementConfigs=[{"Channel": "VOICE", "VoiceEnhancementMode": "none"}]),
                   dict(PersistentConnectionConfigs=[{"Channel": "VOICE", "PersistentConnection": True},
                                                     {"Channel": "VOICE", "PersistentConnection": False}])]:
            with self.subTest(kw=list(kw)):
                self.assertBotoError(ipe, self.raw.update_user_config, InstanceId=self.iid, UserId=uid, **kw)
        # Nothing of the refused requests was applied.
        self.assertEqual(self.describe(uid)["PhoneConfig"]["DeskPhoneNumber"], "+33123456789")

    def test_update_routing_profile(self):
        uid = self.create()
        self.assertIsNone(self.aws_ok("update-user-routing-profile", "--instance-id", self.iid, "--user-id", uid,
                                      "--routing-profile-id", self.rp2))
        self.assertEqual(self.describe(uid)["RoutingProfileId"], self.rp2)
        self.assertBotoError("ResourceNotFoundException", self.b.update_user_routing_profile, InstanceId=self.iid,
                             UserId=uid, RoutingProfileId=str(uuid.uuid4()))
        self.assertBotoError("ResourceNotFoundException", self.b.update_user_routing_profile, InstanceId=self.iid,
                             UserId=uid, RoutingProfileId=self.saml_rp)
        self.assertBotoError("InvalidParameterException", self.raw.update_user_routing_profile, InstanceId=self.iid,
                             UserId=uid)
        self.assertEqual(self.describe(uid)["RoutingProfileId"], self.rp2)

    def test_update_security_profiles_replaces(self):
        uid = self.create(SecurityProfileIds=[self.sp["Agent"], self.sp["QualityAnalyst"]])
        self.assertIsNone(self.aws_ok("update-user-security-profiles", "--instance-id", self.iid, "--user-id", uid,
                                      "--security-profile-ids", self.sp["CallCenterManager"]))
        self.assertEqual(self.describe(uid)["SecurityProfileIds"], [self.sp["CallCenterManager"]])
        nope = str(uuid.uuid4())
        e = self.assertBotoError("ResourceNotFoundException", self.b.update_user_security_profiles,
                                 InstanceId=self.iid, UserId=uid, SecurityProfileIds=[nope])
        self.assertIn(nope, e.response["Error"]["Message"])
        self.assertBotoError("InvalidParameterException", self.raw.update_user_security_profiles, InstanceId=self.iid,
                             UserId=uid, SecurityProfileIds=[])
        self.assertBotoError("InvalidParameterException", self.b.update_user_security_profiles, InstanceId=self.iid,
                             UserId=uid, SecurityProfileIds=[self.sp["Agent"]] * 11)
        self.assertEqual(self.describe(uid)["SecurityProfileIds"], [self.sp["CallCenterManager"]])

    def test_update_hierarchy_and_clear(self):
        uid = self.create()
        self.assertIsNone(self.aws_ok("update-user-hierarchy", "--instance-id", self.iid, "--user-id", uid,
                                      "--hierarchy-group-id", self.groups[1]))
        self.assertEqual(self.describe(uid)["HierarchyGroupId"], self.groups[1])
        # No group: the CLI sends {} and the user leaves the hierarchy.
        self.assertIsNone(self.aws_ok("update-user-hierarchy", "--instance-id", self.iid, "--user-id", uid))
        self.assertNotIn("HierarchyGroupId", self.describe(uid))
        self.assertBotoError("ResourceNotFoundException", self.b.update_user_hierarchy, InstanceId=self.iid,
                             UserId=uid, HierarchyGroupId=str(uuid.uuid4()))

    def test_unknown_user_everywhere(self):
        nope = str(uuid.uuid4())
        b = self.b
        calls = [(b.describe_user, {}),
                 (b.update_user_identity_info, {"IdentityInfo": {"FirstName": "X"}}),
                 (b.update_user_phone_config, {"PhoneConfig": {"PhoneType": "SOFT_PHONE"}}),
                 (b.update_user_config, {"AutoAcceptConfigs": [{"Channel": "CHAT", "AutoAccept": True}]}),
                 (b.update_user_routing_profile, {"RoutingProfileId": self.rp}),
                 (b.update_user_security_profiles, {"SecurityProfileIds": [self.sp["Agent"]]}),
                 (b.update_user_hierarchy, {"HierarchyGroupId": self.groups[0]}),
                 (b.delete_user, {})]
        for fn, kw in calls:
            with self.subTest(op=fn.__name__):
                e = self.assertBotoError("ResourceNotFoundException", fn, InstanceId=self.iid, UserId=nope, **kw)
                self.assertIn(nope, e.response["Error"]["Message"])

    # ---- delete and the agent queue ----------------------------------------------------------------
    def test_delete_with_agent_queue_and_tags(self):
        uid = self.create("to-delete", Tags={"k": "v"})
        arn = self.describe(uid)["Arn"]
        agent_queues = self.b.list_queues(InstanceId=self.iid, QueueTypes=["AGENT"], MaxResults=1000)[
            "QueueSummaryList"]
        mine = [q for q in agent_queues if q["Id"] == uid]
        self.assertEqual(len(mine), 1)
        self.assertTrue(mine[0]["Arn"].endswith(f":instance/{self.iid}/queue/agent/{uid}"))
        self.assertNotIn("Name", mine[0])
        self.assertIsNone(self.aws_ok("delete-user", "--instance-id", self.iid, "--user-id", uid))
        self.assertBotoError("ResourceNotFoundException", self.b.describe_user, InstanceId=self.iid, UserId=uid)
        self.assertAwsError(self.roster.aws("delete-user", "--instance-id", self.iid, "--user-id", uid),
                            "ResourceNotFoundException")
        ids = {q["Id"] for q in self.b.list_queues(InstanceId=self.iid, QueueTypes=["AGENT"], MaxResults=1000)[
            "QueueSummaryList"]}
        self.assertNotIn(uid, ids)
        self.assertBotoError("ResourceNotFoundException", self.b.list_tags_for_resource, resourceArn=arn)
        # The name is free again and the new user has new tags only.
        self.assertEqual(self.describe(self.create("to-delete"))["Tags"], {})

    def test_delete_user_revokes_its_keys(self):
        self.roster.add_user("short-lived", "CallCenterManager")
        key = self.roster.new_key(user="short-lived")
        client = self.roster.boto(key)
        client.list_users(InstanceId=self.iid, MaxResults=1)
        uid = [u["Id"] for u in self.b.list_users(InstanceId=self.iid, MaxResults=1000)["UserSummaryList"]
               if u["Username"] == "short-lived"][0]
        self.b.delete_user(InstanceId=self.iid, UserId=uid)
        self.assertBotoError("UnrecognizedClientException", client.list_users, InstanceId=self.iid)

    # ---- permissions -------------------------------------------------------------------------------
    def test_agent_key_refused_everywhere(self):
        a = self.roster.boto(self.agent_key, validate=False)
        uid = self.create()
        calls = [(a.create_user, dict(Username="by-agent", SecurityProfileIds=[self.sp["Agent"]],
                                      RoutingProfileId=self.rp, Password=PASSWORD,
                                      IdentityInfo={"FirstName": "A", "LastName": "B", "Email": "a@example.com"}),
                  "Users.Create"),
                 (a.describe_user, dict(UserId=uid), "Users.View"),
                 (a.list_users, {}, "Users.View"),
                 (a.update_user_identity_info, dict(UserId=uid, IdentityInfo={"FirstName": "X"}), "Users.Edit"),
                 (a.update_user_phone_config, dict(UserId=uid, PhoneConfig={"AutoAccept": True}), "Users.Edit"),
                 (a.update_user_config, dict(UserId=uid), "Users.Edit"),
                 (a.update_user_routing_profile, dict(UserId=uid, RoutingProfileId=self.rp), "Users.Edit"),
                 (a.update_user_security_profiles, dict(UserId=uid, SecurityProfileIds=[self.sp["Agent"]]),
                  "Users.EditPermission"),
                 (a.update_user_hierarchy, dict(UserId=uid), "Users.Edit"),
                 (a.delete_user, dict(UserId=uid), "Users.Delete")]
        for fn, kw, perm in calls:
            with self.subTest(op=fn.__name__):
                e = self.assertBotoError("AccessDeniedException", fn, InstanceId=self.iid, **kw)
                self.assertIn(perm, e.response["Error"]["Message"])
        self.assertAwsError(self.roster.aws("list-users", "--instance-id", self.iid, creds=self.agent_key),
                            "AccessDeniedException", "Users.View")
        self.describe(uid)

    def test_edit_without_edit_permission(self):
        m = self.roster.boto(self.manager_key)  # Users.Create/Edit/View/Delete, not Users.EditPermission
        uid = self.create(client=m)  # an Agent profile: the manager holds its permissions
        m.update_user_identity_info(InstanceId=self.iid, UserId=uid, IdentityInfo={"FirstName": "Managed"})
        m.update_user_routing_profile(InstanceId=self.iid, UserId=uid, RoutingProfileId=self.rp2)
        e = self.assertBotoError("AccessDeniedException", m.update_user_security_profiles, InstanceId=self.iid,
                                 UserId=uid, SecurityProfileIds=[self.sp["QualityAnalyst"]])
        self.assertIn("Users.EditPermission", e.response["Error"]["Message"])
        self.assertEqual(self.describe(uid)["SecurityProfileIds"], [self.sp["Agent"]])
        m.delete_user(InstanceId=self.iid, UserId=uid)

    def test_grant_rule(self):
        sid = self.b.create_security_profile(InstanceId=self.iid, SecurityProfileName="UserPermEditors",
                                             Permissions=["Users.View", "Users.Create", "Users.Edit",
                                                          "Users.EditPermission", "BasicAgentAccess",
                                                          "OutboundCallAccess"])["SecurityProfileId"]
        self.roster.add_user("u-permeditor", "UserPermEditors")
        p = self.roster.boto(self.roster.new_key(user="u-permeditor"))
        m = self.roster.boto(self.manager_key)
        e = self.bad_create("AccessDeniedException", "u-manager", client=m,
                            SecurityProfileIds=[self.sp["Admin"]])
        self.assertIn("cannot grant", e.response["Error"]["Message"])
        uid = self.create(client=p)
        p.update_user_security_profiles(InstanceId=self.iid, UserId=uid, SecurityProfileIds=[self.sp["Agent"], sid])
        e = self.assertBotoError("AccessDeniedException", p.update_user_security_profiles, InstanceId=self.iid,
                                 UserId=uid, SecurityProfileIds=[self.sp["CallCenterManager"]])
        self.assertIn("cannot grant", e.response["Error"]["Message"])
        self.assertEqual(sorted(self.describe(uid)["SecurityProfileIds"]), sorted([self.sp["Agent"], sid]))

    # ---- concurrency -------------------------------------------------------------------------------
    def test_sixteen_facets_at_once(self):
        uid = self.create("many-hands")
        iid = self.iid
        arn = self.describe(uid)["Arn"]
        calls = [
            ("update_user_identity_info", dict(IdentityInfo={"FirstName": "First16"})),
            ("update_user_identity_info", dict(IdentityInfo={"LastName": "Last16"})),
            ("update_user_identity_info", dict(IdentityInfo={"Email": "sixteen@example.com"})),
            ("update_user_identity_info", dict(IdentityInfo={"SecondaryEmail": "second@example.com"})),
            ("update_user_identity_info", dict(IdentityInfo={"Mobile": "+15555550116"})),
            ("update_user_phone_config", dict(PhoneConfig={"PhoneType": "DESK_PHONE",
                                                           "DeskPhoneNumber": "+15555550199"})),
            ("update_user_config", dict(AutoAcceptConfigs=[{"Channel": "CHAT", "AutoAccept": True}])),
            ("update_user_config", dict(AutoAcceptConfigs=[{"Channel": "EMAIL", "AutoAccept": True}])),
            ("update_user_config", dict(AfterContactWorkConfigs=[{"Channel": "TASK", "AfterContactWorkConfig":
                                                                  {"AfterContactWorkTimeLimit": 77}}])),
            ("update_user_config", dict(PersistentConnectionConfigs=[{"Channel": "VOICE",
                                                                      "PersistentConnection": True}])),
            ("update_user_config", dict(VoiceEnhancementConfigs=[{"Channel": "VOICE",
                                                                  "VoiceEnhancementMode": "VOICE_ISOLATION"}])),
            ("update_user_routing_profile", dict(RoutingProfileId=self.rp2)),
            ("update_user_security_profiles", dict(SecurityProfileIds=[self.sp["QualityAnalyst"]])),
            ("update_user_hierarchy", dict(HierarchyGroupId=self.groups[1])),
            ("tag_resource", dict(tags={"a": "1"})),
            ("tag_resource", dict(tags={"b": "2"})),
        ]
        self.assertEqual(len(calls), 16)
        barrier = threading.Barrier(16)
        clients = [self.roster.boto() for _ in calls]

        def run(i):
            name, kw = calls[i]
            client = clients[i]
            args = dict(resourceArn=arn, **kw) if name == "tag_resource" else dict(InstanceId=iid, UserId=uid, **kw)
            barrier.wait()
            getattr(client, name)(**args)

        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            list(pool.map(run, range(16)))
        u = self.describe(uid)
        self.assertEqual(u["IdentityInfo"], {"FirstName": "First16", "LastName": "Last16",
                                             "Email": "sixteen@example.com", "SecondaryEmail": "second@example.com",
                                             "Mobile": "+15555550116"})
        self.assertEqual((u["PhoneConfig"]["PhoneType"], u["PhoneConfig"]["DeskPhoneNumber"],
                          u["PhoneConfig"]["PersistentConnection"]), ("DESK_PHONE", "+15555550199", True))
        aa = {c["Channel"]: c["AutoAccept"] for c in u["AutoAcceptConfigs"]}
        self.assertEqual(aa, {"VOICE": False, "CHAT": True, "TASK": False, "EMAIL": True})
        acw = {c["Channel"]: c["AfterContactWorkConfig"]["AfterContactWorkTimeLimit"]
               for c in u["AfterContactWorkConfigs"]}
        self.assertEqual(acw, {"VOICE": 0, "CHAT": 0, "TASK": 77, "EMAIL": 0})
        self.assertEqual(u["VoiceEnhancementConfigs"], [{"Channel": "VOICE", "VoiceEnhancementMode": "VOICE_ISOLATION"}])
        self.assertEqual(u["RoutingProfileId"], self.rp2)
        self.assertEqual(u["SecurityProfileIds"], [self.sp["QualityAnalyst"]])
        self.assertEqual(u["HierarchyGroupId"], self.groups[1])
        self.assertEqual(u["Tags"], {"a": "1", "b": "2"})

    def test_same_username_at_once(self):
        for round_ in range(5):
            name = f"racer{round_}"
            barrier = threading.Barrier(2)
            clients = [self.roster.boto(), self.roster.boto()]

            def attempt(i):
                barrier.wait()
                try:
                    return self.create_saml(name, client=clients[i])
                except ClientError as e:
                    return code(e)

            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                results = list(pool.map(attempt, range(2)))
            self.assertEqual(sorted(r == "DuplicateResourceException" for r in results), [False, True], results)
            listed = [u for u in self.b.list_users(InstanceId=self.saml, MaxResults=1000)["UserSummaryList"]
                      if u["Username"] == name]
            self.assertEqual(len(listed), 1)

    # ---- the raw wire ------------------------------------------------------------------------------
    def test_raw_describe_body_has_no_secret(self):
        uid = self.create(Password="Zebra9Crossing")
        resp = call(self.roster, "GET", f"/users/{self.iid}/{uid}")
        self.assertEqual(resp.status, 200)
        body = resp.body.decode()
        self.assertNotIn("Zebra9Crossing", body)
        self.assertNotIn("$argon2", body)
        self.assertNotIn("assword", body)
        self.assertNotIn("Zebra9Crossing", self.roster.log())


if __name__ == "__main__":
    unittest.main()
