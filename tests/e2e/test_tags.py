"""test_tags.py — TagResource, UntagResource and ListTagsForResource on every kind of resource,
by ARN (percent-encoded as the clients send it, and unencoded as curl would), with the tag rules
and every error: malformed ARN, another deployment, another instance, unknown resource, limits,
permissions.
"""
import json
import re
import unittest

from harness import RosterTestCase
from signing import call


class TagsTest(RosterTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.roster
        b = cls.b = r.boto()
        iid = cls.iid = r.instance_id
        cls.instance_arn = b.describe_instance(InstanceId=iid)["Instance"]["Arn"]
        cls.arns = {
            "security-profile": b.list_security_profiles(InstanceId=iid)["SecurityProfileSummaryList"][0]["Arn"],
            "routing-profile": b.list_routing_profiles(InstanceId=iid)["RoutingProfileSummaryList"][0]["Arn"],
            "queue": b.list_queues(InstanceId=iid, QueueTypes=["STANDARD"])["QueueSummaryList"][0]["Arn"],
            "operating-hours": b.list_hours_of_operations(InstanceId=iid)["HoursOfOperationSummaryList"][0]["Arn"],
        }
        out = r.add_user("tag-agent", "Agent").stdout
        user_id = re.search(r"\(([0-9a-f-]{36})\)", out).group(1)
        cls.arns["agent"] = cls.instance_arn + "/agent/" + user_id
        r.add_user("tag-manager", "CallCenterManager")
        cls.agent_key = r.new_key(user="tag-agent")
        cls.manager_key = r.new_key(user="tag-manager")

    def tags(self, arn, client=None):
        return (client or self.b).list_tags_for_resource(resourceArn=arn)["tags"]

    def test_every_kind_round_trip_cli(self):
        for kind, arn in list(self.arns.items()) + [("instance", self.instance_arn)]:
            with self.subTest(kind=kind):
                self.aws_ok("tag-resource", "--resource-arn", arn, "--tags", "team=blue,env=dev")
                self.assertEqual(self.aws_ok("list-tags-for-resource", "--resource-arn", arn)["tags"],
                                 {"team": "blue", "env": "dev"})
                self.aws_ok("tag-resource", "--resource-arn", arn, "--tags", "team=red")
                self.aws_ok("untag-resource", "--resource-arn", arn, "--tag-keys", "env", "missing-key")
                self.assertEqual(self.tags(arn), {"team": "red"})
                self.b.untag_resource(resourceArn=arn, tagKeys=["team"])
                self.assertEqual(self.tags(arn), {})

    def test_tags_show_in_describe(self):
        arn = self.arns["queue"]
        self.b.tag_resource(resourceArn=arn, tags={"shown": "yes"})
        qid = arn.rsplit("/", 1)[1]
        self.assertEqual(self.b.describe_queue(InstanceId=self.iid, QueueId=qid)["Queue"]["Tags"]["shown"], "yes")
        self.b.untag_resource(resourceArn=arn, tagKeys=["shown"])

    def test_unicode_keys_and_values(self):
        arn = self.arns["operating-hours"]
        self.b.tag_resource(resourceArn=arn, tags={"équipe": "bleu ☀", "部署": "営業"})
        self.assertEqual(self.tags(arn), {"équipe": "bleu ☀", "部署": "営業"})
        self.b.untag_resource(resourceArn=arn, tagKeys=["équipe", "部署"])

    def test_unencoded_arn_is_accepted(self):
        arn = self.arns["routing-profile"]
        resp = call(self.roster, "POST", "/tags/" + arn, body=json.dumps({"tags": {"raw": "1"}}))
        self.assertEqual(resp.status, 200, resp)
        resp = call(self.roster, "GET", "/tags/" + arn)
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json()["tags"], {"raw": "1"})
        self.b.untag_resource(resourceArn=arn, tagKeys=["raw"])

    def test_tag_rules(self):
        arn = self.arns["security-profile"]
        e = self.assertBotoError("InvalidParameterException", self.b.tag_resource, resourceArn=arn,
                                 tags={"aws:reserved": "x"})
        self.assertIn("aws:", e.response["Error"]["Message"])
        self.assertBotoError("InvalidParameterException", self.b.tag_resource, resourceArn=arn,
                             tags={"k" * 129: "x"})
        self.assertBotoError("InvalidParameterException", self.b.tag_resource, resourceArn=arn,
                             tags={"k": "v" * 257})
        self.assertBotoError("InvalidParameterException", self.b.tag_resource, resourceArn=arn,
                             tags={"bad;key": "x"})
        nv = self.roster.boto(validate=False)
        self.assertBotoError("InvalidParameterException", nv.tag_resource, resourceArn=arn, tags={})
        self.assertBotoError("InvalidParameterException", nv.tag_resource, resourceArn=arn,
                             tags={f"k{i}": "v" for i in range(51)})
        self.assertBotoError("InvalidParameterException", nv.untag_resource, resourceArn=arn, tagKeys=[])
        self.assertEqual(self.tags(arn), {})  # nothing was written by any refused call

    def test_at_most_fifty_tags_per_resource(self):
        arn = self.arns["queue"]
        self.b.tag_resource(resourceArn=arn, tags={f"a{i}": "v" for i in range(30)})
        e = self.assertBotoError("InvalidParameterException", self.b.tag_resource, resourceArn=arn,
                                 tags={f"b{i}": "v" for i in range(21)})
        self.assertIn("50", e.response["Error"]["Message"])
        self.assertEqual(len(self.tags(arn)), 30)
        self.b.untag_resource(resourceArn=arn, tagKeys=[f"a{i}" for i in range(30)])

    def test_huge_maps_are_refused_while_read(self):
        # 70,000 entries fit in under 1 MiB (as boto3 writes JSON); each used to be added with a linear search (14 s of
        # server time). The reader now refuses a map over 50 entries before copying any of it.
        huge = {f"{i:x}": "" for i in range(70000)}
        agent = self.roster.boto(self.agent_key)
        # A key that may not tag the resource is refused before the body is even parsed.
        e = self.assertBotoError("AccessDeniedException", agent.tag_resource, resourceArn=self.arns["queue"],
                                 tags=huge)
        self.assertIn("Queues.Edit", e.response["Error"]["Message"])
        cases = [
            (self.b.tag_resource, dict(resourceArn=self.arns["queue"], tags=huge), "tags"),
            (self.b.create_user, dict(InstanceId=self.iid, Username="huge-map", SecurityProfileIds=["x"],
                                      RoutingProfileId="x", PhoneConfig={"PhoneType": "SOFT_PHONE"}, Tags=huge),
             "Tags"),
            (self.b.create_security_profile, dict(InstanceId=self.iid, SecurityProfileName="huge-map",
                                                  AllowedAccessControlTags=huge), "AllowedAccessControlTags"),
        ]
        for fn, kwargs, field in cases:
            with self.subTest(field=field, fn=fn.__name__):
                e = self.assertBotoError("InvalidParameterException", fn, **kwargs)
                self.assertEqual(e.response["Error"]["Message"],
                                 f"{field} holds at most 50 entries (got 70000)")
        e = self.assertBotoError("InvalidParameterException", self.b.update_user_security_profiles,
                                 InstanceId=self.iid, UserId="00000000-0000-0000-0000-000000000000",
                                 SecurityProfileIds=["p"] * 60000)
        self.assertIn("SecurityProfileIds holds at most 500 entries (got 60000)", e.response["Error"]["Message"])
        self.assertEqual(self.tags(self.arns["queue"]), {})

    def test_bad_arns(self):
        base = self.instance_arn
        account = base.split(":")[4]
        cases = {
            "not-an-arn": "InvalidParameterException",
            base.replace("us-east-1", "eu-west-1"): "ResourceNotFoundException",
            base.replace(account, "000000000000"): "ResourceNotFoundException",
            base + "/agent": "ResourceNotFoundException",
            base + "/contact-flow/00000000-0000-0000-0000-000000000000": "InvalidParameterException",
            base + "/agent/00000000-0000-0000-0000-000000000000": "ResourceNotFoundException",
            base.replace(self.iid, "00000000-0000-0000-0000-000000000000"): "ResourceNotFoundException",
        }
        for arn, code in cases.items():
            with self.subTest(arn=arn):
                self.assertBotoError(code, self.b.list_tags_for_resource, resourceArn=arn)
                self.assertBotoError(code, self.b.tag_resource, resourceArn=arn, tags={"k": "v"})
        err = self.assertAwsError(self.roster.aws("list-tags-for-resource", "--resource-arn", "not-an-arn"),
                                  "InvalidParameterException")
        self.assertIn("resourceArn", err)

    def test_another_instance_is_out_of_reach_for_a_user_key(self):
        other = self.b.create_instance(IdentityManagementType="SAML", InboundCallsEnabled=True,
                                       OutboundCallsEnabled=True)
        sp = self.b.list_security_profiles(InstanceId=other["Id"])["SecurityProfileSummaryList"][0]["Arn"]
        manager = self.roster.boto(self.manager_key)
        self.assertBotoError("AccessDeniedException", manager.list_tags_for_resource, resourceArn=sp)
        self.assertBotoError("AccessDeniedException", manager.tag_resource, resourceArn=sp, tags={"k": "v"})
        self.assertEqual(self.tags(sp), {})
        # The account key reaches it.
        self.b.tag_resource(resourceArn=sp, tags={"k": "v"})
        self.assertEqual(self.tags(sp), {"k": "v"})

    def test_permissions_follow_the_resource_kind(self):
        agent = self.roster.boto(self.agent_key)
        manager = self.roster.boto(self.manager_key)  # RoutingPolicies.*, no SecurityProfiles.Edit
        rp = self.arns["routing-profile"]
        self.assertBotoError("AccessDeniedException", agent.tag_resource, resourceArn=rp, tags={"k": "v"})
        self.assertBotoError("AccessDeniedException", agent.list_tags_for_resource, resourceArn=rp)
        manager.tag_resource(resourceArn=rp, tags={"by": "manager"})
        self.assertEqual(self.tags(rp, manager), {"by": "manager"})
        manager.untag_resource(resourceArn=rp, tagKeys=["by"])
        e = self.assertBotoError("AccessDeniedException", manager.tag_resource,
                                 resourceArn=self.arns["security-profile"], tags={"k": "v"})
        self.assertIn("SecurityProfiles.Edit", e.response["Error"]["Message"])
        self.assertBotoError("AccessDeniedException", manager.tag_resource, resourceArn=self.instance_arn,
                             tags={"k": "v"})


if __name__ == "__main__":
    unittest.main()
