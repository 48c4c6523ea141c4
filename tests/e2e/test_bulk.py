"""test_bulk.py — bulk edit, bulk delete and per-user edits through roster's own API
(/roster/v1/instances/{I}/bulk-edits, /bulk-deletes, /user-edits), results read back through boto3
(DescribeUser, SearchUsers) and the jobs endpoints: each change kind on a filtered selection; bad
input (400/404, no job); permissions (403, no job; a key without Users.EditPermission fails the
security-profile items with AccessDenied); two batches in submission order; a group and a user
deleted between submit and apply; users created after submission untouched; retry of the failed
items only; the failure report; cancel mid-batch.

Every test makes its own instance (SAML: no password hashing), so tests do not see each other.
"""
import json
import time
import unittest

from harness import RosterTestCase
from import_support import Instance, api, generated, get_csv, get_job, items, parse_csv, upload, wait_job


def tag_filter(key, value):
    return {"TagFilter": {"TagCondition": {"TagKey": key, "TagValue": value}}}


class BulkTest(RosterTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.b = cls.roster.boto()

    # ---- helpers ----------------------------------------------------------------------------------
    def instance(self):
        return Instance(self.b, "SAML")

    def user(self, inst, login, profiles=("Agent",), tags=None, group=None):
        args = dict(InstanceId=inst.id, Username=login, IdentityInfo={"FirstName": "F" + login, "LastName": "L"},
                    PhoneConfig={"PhoneType": "SOFT_PHONE"}, SecurityProfileIds=[inst.sp[p] for p in profiles],
                    RoutingProfileId=inst.rp["Basic Routing Profile"])
        if inst.idm == "CONNECT_MANAGED":
            args["Password"] = "Passw0rdBulk1"
            args["IdentityInfo"]["Email"] = f"{login}@example.com"
        if tags:
            args["Tags"] = tags
        if group:
            args["HierarchyGroupId"] = group
        return self.b.create_user(**args)["UserId"]

    def describe(self, inst, uid):
        return self.b.describe_user(InstanceId=inst.id, UserId=uid)["User"]

    def post(self, inst, what, doc, creds=None):
        return api(self.roster, "POST", f"instances/{inst.id}/{what}", body=json.dumps(doc), creds=creds,
                   headers={"Content-Type": "application/json"})

    def submit(self, inst, what, doc, kind, creds=None):
        r = self.post(inst, what, doc, creds)
        self.assertEqual(r.status, 202, r)
        job = r.json()["Job"]
        self.assertEqual(job["Kind"], kind)
        self.assertIn(job["State"], ("QUEUED", "RUNNING", "COMPLETED"))
        return job

    def run_job(self, inst, what, doc, kind, state="COMPLETED", creds=None):
        job = wait_job(self.roster, inst.id, self.submit(inst, what, doc, kind, creds)["JobId"])
        self.assertEqual(job["State"], state, job)
        return job

    def counts(self, job, *names):
        return tuple(job["Counts"][n] for n in names)

    def jobs_of(self, inst):
        return api(self.roster, "GET", f"instances/{inst.id}/jobs").json()["Jobs"]

    def blue_and_red(self, inst, n=3):
        blue = [self.user(inst, f"blue{i}", tags={"team": "blue"}) for i in range(n)]
        red = [self.user(inst, f"red{i}", tags={"team": "red"}) for i in range(n)]
        return blue, red

    # ---- each change kind on a filtered selection ----------------------------------------------------
    def test_each_change_kind_on_a_filtered_selection(self):
        inst = self.instance()
        blue, red = self.blue_and_red(inst)
        before_red = [self.describe(inst, u) for u in red]
        group = inst.groups["Europe|Paris"]
        changes = {"SecurityProfiles": {"Add": [inst.sp["CallCenterManager"]]},
                   "PhoneType": "DESK_PHONE", "DeskPhoneNumber": "+14155550100", "AutoAccept": True,
                   "AfterContactWorkTimeLimit": 45, "HierarchyGroupId": group,
                   "Tags": {"Add": {"site": "paris"}, "Remove": ["team"]}}
        sel = {"SearchFilter": tag_filter("team", "blue")}
        job = self.run_job(inst, "bulk-edits", {"Selection": sel, "Changes": changes}, "BULK_EDIT")
        self.assertEqual(self.counts(job, "Total", "Succeeded", "Failed", "Updated", "Unchanged", "Pending"),
                         (3, 3, 0, 3, 0, 0), job)
        for uid in blue:
            u = self.describe(inst, uid)
            self.assertEqual(sorted(u["SecurityProfileIds"]), sorted([inst.sp["Agent"], inst.sp["CallCenterManager"]]))
            self.assertEqual(u["PhoneConfig"]["PhoneType"], "DESK_PHONE")
            self.assertEqual(u["PhoneConfig"]["DeskPhoneNumber"], "+14155550100")
            self.assertTrue(u["PhoneConfig"]["AutoAccept"])
            self.assertEqual(u["PhoneConfig"]["AfterContactWorkTimeLimit"], 45)
            self.assertEqual(u["HierarchyGroupId"], group)
            self.assertEqual(u["Tags"], {"site": "paris"})
        self.assertEqual([self.describe(inst, u) for u in red], before_red)
        its = items(self.roster, inst.id, job["JobId"])
        self.assertEqual(sorted(i["UserId"] for i in its), sorted(blue))
        self.assertEqual({i["Action"] for i in its}, {"UPDATED"})
        self.assertEqual([i["Row"] for i in its], [1, 2, 3])
        self.assertEqual(sorted(i["Username"] for i in its), ["blue0", "blue1", "blue2"])

        # The same again changes nothing: UNCHANGED, no audit event.
        sel = {"UserIds": blue}
        job = self.run_job(inst, "bulk-edits", {"Selection": sel, "Changes": {
            "SecurityProfiles": {"Add": [inst.sp["CallCenterManager"]]}, "AfterContactWorkTimeLimit": 45}}, "BULK_EDIT")
        self.assertEqual(self.counts(job, "Succeeded", "Updated", "Unchanged"), (3, 0, 3), job)

        # Set, then out of the hierarchy, then a routing-profile change by SearchCriteria.
        job = self.run_job(inst, "bulk-edits", {"Selection": {"SearchCriteria": {"StringCondition": {
            "FieldName": "Username", "Value": "blue", "ComparisonType": "STARTS_WITH"}}},
            "Changes": {"SecurityProfiles": {"Set": [inst.sp["QualityAnalyst"]]}, "HierarchyGroupId": None,
                        "RoutingProfileId": inst.rp["Basic Routing Profile"], "PhoneType": "SOFT_PHONE"}},
            "BULK_EDIT")
        self.assertEqual(self.counts(job, "Total", "Updated"), (3, 3), job)
        for uid in blue:
            u = self.describe(inst, uid)
            self.assertEqual(u["SecurityProfileIds"], [inst.sp["QualityAnalyst"]])
            self.assertNotIn("HierarchyGroupId", u)
            self.assertEqual(u["PhoneConfig"]["PhoneType"], "SOFT_PHONE")

    def test_security_profiles_left_empty_or_over_ten_fail_those_users_only(self):
        inst = self.instance()
        only_agent = self.user(inst, "onlyagent")
        two = self.user(inst, "two", profiles=("Agent", "QualityAnalyst"))
        job = self.run_job(inst, "bulk-edits", {"Selection": {"UserIds": [only_agent, two]},
                                                "Changes": {"SecurityProfiles": {"Remove": [inst.sp["Agent"]]}}},
                           "BULK_EDIT")
        self.assertEqual(self.counts(job, "Total", "Succeeded", "Failed"), (2, 1, 1), job)
        bad = items(self.roster, inst.id, job["JobId"], state="FAILED")
        self.assertEqual([i["UserId"] for i in bad], [only_agent])
        self.assertIn("no security profile", bad[0]["Errors"][0]["Message"])
        self.assertEqual(self.describe(inst, two)["SecurityProfileIds"], [inst.sp["QualityAnalyst"]])
        self.assertEqual(self.describe(inst, only_agent)["SecurityProfileIds"], [inst.sp["Agent"]])

        # Retry of the failed items only, once the user has another profile: a new job of one item.
        self.b.update_user_security_profiles(InstanceId=inst.id, UserId=only_agent,
                                             SecurityProfileIds=[inst.sp["Agent"], inst.sp["Admin"]])
        r = api(self.roster, "POST", f"instances/{inst.id}/jobs/{job['JobId']}/retry")
        self.assertEqual(r.status, 202, r)
        retry = wait_job(self.roster, inst.id, r.json()["Job"]["JobId"])
        self.assertEqual((retry["Kind"], retry["RetryOf"]), ("BULK_EDIT", job["JobId"]))
        self.assertEqual(self.counts(retry, "Total", "Succeeded", "Failed", "Updated"), (1, 1, 0, 1), retry)
        self.assertEqual([i["UserId"] for i in items(self.roster, inst.id, retry["JobId"])], [only_agent])
        self.assertEqual(self.describe(inst, only_agent)["SecurityProfileIds"], [inst.sp["Admin"]])

        # More than ten: the eleventh profile fails the user's item.
        for k in range(10):
            inst.add_profile(f"P{k}")
        ten = [inst.sp[f"P{k}"] for k in range(10)]
        self.b.update_user_security_profiles(InstanceId=inst.id, UserId=two, SecurityProfileIds=ten)
        job = self.run_job(inst, "bulk-edits", {"Selection": {"UserIds": [two]},
                                                "Changes": {"SecurityProfiles": {"Add": [inst.sp["Agent"]]}}},
                           "BULK_EDIT")
        bad = items(self.roster, inst.id, job["JobId"], state="FAILED")
        self.assertEqual(len(bad), 1, job)
        self.assertIn("11 security profiles", bad[0]["Errors"][0]["Message"])

    def test_desk_phone_needs_a_number_from_the_change_or_the_user(self):
        inst = self.instance()
        has = self.user(inst, "hasdesk")
        self.b.update_user_phone_config(InstanceId=inst.id, UserId=has, PhoneConfig={
            "PhoneType": "SOFT_PHONE", "DeskPhoneNumber": "+14155550111"})
        hasnt = self.user(inst, "nodesk")
        job = self.run_job(inst, "bulk-edits", {"Selection": {"UserIds": [has, hasnt]},
                                                "Changes": {"PhoneType": "DESK_PHONE"}}, "BULK_EDIT")
        self.assertEqual(self.counts(job, "Succeeded", "Failed"), (1, 1), job)
        bad = items(self.roster, inst.id, job["JobId"], state="FAILED")
        self.assertEqual(bad[0]["UserId"], hasnt)
        self.assertIn("desk number", bad[0]["Errors"][0]["Message"])
        self.assertEqual(self.describe(inst, has)["PhoneConfig"]["PhoneType"], "DESK_PHONE")

    def test_bulk_delete_of_a_filtered_selection(self):
        inst = self.instance()
        blue, red = self.blue_and_red(inst)
        job = self.run_job(inst, "bulk-deletes", {"Selection": {"SearchFilter": tag_filter("team", "red")}},
                           "BULK_DELETE")
        self.assertEqual(self.counts(job, "Total", "Succeeded", "Deleted", "Failed"), (3, 3, 3, 0), job)
        self.assertEqual({i["Action"] for i in items(self.roster, inst.id, job["JobId"])}, {"DELETED"})
        for uid in red:
            self.assertBotoError("ResourceNotFoundException", self.b.describe_user, InstanceId=inst.id, UserId=uid)
        for uid in blue:
            self.assertEqual(self.describe(inst, uid)["Id"], uid)
        found = self.b.search_users(InstanceId=inst.id, SearchFilter=tag_filter("team", "red"))["Users"]
        self.assertEqual(found, [])

    def test_user_edits_merge_identity_and_set_the_phone(self):
        inst = self.instance()
        a = self.user(inst, "ua")
        b = self.user(inst, "ub")
        self.b.update_user_identity_info(InstanceId=inst.id, UserId=a, IdentityInfo={
            "FirstName": "Ann", "LastName": "Old", "Mobile": "+14155550123"})
        job = self.run_job(inst, "user-edits", {"Edits": [
            {"UserId": a, "IdentityInfo": {"LastName": "New"}},
            {"UserId": b, "PhoneConfig": {"PhoneType": "DESK_PHONE", "DeskPhoneNumber": "+14155550999",
                                          "AfterContactWorkTimeLimit": 30}}]}, "USER_EDITS")
        self.assertEqual(self.counts(job, "Total", "Succeeded", "Updated"), (2, 2, 2), job)
        ua = self.describe(inst, a)["IdentityInfo"]
        self.assertEqual((ua["FirstName"], ua["LastName"], ua["Mobile"]), ("Ann", "New", "+14155550123"))
        pb = self.describe(inst, b)["PhoneConfig"]
        self.assertEqual((pb["PhoneType"], pb["DeskPhoneNumber"], pb["AfterContactWorkTimeLimit"]),
                         ("DESK_PHONE", "+14155550999", 30))
        job = self.run_job(inst, "user-edits", {"Edits": [{"UserId": a, "IdentityInfo": {"LastName": "New"}}]},
                           "USER_EDITS")
        self.assertEqual(self.counts(job, "Succeeded", "Unchanged"), (1, 1), job)

    # ---- bad input ---------------------------------------------------------------------------------------
    def test_bad_input_creates_no_job(self):
        inst = self.instance()
        uid = self.user(inst, "someone")
        sel = {"UserIds": [uid]}
        cases = [
            ("bulk-edits", {"Selection": sel, "Changes": {}}, 400, "InvalidParameterException"),
            ("bulk-edits", {"Selection": sel, "Changes": {"SecurityProfiles": {
                "Set": [inst.sp["Agent"]], "Add": [inst.sp["Admin"]]}}}, 400, "InvalidParameterException"),
            ("bulk-edits", {"Selection": sel, "Changes": {"AfterContactWorkTimeLimit": 2000001}}, 400,
             "InvalidParameterException"),
            ("bulk-edits", {"Selection": sel, "Changes": {"AfterContactWorkTimeLimit": -1}}, 400,
             "InvalidParameterException"),
            ("bulk-edits", {"Selection": sel, "Changes": {"DeskPhoneNumber": "555-0100"}}, 400,
             "InvalidParameterException"),
            ("bulk-edits", {"Selection": sel, "Changes": {"Tags": {"Add": {"aws:x": "y"}}}}, 400,
             "InvalidParameterException"),
            ("bulk-edits", {"Selection": sel, "Changes": {"Tags": {"Add": {"k": "v" * 257}}}}, 400,
             "InvalidParameterException"),
            ("bulk-edits", {"Selection": sel, "Changes": {"AutoAccept": "yes"}}, 400, "InvalidParameterException"),
            ("bulk-edits", {"Selection": sel, "Changes": {"Colour": "red"}}, 400, "InvalidParameterException"),
            ("bulk-edits", {"Selection": sel, "Changes": {"AutoAccept": True}, "Extra": 1}, 400,
             "InvalidParameterException"),
            ("bulk-edits", {"Changes": {"AutoAccept": True}}, 400, "InvalidParameterException"),
            ("bulk-edits", {"Selection": {"UserIds": [uid], "SearchCriteria": {}}, "Changes": {"AutoAccept": True}},
             400, "InvalidParameterException"),
            ("bulk-edits", {"Selection": {"SearchFilter": tag_filter("nobody", "here")},
                            "Changes": {"AutoAccept": True}}, 400, "InvalidParameterException"),
            ("bulk-edits", {"Selection": sel, "Changes": {"RoutingProfileId": "no-such-profile"}}, 404,
             "ResourceNotFoundException"),
            ("bulk-edits", {"Selection": sel, "Changes": {"SecurityProfiles": {"Add": ["no-such-profile"]}}}, 404,
             "ResourceNotFoundException"),
            ("bulk-edits", {"Selection": sel, "Changes": {"HierarchyGroupId": "no-such-group"}}, 404,
             "ResourceNotFoundException"),
            ("bulk-edits", {"Selection": {"UserIds": [uid, "no-such-user"]}, "Changes": {"AutoAccept": True}}, 404,
             "ResourceNotFoundException"),
            ("bulk-deletes", {"Selection": {"UserIds": ["no-such-user"]}}, 404, "ResourceNotFoundException"),
            ("bulk-deletes", {"Selection": {}}, 400, "InvalidParameterException"),
            ("bulk-deletes", {"Selection": {"UserIds": "x"}}, 400, "InvalidParameterException"),
            ("user-edits", {"Edits": []}, 400, "InvalidParameterException"),
            ("user-edits", {"Edits": [{"UserId": uid}]}, 400, "InvalidParameterException"),
            ("user-edits", {"Edits": [{"UserId": uid, "IdentityInfo": {"FirstName": ""}}]}, 400,
             "InvalidParameterException"),
            ("user-edits", {"Edits": [{"UserId": uid, "PhoneConfig": {"PhoneType": "PIGEON"}}]}, 400,
             "InvalidParameterException"),
            ("user-edits", {"Edits": [{"UserId": uid, "IdentityInfo": {"Nick": "x"}}]}, 400,
             "InvalidParameterException"),
            ("user-edits", {"Edits": [{"UserId": uid, "IdentityInfo": {"LastName": "A"}},
                                      {"UserId": uid, "IdentityInfo": {"LastName": "B"}}]}, 400,
             "InvalidParameterException"),
            ("user-edits", {"Edits": [{"UserId": "no-such-user", "IdentityInfo": {"LastName": "A"}}]}, 404,
             "ResourceNotFoundException"),
        ]
        for what, doc, status, code in cases:
            with self.subTest(what=what, doc=doc):
                r = self.post(inst, what, doc)
                self.assertEqual((r.status, r.error_type), (status, code), r)
        r = api(self.roster, "POST", f"instances/{inst.id}/bulk-edits", body=b"{not json",
                headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 400, r)
        self.assertEqual(self.jobs_of(inst), [])
        self.assertIn("no-such-user", self.post(inst, "bulk-deletes", {"Selection": {"UserIds": ["no-such-user"]}})
                      .json()["Message"])

    # ---- permissions --------------------------------------------------------------------------------------
    def test_permissions(self):
        r = self.roster
        iid = r.instance_id
        inst = Instance.__new__(Instance)
        inst.b, inst.id, inst.idm = self.b, iid, "CONNECT_MANAGED"
        inst.refresh()
        self.b.create_security_profile(InstanceId=iid, SecurityProfileName="BulkEditors",
                                       Permissions=["Users.Edit", "Users.View"])
        r.add_user("bulk-viewer", "QualityAnalyst")
        r.add_user("bulk-editor", "BulkEditors")
        viewer, editor = (r.new_key(user=u) for u in ("bulk-viewer", "bulk-editor"))
        target = self.user(inst, "bulk-target")
        before = self.jobs_of(inst)
        doc = {"Selection": {"UserIds": [target]}, "Changes": {"AutoAccept": True}}
        for creds, what, body in ((viewer, "bulk-edits", doc), (viewer, "user-edits", {"Edits": [
                {"UserId": target, "IdentityInfo": {"LastName": "X"}}]}),
                (editor, "bulk-deletes", {"Selection": {"UserIds": [target]}})):
            with self.subTest(what=what):
                resp = self.post(inst, what, body, creds=creds)
                self.assertEqual((resp.status, resp.error_type), (403, "AccessDeniedException"), resp)
        self.assertEqual(self.jobs_of(inst), before)
        # Users.Edit without Users.EditPermission: the security-profile items fail with AccessDenied.
        job = self.run_job(inst, "bulk-edits", {"Selection": {"UserIds": [target]}, "Changes": {
            "SecurityProfiles": {"Add": [inst.sp["QualityAnalyst"]]}}}, "BULK_EDIT", creds=editor)
        self.assertEqual(self.counts(job, "Total", "Failed"), (1, 1), job)
        bad = items(r, iid, job["JobId"], state="FAILED")
        self.assertIn("AccessDenied", bad[0]["Errors"][0]["Message"])
        self.assertIn("Users.EditPermission", bad[0]["Errors"][0]["Message"])
        job = self.run_job(inst, "bulk-edits", doc, "BULK_EDIT", creds=editor)
        self.assertEqual(self.counts(job, "Updated"), (1,), job)
        # Cancel and retry follow the job's kind: the viewer may not retry the editor's batch.
        resp = api(r, "POST", f"instances/{iid}/jobs/{job['JobId']}/retry", creds=viewer)
        self.assertEqual(resp.status, 403, resp)

    # ---- order, deletions between submit and apply, late users, the report ----------------------------------
    def blocker(self, inst, n):
        """Submits an import of n users so that the next job of inst waits behind it."""
        r = upload(self.roster, inst.id, generated(n, "saml", seed=f"blk{n}", prefix="imp"))
        self.assertEqual(r.status, 202, r)
        return r.json()["Job"]["JobId"]

    def test_deleted_between_submit_and_apply_and_late_users_and_the_report(self):
        n = 10000
        for attempt in range(3):
            inst = self.instance()
            blue, _ = self.blue_and_red(inst)
            group = inst.groups["Americas"]
            block = self.blocker(inst, n)
            doc = {"Selection": {"SearchFilter": tag_filter("team", "blue")},
                   "Changes": {"HierarchyGroupId": group}}
            edit = self.submit(inst, "bulk-edits", doc, "BULK_EDIT")
            second = self.submit(inst, "bulk-edits", {"Selection": {"UserIds": blue[1:]},
                                                      "Changes": {"AfterContactWorkTimeLimit": 99}}, "BULK_EDIT")
            self.b.delete_user(InstanceId=inst.id, UserId=blue[0])
            late = self.user(inst, "bluelate", tags={"team": "blue"})
            try:
                self.b.delete_user_hierarchy_group(InstanceId=inst.id, HierarchyGroupId=group)
                ran = get_job(self.roster, inst.id, edit["JobId"])["State"] != "QUEUED"
            except self.b.exceptions.ResourceInUseException:
                ran = True  # the batch already put users in the group: it did not wait
            if ran:
                n *= 4  # the import finished before the deletions: a bigger one
                wait_job(self.roster, inst.id, second["JobId"])
                continue
            break
        else:
            self.fail("the batch never waited behind the import")
        first = wait_job(self.roster, inst.id, block)
        job = wait_job(self.roster, inst.id, edit["JobId"])
        nxt = wait_job(self.roster, inst.id, second["JobId"])
        # In submission order: the import, the edit, then the second edit.
        self.assertLessEqual(first["FinishedTime"], job["StartedTime"])
        self.assertLessEqual(job["FinishedTime"], nxt["StartedTime"])
        self.assertEqual(job["State"], "COMPLETED", job)
        self.assertEqual(self.counts(job, "Total", "Succeeded", "Failed"), (3, 0, 3), job)
        bad = {i["UserId"]: i["Errors"][0]["Message"] for i in items(self.roster, inst.id, job["JobId"])}
        self.assertEqual(bad[blue[0]], "user was deleted before the change was applied")
        for uid in blue[1:]:
            self.assertEqual(bad[uid], 'hierarchy group "Americas" was deleted before the change was applied')
        # The second batch went on after the first's failures.
        self.assertEqual(self.counts(nxt, "Total", "Updated"), (2, 2), nxt)
        # The user created after submission is untouched.
        self.assertNotIn(late, bad)
        lu = self.describe(inst, late)
        self.assertNotIn("HierarchyGroupId", lu)
        self.assertEqual(lu["PhoneConfig"]["AfterContactWorkTimeLimit"], 0)
        # The failure report: user login, user id, change, reason.
        rep = get_csv(self.roster, f"instances/{inst.id}/jobs/{job['JobId']}/report")
        header, rows = parse_csv(rep.body)
        self.assertEqual(header, ["user login", "user id", "change", "reason"])
        self.assertEqual(sorted(r[1] for r in rows), sorted(blue))
        by_id = {r[1]: r for r in rows}
        self.assertEqual(by_id[blue[1]][0], "blue1")
        self.assertEqual(by_id[blue[1]][2], 'hierarchy group "Americas"')
        self.assertEqual(by_id[blue[1]][3], 'hierarchy group "Americas" was deleted before the change was applied')
        self.assertEqual(by_id[blue[0]][3], "user was deleted before the change was applied")

    # ---- cancel -------------------------------------------------------------------------------------------------
    def test_cancel_mid_batch(self):
        n = 20000
        for attempt in range(3):
            inst = self.instance()
            imp = wait_job(self.roster, inst.id, self.blocker(inst, n))
            self.assertEqual(imp["Counts"]["Succeeded"], n, imp)
            job = self.submit(inst, "bulk-edits", {"Selection": {"SearchCriteria": {"StringCondition": {
                "FieldName": "Username", "Value": "imp", "ComparisonType": "STARTS_WITH"}}},
                "Changes": {"AfterContactWorkTimeLimit": 77, "Tags": {"Add": {"bulk": "yes"}}}}, "BULK_EDIT")
            jid = job["JobId"]
            self.assertEqual(job["Counts"]["Total"], n)
            deadline = time.monotonic() + 60
            while job["State"] in ("QUEUED", "RUNNING") and job["Counts"]["Succeeded"] == 0:
                self.assertLess(time.monotonic(), deadline, f"the job never started: {job}")
                job = get_job(self.roster, inst.id, jid)
            if job["State"] != "RUNNING":
                n *= 3
                continue
            r = api(self.roster, "POST", f"instances/{inst.id}/jobs/{jid}/cancel")
            if r.status == 400:
                n *= 3
                continue
            self.assertEqual(r.status, 200, r)
            job = wait_job(self.roster, inst.id, jid, timeout=30)
            if job["State"] == "COMPLETED" and job["Counts"]["Canceled"] == 0:
                n *= 3  # the last batch ended between the cancel's answer and the runner's next look
                continue
            self.assertEqual(job["State"], "CANCELED", job)
            c = job["Counts"]
            self.assertGreater(c["Succeeded"], 0, job)
            self.assertGreater(c["Canceled"], 0, job)
            self.assertEqual((c["Succeeded"] + c["Failed"] + c["Canceled"], c["Pending"]), (n, 0), job)
            applied = self.b.search_users(InstanceId=inst.id, SearchFilter=tag_filter("bulk", "yes"),
                                          MaxResults=1)["ApproximateTotalCount"]
            self.assertEqual(applied, c["Succeeded"])
            canceled = items(self.roster, inst.id, jid, state="CANCELED")
            self.assertEqual(len(canceled), c["Canceled"])
            for it in canceled[:3] + canceled[-3:]:
                u = self.describe(inst, it["UserId"])
                self.assertNotIn("bulk", u.get("Tags", {}))
            return
        self.fail("no batch was seen running in three attempts")


if __name__ == "__main__":
    unittest.main()
