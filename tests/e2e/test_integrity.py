"""test_integrity.py — no dangling reference and no lost uniqueness under concurrent calls: a
security profile deleted while a user is being given it, and the same name created twice at once.
The server and a second process (the roster CLI) write to the same store at the same time.
"""
import concurrent.futures
import subprocess
import unittest

from botocore.exceptions import ClientError

from harness import RosterTestCase


class IntegrityTest(RosterTestCase):

    def test_delete_profile_while_a_user_takes_it(self):
        b = self.roster.boto()
        iid = self.roster.instance_id
        outcomes = set()
        for i in range(12):
            sid = b.create_security_profile(InstanceId=iid, SecurityProfileName=f"Race{i}")["SecurityProfileId"]

            def delete():
                try:
                    b.delete_security_profile(InstanceId=iid, SecurityProfileId=sid)
                    return "deleted"
                except ClientError as e:
                    return e.response["Error"]["Code"]

            def add_user():
                p = self.roster.cli("users", "add", f"racer{i}", "--db", self.roster.db, "--instance", iid,
                                    "--first-name", "R", "--last-name", "C", "--security-profile", f"Race{i}",
                                    check=False)
                return "added" if p.returncode == 0 else p.stderr.strip()

            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                fa, fb = pool.submit(add_user), pool.submit(delete)
                added, deleted = fa.result(), fb.result()
            exists = any(s["Id"] == sid for s in b.list_security_profiles(InstanceId=iid, MaxResults=1000)
                         ["SecurityProfileSummaryList"])
            if added == "added":
                # The user holds the profile, so the deletion must have been refused and it still exists.
                self.assertEqual(deleted, "ResourceInUseException")
                self.assertTrue(exists)
                outcomes.add("user first")
            else:
                self.assertEqual(deleted, "deleted", added)
                self.assertIn("not found", added)
                self.assertFalse(exists)
                outcomes.add("delete first")
        # Not an assertion on timing: just record which orders occurred.
        print(f"orders seen: {sorted(outcomes)}")

    def test_same_name_twice_at_once(self):
        b = self.roster.boto()
        iid = self.roster.instance_id
        for i in range(10):
            def create():
                try:
                    b.create_security_profile(InstanceId=iid, SecurityProfileName=f"Twin{i}")
                    return "created"
                except ClientError as e:
                    return e.response["Error"]["Code"]
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                results = sorted(pool.map(lambda _: create(), range(2)))
            self.assertEqual(results, ["DuplicateResourceException", "created"])
            names = [s["Name"] for s in b.list_security_profiles(InstanceId=iid, MaxResults=1000)
                     ["SecurityProfileSummaryList"]]
            self.assertEqual(names.count(f"Twin{i}"), 1)


if __name__ == "__main__":
    unittest.main()
