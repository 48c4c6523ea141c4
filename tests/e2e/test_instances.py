"""test_instances.py — CreateInstance, DescribeInstance, ListInstances and DeleteInstance end to end,
through the real aws CLI and boto3.

The CLI is used where its own behaviour matters (printing, exit code 255, auto-pagination, values
it does not validate such as max, pattern and enum); boto3 does bulk set-up and sends what the CLI
would refuse to send (parameter_validation=False).
"""
import re
import sqlite3
import unittest
import uuid

from harness import RosterTestCase, aws_error_code
from signing import log_lines

ARN_INSTANCE = re.compile(r"^arn:aws:connect:us-east-1:(\d{12}):instance/([0-9a-f-]{36})$")
# Lowercase UUIDs, as the reference says resource ids are; roster makes time-ordered ones
# (version 7) so that new rows append to the indexes keyed by id.
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
# Request ids are random (version 4) UUIDs.
REQUEST_ID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
DEFAULT_PROFILES = {"Admin", "Agent", "CallCenterManager", "QualityAnalyst"}


def error_code(exc):
    return exc.response["Error"]["Code"]


class InstanceHelpers:
    """Shared helpers; mixed into the test classes below."""

    def create(self, alias=None, idm="CONNECT_MANAGED", **extra):
        args = dict(IdentityManagementType=idm, InboundCallsEnabled=True, OutboundCallsEnabled=True, **extra)
        if alias:
            args["InstanceAlias"] = alias
        return self.roster.boto().create_instance(**args)

    def all_instance_ids(self):
        pages = self.roster.boto().get_paginator("list_instances").paginate()
        return [s["Id"] for p in pages for s in p["InstanceSummaryList"]]

    def default_resource_names(self, instance_id):
        """The names of everything in an instance, by kind, read with the list operations."""
        b = self.roster.boto()
        return {
            "security": {s["Name"] for s in b.list_security_profiles(InstanceId=instance_id)
                         ["SecurityProfileSummaryList"]},
            "routing": [s["Name"] for s in b.list_routing_profiles(InstanceId=instance_id)
                        ["RoutingProfileSummaryList"]],
            "queues": [s["Name"] for s in b.list_queues(InstanceId=instance_id, QueueTypes=["STANDARD"])
                       ["QueueSummaryList"]],
            "hours": [s["Name"] for s in b.list_hours_of_operations(InstanceId=instance_id)
                      ["HoursOfOperationSummaryList"]],
        }

    def assertBotoError(self, code, fn, *args, **kwargs):
        with self.assertRaises(Exception) as cm:
            fn(*args, **kwargs)
        self.assertTrue(hasattr(cm.exception, "response"), repr(cm.exception))
        self.assertEqual(error_code(cm.exception), code, cm.exception.response)
        return cm.exception


