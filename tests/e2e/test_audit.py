"""test_audit.py — the audit trail end to end: users created, updated and deleted through boto3 and
the aws CLI, then read back with `roster audit` (--user by name, by id, for a deleted user, with
--instance; --since absolute and relative; --json), checking who (the access key used, and the
key's user for a user key), the operation names, the fields before and after, and that no
password or hash ever appears. Also the command's usage errors.
"""
import json
import unittest
import uuid

from harness import RosterTestCase

PASSWORD = "Sup3rSecretPassw0rd"


class AuditTest(RosterTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.roster
        cls.iid = r.instance_id
        cls.b = r.boto()
        profiles = cls.b.list_security_profiles(InstanceId=cls.iid)["SecurityProfileSummaryList"]
        cls.agent_profile = next(p["Id"] for p in profiles if p["Name"] == "Agent")
        routing = cls.b.list_routing_profiles(InstanceId=cls.iid)["RoutingProfileSummaryList"]
        cls.routing_profile = routing[0]["Id"]
        cls.admin_key = r.new_key(user="admin")

    # ---- helpers ------------------------------------------------------------------------------
    def create_user(self, username, first="Ann", last="Lee", client=None, instance=None):
        client = client or self.b
        return client.create_user(
            InstanceId=instance or self.iid, Username=username, Password=PASSWORD,
            IdentityInfo={"FirstName": first, "LastName": last, "Email": f"{username}@example.com"},
            PhoneConfig={"PhoneType": "SOFT_PHONE", "AutoAccept": False, "AfterContactWorkTimeLimit": 30},
            SecurityProfileIds=[self.agent_profile], RoutingProfileId=self.routing_profile)["UserId"]

    def audit(self, *args):
        p = self.roster.cli("audit", *args)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("Sanitizer", p.stderr)
        self.assertNoSecret(p.stdout)
        return p

    def audit_json(self, *args):
        lines = self.audit("--json", *args).stdout.splitlines()
        return [json.loads(line) for line in lines]

    def assertNoSecret(self, text):
        self.assertNotIn(PASSWORD, text)
        self.assertNotIn("argon2", text)
        self.assertNotIn("assword", text)

    # ---- the trail of one user ----------------------------------------------------------------
    def test_create_update_delete_trail(self):
        uid = self.create_user("ann.lee")
        # The aws CLI with a user key (the admin user's) renames her.
        rc, _, err = self.roster.aws("update-user-identity-info", "--instance-id", self.iid, "--user-id", uid,
                                     "--identity-info",
                                     "FirstName=Anna,LastName=Lee,Email=ann.lee@example.com",
                                     creds=self.admin_key)
        self.assertEqual(rc, 0, err)
        self.b.delete_user(InstanceId=self.iid, UserId=uid)

        # A deleted user is still found by name (through the trail), and by id.
        events = self.audit_json("--user", "ann.lee")
        self.assertEqual(events, self.audit_json("--user", uid))
        self.assertEqual([e["operation"] for e in events], ["CreateUser", "UpdateUserIdentityInfo", "DeleteUser"])
        create, update, delete = events
        for e in events:
            self.assertEqual(e["user_id"], uid)
            self.assertEqual(e["instance_id"], self.iid)
            self.assertEqual(e["username"], "ann.lee")
        self.assertLessEqual(create["at_ms"], update["at_ms"])
        self.assertLessEqual(update["at_ms"], delete["at_ms"])

        # who: the account key (no user), then the admin's user key (and the admin user).
        self.assertEqual(create["key_id"], self.roster.account.key_id)
        self.assertIsNone(create["actor_user_id"])
        self.assertEqual(update["key_id"], self.admin_key.key_id)
        self.assertIsNotNone(update["actor_user_id"])
        self.assertNotEqual(update["actor_user_id"], uid)
        self.assertEqual(delete["key_id"], self.roster.account.key_id)

        # what: a create holds the whole user after, a delete before, an update only what changed.
        self.assertIsNone(create["before"])
        after = create["after"]
        self.assertEqual(after["Username"], "ann.lee")
        self.assertEqual(after["IdentityInfo"]["FirstName"], "Ann")
        self.assertEqual(after["IdentityInfo"]["Email"], "ann.lee@example.com")
        self.assertEqual(after["SecurityProfileIds"], [self.agent_profile])
        self.assertEqual(after["RoutingProfileId"], self.routing_profile)
        self.assertEqual(after["Channels"]["VOICE"]["PhoneType"], "SOFT_PHONE")
        self.assertEqual(after["Channels"]["VOICE"]["AfterContactWorkTimeLimit"], 30)
        self.assertEqual(update["before"]["IdentityInfo"], {"FirstName": "Ann"})
        self.assertEqual(update["after"]["IdentityInfo"], {"FirstName": "Anna"})
        self.assertEqual(set(update["before"]), set(update["after"]))
        self.assertNotIn("Username", update["after"])
        self.assertNotIn("SecurityProfileIds", update["after"])
        self.assertGreater(update["after"]["Version"], update["before"]["Version"])
        self.assertIsNone(delete["after"])
        self.assertEqual(delete["before"]["IdentityInfo"]["FirstName"], "Anna")

        # The text form: one line per event, oldest first, the change compactly.
        lines = self.audit("--user", "ann.lee").stdout.splitlines()
        self.assertEqual(len(lines), 3)
        self.assertIn("CreateUser", lines[0])
        self.assertIn(f"key={self.roster.account.key_id}", lines[0])
        self.assertIn('IdentityInfo.FirstName="Ann"', lines[0])
        self.assertIn("UpdateUserIdentityInfo", lines[1])
        self.assertIn(f"key={self.admin_key.key_id}", lines[1])
        self.assertIn('IdentityInfo.FirstName: "Ann" -> "Anna"', lines[1])
        self.assertIn(uid, lines[1])
        self.assertIn("(ann.lee)", lines[1])
        self.assertIn("DeleteUser", lines[2])

    def test_password_never_recorded(self):
        uid = self.create_user("pw.user")
        self.b.update_user_identity_info(InstanceId=self.iid, UserId=uid,
                                         IdentityInfo={"FirstName": "Pat", "LastName": "Wu",
                                                       "Email": "pw.user@example.com"})
        p = self.audit("--json")
        self.assertIn(uid, p.stdout)
        self.assertNoSecret(p.stdout)
        self.assertNoSecret(self.audit().stdout)

    def test_aws_cli_create_and_boto_delete(self):
        rc, out, err = self.roster.aws(
            "create-user", "--instance-id", self.iid, "--username", "cli.made", "--password", PASSWORD,
            "--identity-info", "FirstName=Cli,LastName=Made,Email=cli.made@example.com",
            "--phone-config", "PhoneType=SOFT_PHONE", "--security-profile-ids", self.agent_profile,
            "--routing-profile-id", self.routing_profile, creds=self.admin_key)
        self.assertEqual(rc, 0, err)
        uid = out["UserId"]
        self.b.delete_user(InstanceId=self.iid, UserId=uid)
        events = self.audit_json("--user", uid, "--instance", self.iid)
        self.assertEqual([(e["operation"], e["key_id"]) for e in events],
                         [("CreateUser", self.admin_key.key_id), ("DeleteUser", self.roster.account.key_id)])
        self.assertEqual(events[0]["after"]["IdentityInfo"]["FirstName"], "Cli")

    def test_tag_changes_are_in_the_trail(self):
        # Tags given at create are part of the created user; TagResource and UntagResource (boto3
        # and the aws CLI) record the tags that changed; a delete records the tags it removed.
        uid = self.b.create_user(
            InstanceId=self.iid, Username="tag.trail", Password=PASSWORD,
            IdentityInfo={"FirstName": "Tig", "LastName": "Trail", "Email": "tag.trail@example.com"},
            PhoneConfig={"PhoneType": "SOFT_PHONE"}, SecurityProfileIds=[self.agent_profile],
            RoutingProfileId=self.routing_profile, Tags={"team": "blue", "site": "Lyon"})["UserId"]
        arn = self.b.describe_user(InstanceId=self.iid, UserId=uid)["User"]["Arn"]
        self.b.tag_resource(resourceArn=arn, tags={"team": "red", "shift": "night"})
        rc, _, err = self.roster.aws("untag-resource", "--resource-arn", arn, "--tag-keys", "site",
                                     creds=self.admin_key)
        self.assertEqual(rc, 0, err)
        self.b.delete_user(InstanceId=self.iid, UserId=uid)

        events = self.audit_json("--user", "tag.trail")
        self.assertEqual([e["operation"] for e in events],
                         ["CreateUser", "TagResource", "UntagResource", "DeleteUser"])
        create, tag, untag, delete = events
        self.assertEqual(create["after"]["Tags"], {"team": "blue", "site": "Lyon"})
        # only the keys that changed, null where a key was absent
        self.assertEqual(tag["before"]["Tags"], {"team": "blue", "shift": None})
        self.assertEqual(tag["after"]["Tags"], {"team": "red", "shift": "night"})
        self.assertGreater(tag["after"]["Version"], tag["before"]["Version"])
        self.assertNotIn("IdentityInfo", tag["after"])
        self.assertEqual(untag["before"]["Tags"], {"site": "Lyon"})
        self.assertEqual(untag["after"]["Tags"], {"site": None})
        self.assertEqual(untag["key_id"], self.admin_key.key_id)
        self.assertEqual(delete["before"]["Tags"], {"team": "red", "shift": "night"})

        lines = self.audit("--user", "tag.trail").stdout.splitlines()
        self.assertIn('Tags.team: "blue" -> "red"', lines[1])
        self.assertIn('Tags.site: "Lyon" -> (unset)', lines[2])

        # A tag change that is refused leaves no event.
        rc, _, err = self.roster.aws("tag-resource", "--resource-arn", arn, "--tags", "a=b")
        self.assertNotEqual(rc, 0)
        self.assertEqual(len(self.audit_json("--user", "tag.trail")), 4)

    # ---- --since ---------------------------------------------------------------------------------
    def test_since(self):
        uid = self.create_user("since.user")
        events = self.audit_json("--user", "since.user")
        self.assertEqual(len(events), 1)
        t = events[0]["time"]  # 2026-11-21T13:00:00.123Z
        self.assertEqual(self.audit_json("--user", uid, "--since", t), events)
        self.assertEqual(self.audit_json("--user", uid, "--since", "15m"), events)
        self.assertEqual(self.audit_json("--user", uid, "--since", t[:10]), events)  # the date alone
        # After it: nothing, still exit 0, a note on stderr.
        p = self.audit("--user", uid, "--since", "2999-01-01T00:00:00Z")
        self.assertEqual(p.stdout, "")
        self.assertIn("no audit events", p.stderr)
        # Every event since a minute ago includes this one.
        self.assertIn(uid, [e["user_id"] for e in self.audit_json("--since", "1m")])

    def test_bad_since_is_a_usage_error(self):
        for bad in ["yesterday", "15", "15x", "2026-02-30", "2026-11-21T25:00:00Z", "2026-11-21T13:00:00"]:
            with self.subTest(since=bad):
                p = self.roster.cli("audit", "--since", bad, check=False)
                self.assertEqual(p.returncode, 2, p.stderr)
                lines = p.stderr.strip().splitlines()
                self.assertEqual(len(lines), 1, p.stderr)
                self.assertTrue(lines[0].startswith("roster: --since"), p.stderr)
                self.assertEqual(p.stdout, "")

    # ---- --user and --instance ------------------------------------------------------------------
    def test_same_username_in_two_instances(self):
        other = self.b.create_instance(IdentityManagementType="CONNECT_MANAGED", InstanceAlias="auditother",
                                       InboundCallsEnabled=True, OutboundCallsEnabled=True)["Id"]
        profiles = self.b.list_security_profiles(InstanceId=other)["SecurityProfileSummaryList"]
        agent = next(p["Id"] for p in profiles if p["Name"] == "Agent")
        routing = self.b.list_routing_profiles(InstanceId=other)["RoutingProfileSummaryList"][0]["Id"]
        here = self.create_user("twin")
        there = self.b.create_user(
            InstanceId=other, Username="twin", Password=PASSWORD,
            IdentityInfo={"FirstName": "Other", "LastName": "Twin", "Email": "twin@example.com"},
            PhoneConfig={"PhoneType": "SOFT_PHONE"}, SecurityProfileIds=[agent],
            RoutingProfileId=routing)["UserId"]
        p = self.roster.cli("audit", "--user", "twin", check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("ambiguous", p.stderr)
        self.assertEqual([e["user_id"] for e in self.audit_json("--user", "twin", "--instance", "auditother")],
                         [there])
        self.assertEqual([e["user_id"] for e in self.audit_json("--user", "twin", "--instance", self.iid)],
                         [here])
        # --instance alone: only that instance's events.
        self.assertEqual({e["instance_id"] for e in self.audit_json("--instance", "auditother")}, {other})

    def test_unknown_user_and_instance(self):
        p = self.roster.cli("audit", "--user", "nobody-here", check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("no user named 'nobody-here'", p.stderr)
        p = self.roster.cli("audit", "--instance", "no-such-alias", check=False)
        self.assertEqual(p.returncode, 1)
        # An id nobody ever had: no events, exit 0.
        p = self.audit("--user", str(uuid.uuid4()))
        self.assertEqual(p.stdout, "")

    def test_usage(self):
        p = self.roster.cli("audit", "--help")
        self.assertIn("usage: roster audit", p.stdout)
        for args in (["--bogus"], ["extra"], ["--user"]):
            with self.subTest(args=args):
                p = self.roster.cli("audit", *args, check=False)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertEqual(p.stdout, "")


if __name__ == "__main__":
    unittest.main()
