"""test_import_crash.py — kill -9 of `roster serve` in the middle of a 50,000-row import, a restart
on the same store, and then every row applied exactly once: the job COMPLETED with exact counts,
one SUCCEEDED item per row, and the exported users equal to the file (none missing, none twice).

A SAML instance, so no row waits for a password hash. The kill counts only when the job was
really mid-way: it had applied at least one row before the kill (seen by a poll), and after the
restart the first look at it still shows rows left; otherwise the test tries again on a new
instance (three attempts).
"""
import time
import unittest

from harness import Roster
from import_support import (Instance, canonical_rows, generated, get_csv, get_job, items, parse_tags,
                            split_escaped, upload, wait_job)

ROWS = 50000


def comparable(row):
    """The canonical row (a dict) in a form that compares equal whatever the writer's choices
    (order of profiles and tags, and an absent column read as empty)."""
    keys = ("first", "last", "secondary", "mobile", "login", "routing", "hierarchy", "phone_type", "phone",
            "auto", "acw")
    out = {k: row.get(k, "") for k in keys}
    out["phone_type"] = out["phone_type"] or "soft"
    out["auto"] = out["auto"] or "no"
    out["acw"] = out["acw"] or "0"
    out["profiles"] = sorted(split_escaped(row.get("profiles", ""))) if row.get("profiles") else []
    out["tags"] = parse_tags(row.get("tags", ""))
    return out


class ImportCrashTest(unittest.TestCase):

    def setUp(self):
        self.roster = Roster().start()

    def tearDown(self):
        try:
            self.roster.stop()
        finally:
            self.roster.cleanup()

    def test_kill_9_mid_import_applies_every_row_exactly_once(self):
        raw = generated(ROWS, "saml", seed="crash")
        want = {r["login"]: comparable(r) for r in canonical_rows(raw)}
        self.assertEqual(len(want), ROWS)
        for attempt in range(3):
            inst = Instance(self.roster.boto(), "SAML")
            resp = upload(self.roster, inst.id, raw, file_name="crash.csv")
            self.assertEqual(resp.status, 202, resp)
            jid = resp.json()["Job"]["JobId"]
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
            done = first["Counts"]["Succeeded"]
            if not 1 <= done <= ROWS - 1:
                wait_job(self.roster, inst.id, jid)
                continue
            self.assertIn(first["State"], ("QUEUED", "RUNNING"), first)
            break
        else:
            self.fail("the import was never caught mid-way in three attempts")

        job = wait_job(self.roster, inst.id, jid, timeout=300)
        self.assertEqual(job["State"], "COMPLETED", job)
        c = job["Counts"]
        self.assertEqual((c["Total"], c["Succeeded"], c["Failed"], c["Canceled"], c["Pending"]),
                         (ROWS, ROWS, 0, 0, 0), job)
        self.assertEqual(c["Created"], ROWS, job)
        for state in ("PENDING", "FAILED", "CANCELED"):
            self.assertEqual(items(self.roster, inst.id, jid, state=state), [], state)

        # The users: exactly the file's, each once, each with the file's values.
        exp = get_csv(self.roster, f"instances/{inst.id}/users/export")
        got = canonical_rows(exp.body)
        self.assertEqual(len(got), ROWS)
        by_login = {}
        for row in got:
            self.assertNotIn(row["login"], by_login, "a user exported twice")
            by_login[row["login"]] = comparable(row)
        self.assertEqual(set(by_login), set(want))
        mismatched = [login for login in want if by_login[login] != want[login]]
        self.assertEqual(mismatched[:5], [], mismatched[:1] and (want[mismatched[0]], by_login[mismatched[0]]))


if __name__ == "__main__":
    unittest.main()