class CreateDescribeTest(InstanceHelpers, RosterTestCase):

    def test_create_connect_managed_with_cli(self):
        rc, out, err = self.roster.aws("create-instance", "--identity-management-type", "CONNECT_MANAGED",
                                       "--instance-alias", "cli-managed-1", "--inbound-calls-enabled",
                                       "--no-outbound-calls-enabled", "--tags", "team=blue,env=dev")
        self.assertEqual(rc, 0, err)
        self.assertEqual(set(out), {"Id", "Arn"})
        self.assertRegex(out["Id"], UUID_RE)
        m = ARN_INSTANCE.match(out["Arn"])
        self.assertIsNotNone(m, out["Arn"])
        self.assertEqual(m.group(2), out["Id"])

        rc, desc, err = self.roster.aws("describe-instance", "--instance-id", out["Id"])
        self.assertEqual(rc, 0, err)
        inst = desc["Instance"]
        self.assertEqual(inst["Id"], out["Id"])
        self.assertEqual(inst["Arn"], out["Arn"])
        self.assertEqual(inst["IdentityManagementType"], "CONNECT_MANAGED")
        self.assertEqual(inst["InstanceAlias"], "cli-managed-1")
        self.assertEqual(inst["InstanceStatus"], "ACTIVE")
        self.assertIs(inst["InboundCallsEnabled"], True)
        self.assertIs(inst["OutboundCallsEnabled"], False)
        self.assertEqual(inst["Tags"], {"team": "blue", "env": "dev"})
        # CLI v1 prints the wire value: epoch seconds as a JSON number.
        self.assertIsInstance(inst["CreatedTime"], (int, float))
        self.assertGreater(inst["CreatedTime"], 1.6e9)

        names = self.default_resource_names(out["Id"])
        self.assertEqual(names["security"], DEFAULT_PROFILES)
        self.assertEqual(names["routing"], ["Basic Routing Profile"])
        self.assertEqual(names["queues"], ["BasicQueue"])
        self.assertEqual(names["hours"], ["Basic Hours"])

    def test_create_saml_with_boto3_and_describe_by_arn(self):
        b = self.roster.boto()
        out = b.create_instance(IdentityManagementType="SAML", InstanceAlias="boto-saml-1",
                                InboundCallsEnabled=False, OutboundCallsEnabled=True,
                                Tags={"cost-center": "42", "owner": "ops@example.com"})
        self.assertRegex(out["Id"], UUID_RE)
        self.assertRegex(out["Arn"], ARN_INSTANCE)
        self.assertRegex(out["ResponseMetadata"]["RequestId"], REQUEST_ID_RE)

        by_arn = b.describe_instance(InstanceId=out["Arn"])["Instance"]
        by_id = b.describe_instance(InstanceId=out["Id"])["Instance"]
        self.assertEqual(by_arn, by_id)
        self.assertEqual(by_arn["Id"], out["Id"])
        self.assertEqual(by_arn["IdentityManagementType"], "SAML")
        self.assertEqual(by_arn["InstanceAlias"], "boto-saml-1")
        self.assertIs(by_arn["InboundCallsEnabled"], False)
        self.assertIs(by_arn["OutboundCallsEnabled"], True)
        self.assertEqual(by_arn["Tags"], {"cost-center": "42", "owner": "ops@example.com"})
        self.assertEqual(by_arn["CreatedTime"].year >= 2024, True)

        names = self.default_resource_names(out["Id"])
        self.assertEqual(names["security"], DEFAULT_PROFILES)
        self.assertEqual(names["routing"], ["Basic Routing Profile"])
        self.assertEqual(names["queues"], ["BasicQueue"])
        self.assertEqual(names["hours"], ["Basic Hours"])

    def test_new_instance_gets_its_own_default_resources(self):
        b = self.roster.boto()
        new = self.create("own-defaults")["Id"]
        mine = {s["Id"] for s in b.list_security_profiles(InstanceId=new)["SecurityProfileSummaryList"]}
        theirs = {s["Id"] for s in b.list_security_profiles(InstanceId=self.roster.instance_id)
                  ["SecurityProfileSummaryList"]}
        self.assertEqual(len(mine), 4)
        self.assertFalse(mine & theirs, "two instances share security profile ids")
        q_new = b.list_queues(InstanceId=new)["QueueSummaryList"]
        for q in q_new:
            self.assertIn(f"instance/{new}/", q["Arn"])

    def test_create_without_alias_has_no_alias(self):
        out = self.create()
        inst = self.roster.boto().describe_instance(InstanceId=out["Id"])["Instance"]
        self.assertNotIn("InstanceAlias", inst)
        self.assertNotIn("Tags", inst)

    def test_describe_by_arn_with_cli(self):
        out = self.create("arn-describe")
        rc, desc, err = self.roster.aws("describe-instance", "--instance-id", out["Arn"])
        self.assertEqual(rc, 0, err)
        self.assertEqual(desc["Instance"]["Id"], out["Id"])
        self.assertEqual(desc["Instance"]["InstanceAlias"], "arn-describe")

    def test_describe_unknown_instance_cli(self):
        err = self.assertAwsError(self.roster.aws("describe-instance", "--instance-id", str(uuid.uuid4())),
                                  "ResourceNotFoundException")
        self.assertIn("DescribeInstance", err)

    def test_describe_arn_of_other_account_is_refused(self):
        arn = f"arn:aws:connect:us-east-1:000000000000:instance/{self.roster.instance_id}"
        e = self.assertBotoError("InvalidParameterException", self.roster.boto().describe_instance, InstanceId=arn)
        self.assertIn("ARN", e.response["Error"]["Message"])

    def test_client_token_makes_create_idempotent(self):
        b = self.roster.boto()
        token = str(uuid.uuid4())
        before = set(self.all_instance_ids())
        first = b.create_instance(IdentityManagementType="CONNECT_MANAGED", InstanceAlias="idem-1",
                                  InboundCallsEnabled=True, OutboundCallsEnabled=True, ClientToken=token)
        second = b.create_instance(IdentityManagementType="CONNECT_MANAGED", InstanceAlias="idem-1",
                                   InboundCallsEnabled=True, OutboundCallsEnabled=True, ClientToken=token)
        self.assertEqual(first["Id"], second["Id"])
        self.assertEqual(first["Arn"], second["Arn"])
        # The CLI with the same token gets the same instance as well.
        rc, out, err = self.roster.aws("create-instance", "--identity-management-type", "CONNECT_MANAGED",
                                       "--instance-alias", "idem-1", "--inbound-calls-enabled",
                                       "--outbound-calls-enabled", "--client-token", token)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["Id"], first["Id"])
        after = set(self.all_instance_ids())
        self.assertEqual(after - before, {first["Id"]})

    def test_without_client_token_each_create_is_new(self):
        # botocore fills ClientToken with a fresh UUID each call: two creates, two instances.
        a = self.create()["Id"]
        b = self.create()["Id"]
        self.assertNotEqual(a, b)

    def test_duplicate_alias_cli(self):
        err = self.assertAwsError(
            self.roster.aws("create-instance", "--identity-management-type", "CONNECT_MANAGED",
                            "--instance-alias", "default", "--inbound-calls-enabled", "--outbound-calls-enabled"),
            "DuplicateResourceException")
        self.assertIn("default", err)

    def test_duplicate_alias_is_case_insensitive_and_creates_nothing(self):
        before = self.all_instance_ids()
        self.assertBotoError("DuplicateResourceException", self.create, "DEFAULT")
        self.assertEqual(sorted(self.all_instance_ids()), sorted(before))

    def test_bad_alias_pattern_cli(self):
        # The CLI does not check patterns: the server must.
        err = self.assertAwsError(
            self.roster.aws("create-instance", "--identity-management-type", "CONNECT_MANAGED",
                            "--instance-alias", "bad_alias!", "--inbound-calls-enabled", "--outbound-calls-enabled"),
            "InvalidParameterException")
        self.assertIn("InstanceAlias", err)

    def test_bad_alias_patterns_boto3(self):
        before = self.all_instance_ids()
        for alias in ["d-1234567890", "-leading", "trailing-", "under_score", "sp ace", "é", "a" * 46]:
            with self.subTest(alias=alias):
                self.assertBotoError("InvalidParameterException", self.create, alias)
        self.assertEqual(sorted(self.all_instance_ids()), sorted(before))
        # The limits themselves are fine.
        ok = self.create("a" * 45)
        self.assertEqual(self.roster.boto().describe_instance(InstanceId=ok["Id"])["Instance"]["InstanceAlias"],
                         "a" * 45)
        self.create("x--y-9")

    def test_existing_directory_is_invalid_request_cli(self):
        err = self.assertAwsError(
            self.roster.aws("create-instance", "--identity-management-type", "EXISTING_DIRECTORY",
                            "--directory-id", "d-0123456789", "--instance-alias", "dir-1",
                            "--inbound-calls-enabled", "--outbound-calls-enabled"),
            "InvalidRequestException")
        self.assertIn("EXISTING_DIRECTORY", err)

    def test_directory_id_without_existing_directory_is_invalid_request(self):
        self.assertBotoError("InvalidRequestException", self.create, "dir-2", DirectoryId="d-0123456789")

    def test_bad_identity_type_enum_cli(self):
        err = self.assertAwsError(
            self.roster.aws("create-instance", "--identity-management-type", "LDAP",
                            "--inbound-calls-enabled", "--outbound-calls-enabled"),
            "InvalidParameterException")
        self.assertIn("IdentityManagementType", err)

    def test_invalid_input_boto3_without_validation(self):
        raw = self.roster.boto(validate=False)
        cases = {
            "missing InboundCallsEnabled": dict(IdentityManagementType="SAML", OutboundCallsEnabled=True),
            "missing IdentityManagementType": dict(InboundCallsEnabled=True, OutboundCallsEnabled=True),
            "boolean as string": dict(IdentityManagementType="SAML", InboundCallsEnabled="yes",
                                      OutboundCallsEnabled=True),
            "type as number": dict(IdentityManagementType=7, InboundCallsEnabled=True, OutboundCallsEnabled=True),
            "empty alias": dict(IdentityManagementType="SAML", InstanceAlias="", InboundCallsEnabled=True,
                                OutboundCallsEnabled=True),
            "empty Tags map": dict(IdentityManagementType="SAML", InboundCallsEnabled=True,
                                   OutboundCallsEnabled=True, Tags={}),
            "client token too long": dict(IdentityManagementType="SAML", InboundCallsEnabled=True,
                                          OutboundCallsEnabled=True, ClientToken="t" * 501),
        }
        before = self.all_instance_ids()
        for name, args in cases.items():
            with self.subTest(name):
                self.assertBotoError("InvalidParameterException", raw.create_instance, **args)
        self.assertEqual(sorted(self.all_instance_ids()), sorted(before))

    def test_tag_key_with_aws_prefix_cli(self):
        err = self.assertAwsError(
            self.roster.aws("create-instance", "--identity-management-type", "SAML", "--inbound-calls-enabled",
                            "--outbound-calls-enabled", "--tags", '{"aws:team": "x"}'),
            "InvalidParameterException")
        self.assertIn("aws:", err)

    def test_tag_limits_boto3(self):
        self.assertBotoError("InvalidParameterException", self.create,
                             Tags={f"k{i}": "v" for i in range(51)})
        self.assertBotoError("InvalidParameterException", self.create, Tags={"k" * 129: "v"})
        self.assertBotoError("InvalidParameterException", self.create, Tags={"k": "v" * 257})
        self.assertBotoError("InvalidParameterException", self.create, Tags={"bad#char": "v"})
        # 50 tags, unicode letters and every allowed punctuation mark are fine.
        tags = {f"k{i}": "v" for i in range(49)}
        tags["Équipe _.:/=+-@ 1"] = "ü" * 256
        out = self.create(Tags=tags)
        self.assertEqual(self.roster.boto().describe_instance(InstanceId=out["Id"])["Instance"]["Tags"], tags)


