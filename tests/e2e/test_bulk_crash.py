"""test_bulk_crash.py — kill -9 of `roster serve` in the middle of a bulk edit of 30,000 users (loaded
by an import), a restart on the same store, and then every item's outcome recorded once and exactly
one audit event per applied item: the job COMPLETED with Total = Succeeded = Updated, no item left
PENDING, FAILED or CANCELED, every user changed, and `roster audit` listing one BulkEditUsers event
per user.

A SAML instance (no password hashing). The kill counts only when the batch was really mid-way: it
had applied at least one item before the kill (seen by a poll), and after the restart the first look
at it still shows items left; otherwise the test tries again on a new instance (three attempts).
"""
import json
import time
import unittest
from collections import Counter

from harness import Roster
from import_support import Instance, api, generated, get_job, items, upload, wait_job

USERS = 30000


class BulkCrashTest(unittest.TestCase):

    def setUp(self):
        self.roster = Roster().start()

    def tearDown(self):
        try:
            self.roster.stop()
        finally:
            self.roster.cleanup()

    def test_kill_9_mid_bulk_edit_applies_every_item_exactly_once(self):
        for attempt in range(3):
            boto = self.roster.boto()
            inst = Instance(boto, "SAML")
            up = upload(self.roster, inst.id, generated(USERS, "saml", seed=f"bc{attempt}", prefix="bc"))
            self.assertEqual(up.status, 202, up)
            imp = wait_job(self.roster, inst.id, up.json()["Job"]["JobId"], timeout=300)
            self.assertEqual(imp["Counts"]["Succeeded"], USERS, imp)
            doc = {"Selection": {"SearchCriteria": {"StringCondition": {
                "FieldName": "Username", "Value": "bc", "ComparisonType": "STARTS_WITH"}}},
                "Changes": {"AfterContactWorkTimeLimit": 321, "Tags": {"Add": {"crash": "survived"}}}}
            r = api(self.roster, "POST", f"instances/{inst.id}/bulk-edits", body=json.dumps(doc),
                    headers={"Content-Type": "application/json"})
            self.assertEqual(r.status, 202, r)
            jid = r.json()["Job"]["JobId"]
            deadline = time.monotonic() + 60
            job = get_job(self.roster, inst.id, jid)
            while job["Counts"]["Succeeded"] == 0 and job["State"] in ("QUEUED", "RUNNING"):
                self.assertLess(time.monotonic(), deadline, f"the job never started: {job}")
                job = get_job(self.roster, inst.id, jid)
            if job["State"] != "RUNNING":
                wait_job(self.roster, inst.id, jid)
                continue
            self.roster.kill9_and_restart()
            first = get_job(self.roster, inst.id, jid)
            if not 1 <= first["Counts"]["Succeeded"] <= USERS - 1:
                wait_job(self.roster, inst.id, jid)
                continue
            self.assertIn(first["State"], ("QUEUED", "RUNNING"), first)
            break
        else:
            self.fail("the bulk edit was never caught mid-way in three attempts")

        job = wait_job(self.roster, inst.id, jid, timeout=300)
        self.assertEqual(job["State"], "COMPLETED", job)
        c = job["Counts"]
        self.assertEqual((c["Total"], c["Succeeded"], c["Updated"], c["Failed"], c["Canceled"], c["Pending"]),
                         (USERS, USERS, USERS, 0, 0, 0), job)
        for state in ("PENDING", "FAILED", "CANCELED"):
            self.assertEqual(items(self.roster, inst.id, jid, state=state), [], state)
        done = items(self.roster, inst.id, jid)
        self.assertEqual(len(done), USERS)
        self.assertEqual(len({i["UserId"] for i in done}), USERS)

        boto = self.roster.boto()
        tagged = boto.search_users(InstanceId=inst.id, MaxResults=1, SearchFilter={
            "TagFilter": {"TagCondition": {"TagKey": "crash", "TagValue": "survived"}}})["ApproximateTotalCount"]
        self.assertEqual(tagged, USERS)

        # One audit event per applied item: none lost with a batch, none written twice.
        p = self.roster.cli("audit", "--instance", inst.id, "--json")
        events = [json.loads(line) for line in p.stdout.splitlines()]
        per_user = Counter(e["user_id"] for e in events if e["operation"] == "BulkEditUsers")
        self.assertEqual(len(per_user), USERS)
        self.assertEqual(set(per_user.values()), {1})
        self.assertEqual(set(per_user), {i["UserId"] for i in done})


if __name__ == "__main__":
    unittest.main()
