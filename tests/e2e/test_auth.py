"""test_auth.py — SigV4 authentication and per-user authorisation end to end.

Signatures are made by botocore itself (the CLI, boto3, or botocore's SigV4Auth in signing.py),
so every refusal here is of a request a real client could produce, changed on purpose.
"""
import datetime
import re
import unittest
import uuid

from harness import Credentials, RosterTestCase, aws_error_code
from signing import call, log_lines, send, sign, utc_now


def error_code(exc):
    return exc.response["Error"]["Code"]


class AuthTest(RosterTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.roster
        r.add_user("agent1", "Agent")
        r.add_user("admin2", "Admin")
        r.add_user("analyst1", "QualityAnalyst")
        r.add_user("manager1", "CallCenterManager")
        cls.agent_key = r.new_key(user="agent1")
        cls.admin_key = r.new_key(user="admin2")
        cls.analyst_key = r.new_key(user="analyst1")
        cls.manager_key = r.new_key(user="manager1")
        cls.iid = r.instance_id
        b = r.boto()
        cls.other = b.create_instance(IdentityManagementType="CONNECT_MANAGED", InstanceAlias="second",
                                      InboundCallsEnabled=True, OutboundCallsEnabled=True)
        r.add_user("other-admin", "Admin", instance=cls.other["Id"])
        cls.other_admin_key = r.new_key(user="other-admin", instance=cls.other["Id"])

    def assertBotoError(self, code, fn, **kwargs):
        with self.assertRaises(Exception) as cm:
            fn(**kwargs)
        self.assertTrue(hasattr(cm.exception, "response"), repr(cm.exception))
        self.assertEqual(error_code(cm.exception), code, cm.exception.response)
        return cm.exception

    def assertRaw(self, resp, status, code):
        self.assertEqual(resp.status, status, resp)
        self.assertEqual(resp.error_type, code, resp)
        self.assertIn("Message", resp.json())
        return resp

    # ---- identity ------------------------------------------------------------------------------
    def test_account_key_works(self):
        rc, out, err = self.roster.aws("list-instances")
        self.assertEqual(rc, 0, err)
        self.assertIn(self.iid, [s["Id"] for s in out["InstanceSummaryList"]])

    def test_wrong_secret(self):
        secret = self.roster.account.secret
        bad = Credentials(self.roster.account.key_id, secret[:-1] + ("y" if secret.endswith("x") else "x"))
        err = self.assertAwsError(self.roster.aws("list-instances", creds=bad), "InvalidSignatureException")
        self.assertIn("signature", err.lower())
        self.assertBotoError("InvalidSignatureException", self.roster.boto(bad).describe_instance, InstanceId=self.iid)
        # A user key with the secret of another key is refused the same way.
        swapped = Credentials(self.agent_key.key_id, self.admin_key.secret)
        self.assertBotoError("InvalidSignatureException", self.roster.boto(swapped).list_instances)

    def test_unknown_key_id(self):
        bad = Credentials("AKRSNOSUCHKEY0000000", self.roster.account.secret)
        self.assertAwsError(self.roster.aws("list-instances", creds=bad), "UnrecognizedClientException")
        self.assertBotoError("UnrecognizedClientException", self.roster.boto(bad).list_instances)

    def test_revoked_key(self):
        key = self.roster.new_key()
        b = self.roster.boto(key)
        self.assertIn("InstanceSummaryList", b.list_instances())
        p = self.roster.cli("keys", "revoke", key.key_id, "--db", self.roster.db)
        self.assertIn(key.key_id, p.stdout)
        # The running server sees the revocation at once.
        self.assertBotoError("UnrecognizedClientException", b.list_instances)
        self.assertAwsError(self.roster.aws("list-instances", creds=key), "UnrecognizedClientException")
        # Other keys keep working.
        self.roster.boto().list_instances()

    def test_revoked_user_key(self):
        key = self.roster.new_key(user="admin2")
        b = self.roster.boto(key)
        b.list_queues(InstanceId=self.iid)
        self.roster.cli("keys", "revoke", key.key_id, "--db", self.roster.db)
        self.assertBotoError("UnrecognizedClientException", b.list_queues, InstanceId=self.iid)
        self.roster.boto(self.admin_key).list_queues(InstanceId=self.iid)

    def test_missing_authorization(self):
        resp = send(self.roster.port, "GET", "/instance")
        self.assertRaw(resp, 403, "MissingAuthenticationTokenException")
        resp = send(self.roster.port, "GET", f"/security-profiles-summary/{self.iid}")
        self.assertRaw(resp, 403, "MissingAuthenticationTokenException")
        rc, out, err = self.roster.aws("list-instances", "--no-sign-request")
        self.assertEqual(rc, 255)
        self.assertEqual(aws_error_code(err), "MissingAuthenticationTokenException")

    def test_malformed_authorization(self):
        h = sign(self.roster.endpoint, self.roster.account, "GET", "/instance")
        good = h["Authorization"]
        variants = {
            "garbage": "AWS4-HMAC-SHA256 garbage",
            "other algorithm": good.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512"),
            "no signature": re.sub(r", Signature=.*", "", good),
            "no signed headers": re.sub(r", SignedHeaders=[^,]*", "", good),
            "x-amz-date not signed": re.sub(r"SignedHeaders=[^,]*", "SignedHeaders=host", good),
            "host not signed": re.sub(r"SignedHeaders=[^,]*", "SignedHeaders=x-amz-date", good),
            "short signature": re.sub(r"Signature=.*", "Signature=abc", good),
            "bad credential scope": re.sub(r"Credential=[^,]*", "Credential=AKX", good),
            "basic auth": "Basic dXNlcjpwYXNz",
        }
        for name, value in variants.items():
            with self.subTest(name):
                self.assertRaw(send(self.roster.port, "GET", "/instance", dict(h, Authorization=value)), 400,
                               "IncompleteSignatureException")
        no_date = {k: v for k, v in h.items() if k != "X-Amz-Date"}
        self.assertRaw(send(self.roster.port, "GET", "/instance", no_date), 400, "IncompleteSignatureException")
        # The unmodified request passes.
        self.assertEqual(send(self.roster.port, "GET", "/instance", h).status, 200)

    def test_stale_and_future_dates(self):
        now = utc_now()
        for minutes in (-20, 20, -60 * 24):
            with self.subTest(minutes=minutes):
                resp = call(self.roster, "GET", "/instance", at=now + datetime.timedelta(minutes=minutes))
                self.assertRaw(resp, 403, "InvalidSignatureException")
                self.assertIn("expired", resp.json()["Message"].lower())
        # Inside the 15-minute window the same request is fine.
        for minutes in (-14, 14):
            with self.subTest(minutes=minutes):
                resp = call(self.roster, "GET", "/instance", at=now + datetime.timedelta(minutes=minutes))
                self.assertEqual(resp.status, 200, resp)

    def test_wrong_service_in_scope(self):
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials as BotoCredentials
        req = AWSRequest(method="GET", url=self.roster.endpoint + "/instance")
        SigV4Auth(BotoCredentials(self.roster.account.key_id, self.roster.account.secret), "s3",
                  "us-east-1").add_auth(req)
        resp = send(self.roster.port, "GET", "/instance", dict(req.headers.items()))
        self.assertRaw(resp, 403, "InvalidSignatureException")
        self.assertIn("connect", resp.json()["Message"])

    def test_session_token(self):
        b = self.roster.boto(session_token="FQoGZXIvYXdzEXAMPLETOKEN//with+odd=chars")
        self.assertIn("InstanceSummaryList", b.list_instances())
        self.assertEqual(len(b.list_security_profiles(InstanceId=self.iid)["SecurityProfileSummaryList"]), 4)
        # The token header is signed: changing it afterwards breaks the signature.
        h = sign(self.roster.endpoint, self.roster.account, "GET", "/instance", session_token="tok-1")
        self.assertIn("x-amz-security-token", h["Authorization"])
        self.assertEqual(send(self.roster.port, "GET", "/instance", h).status, 200)
        h["X-Amz-Security-Token"] = "tok-2"
        self.assertRaw(send(self.roster.port, "GET", "/instance", h), 403, "InvalidSignatureException")

    def test_failed_auth_is_logged_with_key_id(self):
        bad = Credentials("AKRSLOGGEDKEY0000000", "x" * 40)
        self.assertBotoError("UnrecognizedClientException", self.roster.boto(bad).list_instances)
        lines = log_lines(self.roster, "AKRSLOGGEDKEY0000000")
        self.assertTrue(lines, self.roster.log()[-2000:])
        self.assertIn(" 403 ", lines[-1])

    # ---- tampering -----------------------------------------------------------------------------
    def test_tampered_requests(self):
        r = self.roster
        body = b'{"IdentityManagementType": "SAML", "InboundCallsEnabled": true, "OutboundCallsEnabled": true}'
        path = f"/queues-summary/{self.iid}"

        h = sign(r.endpoint, r.account, "PUT", "/instance", body=body)
        tampered = body.replace(b"SAML", b"CONNECT_MANAGED")
        self.assertRaw(send(r.port, "PUT", "/instance", h, tampered), 403, "InvalidSignatureException")
        self.assertRaw(send(r.port, "PUT", "/instance", h, body + b" "), 403, "InvalidSignatureException")
        h2 = dict(h, **{"Content-Type": "application/x-amz-json-1.1"})
        self.assertRaw(send(r.port, "PUT", "/instance", h2, body), 403, "InvalidSignatureException")

        h = sign(r.endpoint, r.account, "GET", path, query="maxResults=1")
        self.assertRaw(send(r.port, "GET", path + "?maxResults=2", h), 403, "InvalidSignatureException")
        self.assertRaw(send(r.port, "GET", path + "?maxResults=1&queueTypes=AGENT", h), 403,
                       "InvalidSignatureException")
        self.assertRaw(send(r.port, "GET", path, h), 403, "InvalidSignatureException")
        other_path = f"/queues-summary/{self.other['Id']}"
        self.assertRaw(send(r.port, "GET", other_path + "?maxResults=1", h), 403, "InvalidSignatureException")
        self.assertRaw(send(r.port, "GET", f"/hours-of-operations-summary/{self.iid}?maxResults=1", h), 403,
                       "InvalidSignatureException")
        # Another second of the same day (so the date still matches the credential scope).
        signed_at = h["X-Amz-Date"]
        other_second = "%02d" % ((int(signed_at[13:15]) + 30) % 60)
        h3 = dict(h, **{"X-Amz-Date": signed_at[:13] + other_second + "Z"})
        self.assertRaw(send(r.port, "GET", path + "?maxResults=1", h3), 403, "InvalidSignatureException")
        h4 = dict(h, Host=f"localhost:{r.port}")
        self.assertRaw(send(r.port, "GET", path + "?maxResults=1", h4), 403, "InvalidSignatureException")
        # The untouched request still goes through (signatures are not single-use).
        self.assertEqual(send(r.port, "GET", path + "?maxResults=1", h).status, 200)

        # A DELETE signed for one instance cannot delete another.
        victim = r.boto().create_instance(IdentityManagementType="SAML", InboundCallsEnabled=True,
                                          OutboundCallsEnabled=True)["Id"]
        h = sign(r.endpoint, r.account, "DELETE", f"/instance/{uuid.uuid4()}")
        self.assertRaw(send(r.port, "DELETE", f"/instance/{victim}", h), 403, "InvalidSignatureException")
        h = sign(r.endpoint, r.account, "GET", f"/instance/{victim}")
        self.assertRaw(send(r.port, "DELETE", f"/instance/{victim}", h), 403, "InvalidSignatureException")
        r.boto().describe_instance(InstanceId=victim)

    # ---- authorisation -------------------------------------------------------------------------
    def test_agent_key_is_denied_views_naming_the_permission(self):
        b = self.roster.boto(self.agent_key)
        cases = [(b.list_security_profiles, {}, "SecurityProfiles.View"),
                 (b.list_routing_profiles, {}, "RoutingPolicies.View"),
                 (b.list_queues, {}, "Queues.View"),
                 (b.list_hours_of_operations, {}, "HoursOfOperation.View")]
        for fn, kw, perm in cases:
            with self.subTest(op=fn.__name__):
                e = self.assertBotoError("AccessDeniedException", fn, InstanceId=self.iid, **kw)
                self.assertIn(perm, e.response["Error"]["Message"])
                self.assertEqual(e.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        err = self.assertAwsError(self.roster.aws("list-security-profiles", "--instance-id", self.iid,
                                                  creds=self.agent_key), "AccessDeniedException")
        self.assertIn("SecurityProfiles.View", err)

    def test_permission_is_checked_before_the_body_is_read(self):
        # A key that may not create users is refused before its body is parsed: the answer is
        # the same whether or not the body is valid JSON, and never a SerializationException.
        for body in (b"{not json", b'{"Username": "x"}', b"[" * 100):
            with self.subTest(body=body[:12]):
                resp = call(self.roster, "PUT", f"/users/{self.iid}", body=body, creds=self.agent_key)
                self.assertRaw(resp, 403, "AccessDeniedException")
                self.assertIn("Users.Create", resp.json()["Message"])
        # A permitted caller's bad body is still a SerializationException.
        resp = call(self.roster, "PUT", f"/users/{self.iid}", body=b"{not json", creds=self.admin_key)
        self.assertRaw(resp, 400, "SerializationException")

    def test_user_keys_cannot_create_instances(self):
        for key in (self.agent_key, self.admin_key):
            with self.subTest(key=key.key_id):
                err = self.assertAwsError(
                    self.roster.aws("create-instance", "--identity-management-type", "SAML",
                                    "--inbound-calls-enabled", "--outbound-calls-enabled", creds=key),
                    "AccessDeniedException")
                self.assertIn("CreateInstance", err)

    def test_admin_key_reads_its_instance(self):
        b = self.roster.boto(self.admin_key)
        self.assertEqual(len(b.list_security_profiles(InstanceId=self.iid)["SecurityProfileSummaryList"]), 4)
        self.assertEqual(len(b.list_routing_profiles(InstanceId=self.iid)["RoutingProfileSummaryList"]), 1)
        self.assertTrue(b.list_queues(InstanceId=self.iid)["QueueSummaryList"])
        self.assertEqual(len(b.list_hours_of_operations(InstanceId=self.iid)["HoursOfOperationSummaryList"]), 1)
        self.assertEqual(b.describe_instance(InstanceId=self.iid)["Instance"]["Id"], self.iid)
        rc, out, err = self.roster.aws("list-security-profiles", "--instance-id", self.iid, creds=self.admin_key)
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(out["SecurityProfileSummaryList"]), 4)
        # A user key lists only its own instance.
        ids = [s["Id"] for s in b.list_instances()["InstanceSummaryList"]]
        self.assertEqual(ids, [self.iid])

    def test_profiles_grant_exactly_their_views(self):
        analyst = self.roster.boto(self.analyst_key)
        analyst.list_queues(InstanceId=self.iid)
        analyst.list_routing_profiles(InstanceId=self.iid)
        analyst.list_hours_of_operations(InstanceId=self.iid)
        e = self.assertBotoError("AccessDeniedException", analyst.list_security_profiles, InstanceId=self.iid)
        self.assertIn("SecurityProfiles.View", e.response["Error"]["Message"])
        manager = self.roster.boto(self.manager_key)
        self.assertEqual(len(manager.list_security_profiles(InstanceId=self.iid)["SecurityProfileSummaryList"]), 4)

    def test_user_key_cannot_reach_another_instance(self):
        other = self.other["Id"]
        b = self.roster.boto(self.admin_key)
        for fn in (b.list_security_profiles, b.list_routing_profiles, b.list_queues, b.list_hours_of_operations,
                   b.describe_instance):
            with self.subTest(op=fn.__name__):
                self.assertBotoError("AccessDeniedException", fn, InstanceId=other)
        # By ARN as well.
        self.assertBotoError("AccessDeniedException", b.list_queues, InstanceId=self.other["Arn"])
        err = self.assertAwsError(self.roster.aws("list-queues", "--instance-id", other, creds=self.admin_key),
                                  "AccessDeniedException")
        self.assertIn(other, err)
        # And the other way round.
        o = self.roster.boto(self.other_admin_key)
        self.assertBotoError("AccessDeniedException", o.list_queues, InstanceId=self.iid)
        self.assertEqual(len(o.list_security_profiles(InstanceId=other)["SecurityProfileSummaryList"]), 4)
        self.assertEqual([s["Id"] for s in o.list_instances()["InstanceSummaryList"]], [other])

    def test_user_key_on_unknown_instance_is_not_found(self):
        # Unknown instances are reported as such, not as a permission problem.
        b = self.roster.boto(self.admin_key)
        self.assertBotoError("ResourceNotFoundException", b.list_queues, InstanceId=str(uuid.uuid4()))


if __name__ == "__main__":
    unittest.main()