class ListInstancesTest(InstanceHelpers, RosterTestCase):
    """A server with the default instance plus 12 more."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        b = cls.roster.boto()
        cls.created = [b.create_instance(IdentityManagementType="SAML" if i % 2 else "CONNECT_MANAGED",
                                         InstanceAlias=f"list-{i:02d}", InboundCallsEnabled=True,
                                         OutboundCallsEnabled=bool(i % 3))["Id"] for i in range(12)]
        cls.expected = set(cls.created) | {cls.roster.instance_id}

    def test_cli_auto_paginates_without_gaps_or_duplicates(self):
        key = self.roster.new_key()  # a key of its own, to count this command's requests in the log
        rc, out, err = self.roster.aws("list-instances", "--page-size", "5", creds=key)
        self.assertEqual(rc, 0, err)
        ids = [s["Id"] for s in out["InstanceSummaryList"]]
        self.assertEqual(len(ids), len(set(ids)), "duplicate instances across pages")
        self.assertEqual(set(ids), self.expected)
        self.assertNotIn("NextToken", out)
        # 13 instances in pages of 5: three requests reached the server.
        lines = log_lines(self.roster, key.key_id, at_least=3)
        self.assertEqual(len(lines), 3, lines)
        self.assertTrue(all(" GET /instance 200 " in ln for ln in lines), lines)

    def test_cli_default_page_size(self):
        rc, out, err = self.roster.aws("list-instances")
        self.assertEqual(rc, 0, err)
        ids = [s["Id"] for s in out["InstanceSummaryList"]]
        self.assertEqual(sorted(ids), sorted(self.expected))

    def test_cli_max_results_11_is_out_of_range(self):
        err = self.assertAwsError(self.roster.aws("list-instances", "--max-results", "11"),
                                  "InvalidParameterException")
        self.assertIn("maxResults", err)

    def test_cli_max_results_and_next_token_single_pages(self):
        rc, p1, err = self.roster.aws("list-instances", "--max-results", "10")
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(p1["InstanceSummaryList"]), 10)
        self.assertTrue(p1.get("NextToken"))
        rc, p2, err = self.roster.aws("list-instances", "--max-results", "10", "--next-token", p1["NextToken"])
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(p2["InstanceSummaryList"]), 3)
        self.assertNotIn("NextToken", p2)
        ids = [s["Id"] for s in p1["InstanceSummaryList"] + p2["InstanceSummaryList"]]
        self.assertEqual(sorted(ids), sorted(self.expected))

    def test_boto3_paginator_every_page_size(self):
        b = self.roster.boto()
        for size in (1, 4, 10):
            with self.subTest(page_size=size):
                pages = list(b.get_paginator("list_instances").paginate(PaginationConfig={"PageSize": size}))
                self.assertEqual(len(pages), -(-13 // size))
                for p in pages:
                    self.assertLessEqual(len(p["InstanceSummaryList"]), size)
                ids = [s["Id"] for p in pages for s in p["InstanceSummaryList"]]
                self.assertEqual(len(ids), len(set(ids)))
                self.assertEqual(set(ids), self.expected)

    def test_order_is_stable(self):
        a = self.all_instance_ids()
        b = self.all_instance_ids()
        self.assertEqual(a, b)

    def test_summary_shape_cli(self):
        rc, out, err = self.roster.aws("list-instances")
        self.assertEqual(rc, 0, err)
        by_alias = {s.get("InstanceAlias"): s for s in out["InstanceSummaryList"]}
        s = by_alias["list-03"]
        self.assertRegex(s["Arn"], ARN_INSTANCE)
        self.assertTrue(s["Arn"].endswith("/" + s["Id"]))
        self.assertEqual(s["IdentityManagementType"], "SAML")
        self.assertEqual(s["InstanceStatus"], "ACTIVE")
        self.assertIs(s["InboundCallsEnabled"], True)
        self.assertIs(s["OutboundCallsEnabled"], False)
        self.assertIsInstance(s["CreatedTime"], (int, float))
        self.assertNotIn("Tags", s)
        self.assertEqual(by_alias["list-04"]["IdentityManagementType"], "CONNECT_MANAGED")
        # All instances carry the same account in their ARN.
        accounts = {ARN_INSTANCE.match(x["Arn"]).group(1) for x in out["InstanceSummaryList"]}
        self.assertEqual(len(accounts), 1)

    def test_bad_paging_input_boto3(self):
        raw = self.roster.boto(validate=False)
        self.assertBotoError("InvalidParameterException", raw.list_instances, MaxResults=0)
        self.assertBotoError("InvalidParameterException", raw.list_instances, MaxResults=-1)
        self.assertBotoError("InvalidParameterException", raw.list_instances, NextToken="garbage")
        # A token of another list is not accepted either.
        sp = self.roster.boto().list_security_profiles(InstanceId=self.roster.instance_id, MaxResults=1)
        self.assertBotoError("InvalidParameterException", raw.list_instances, NextToken=sp["NextToken"])


class DeleteInstanceTest(InstanceHelpers, RosterTestCase):

    def rows_mentioning(self, instance_id):
        """Every row of every table (audit log aside) whose text mentions instance_id."""
        con = sqlite3.connect(f"file:{self.roster.db}?mode=ro", uri=True)
        try:
            tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            found = []
            for t in tables:
                if t == "audit_events":
                    continue
                for row in con.execute(f'SELECT * FROM "{t}"'):
                    if any(isinstance(v, str) and instance_id in v for v in row):
                        found.append((t, row))
            return found
        finally:
            con.close()

    def test_delete_with_cli_removes_everything(self):
        b = self.roster.boto()
        out = self.create("doomed", Tags={"a": "b"})
        iid = out["Id"]
        self.roster.add_user("doomed-agent", "Agent", instance=iid)
        user_key = self.roster.new_key(user="doomed-agent", instance=iid)
        queue_id = b.list_queues(InstanceId=iid)["QueueSummaryList"][0]["Id"]
        self.assertTrue(self.rows_mentioning(iid))

        rc, printed, err = self.roster.aws("delete-instance", "--instance-id", iid)
        self.assertEqual(rc, 0, err)
        self.assertIsNone(printed)

        self.assertAwsError(self.roster.aws("describe-instance", "--instance-id", iid), "ResourceNotFoundException")
        self.assertAwsError(self.roster.aws("delete-instance", "--instance-id", iid), "ResourceNotFoundException")
        self.assertNotIn(iid, self.all_instance_ids())
        for fn, extra in [(b.list_security_profiles, {}), (b.list_queues, {}), (b.list_routing_profiles, {}),
                          (b.list_hours_of_operations, {}), (b.describe_queue, {"QueueId": queue_id})]:
            with self.subTest(op=fn.__name__):
                self.assertBotoError("ResourceNotFoundException", fn, InstanceId=iid, **extra)
        # The instance's users and their keys went with it.
        self.assertBotoError("UnrecognizedClientException", self.roster.boto(user_key).list_instances)
        self.assertEqual(self.rows_mentioning(iid), [])
        # The other instances are untouched.
        names = self.default_resource_names(self.roster.instance_id)
        self.assertEqual(names["security"], DEFAULT_PROFILES)
        # The alias is free again.
        self.create("doomed")

    def test_delete_by_arn_with_boto3(self):
        b = self.roster.boto()
        out = self.create("doomed-by-arn")
        resp = b.delete_instance(InstanceId=out["Arn"])
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertBotoError("ResourceNotFoundException", b.describe_instance, InstanceId=out["Id"])
        self.assertBotoError("ResourceNotFoundException", b.delete_instance, InstanceId=out["Arn"])

    def test_delete_unknown_instance(self):
        self.assertBotoError("ResourceNotFoundException", self.roster.boto().delete_instance,
                             InstanceId=str(uuid.uuid4()))

    def test_delete_with_user_key_is_denied(self):
        out = self.create("keeps-living")
        self.roster.add_user("boss", "Admin", instance=out["Id"])
        key = self.roster.new_key(user="boss", instance=out["Id"])
        rc, _, err = self.roster.aws("delete-instance", "--instance-id", out["Id"], creds=key)
        self.assertEqual(rc, 255, err)
        self.assertEqual(aws_error_code(err), "AccessDeniedException")
        self.assertIn("account", err)
        inst = self.roster.boto().describe_instance(InstanceId=out["Id"])["Instance"]
        self.assertEqual(inst["InstanceStatus"], "ACTIVE")

    def test_delete_client_token_too_long(self):
        out = self.create()
        raw = self.roster.boto(validate=False)
        self.assertBotoError("InvalidParameterException", raw.delete_instance, InstanceId=out["Id"],
                             ClientToken="t" * 501)
        self.roster.boto().describe_instance(InstanceId=out["Id"])


if __name__ == "__main__":
    unittest.main()
