"""test_import.py — CSV imports through roster's own API (/roster/v1), with the real files of
tests/data/import/ (see its README): every Amazon header family, shuffled columns, BOM + CRLF;
every kind of broken row with its exact error; awkward but valid cells; CREATE, UPSERT, dry run,
atomic; the failure report fixed and uploaded again; export -> UPSERT with every row UNCHANGED;
cancel mid-job; retry of the failed rows; jobs that fail as a whole; the template; permissions;
passwords never shown. Results are read back through boto3 (DescribeUser, SearchUsers) and the
job API. Uploads are signed by botocore with x-amz-content-sha256 = the body's SHA-256.

Every test makes its own instance, so tests do not see each other's users.
"""
import json
import time
import unittest

from harness import RosterTestCase
from import_support import (Instance, api, canonical_rows, data, described, expected_user, generated,
                            get_csv, get_job, items, parse_csv, to_csv, upload, wait_job)

SAML_HEADER = ("first name,last name,secondary email,mobile,user login,routing profile name,"
               "security_profile_name_1|security_profile_name_2,user_hierarchy_1|user_hierarchy_2,"
               "phone type (soft/desk),phone number,soft phone auto accept (yes/no),ACW timeout (seconds),tags")
MANAGED_HEADER = ("first name,last name,email address,secondary email,mobile,password,user login,"
                  "routing profile name,security_profile_name_1|security_profile_name_2,"
                  "user_hierarchy_1|user_hierarchy_2,phone type (soft/desk),phone number,"
                  "soft phone auto accept (yes/no),ACW timeout (seconds),tags")
PROFILES_COL = "security_profile_name_1|security_profile_name_2"
HIERARCHY_COL = "user_hierarchy_1|user_hierarchy_2"
BROKEN_PASSWORDS = ["Passw0rdGood1", "Secr3tPassw0rd", "Sh0rt"]
JOB_MEMBERS = {"JobId", "Kind", "State", "Mode", "DryRun", "Atomic", "Counts", "SubmittedTime",
               "SubmittedBy"}


class ImportTest(RosterTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.b = cls.roster.boto()

    # ---- helpers ----------------------------------------------------------------------------
    def instance(self, idm="SAML"):
        return Instance(self.b, idm)

    def submit(self, inst, body, creds=None, **kw):
        """Uploads body; asserts 202 with a job in a state it may have at once; returns the job."""
        r = upload(self.roster, inst.id, body, creds=creds, **kw)
        self.assertEqual(r.status, 202, r)
        job = r.json()["Job"]
        self.assertTrue(JOB_MEMBERS <= set(job), job)
        self.assertEqual(job["Kind"], "IMPORT")
        self.assertIn(job["State"], ("QUEUED", "RUNNING", "COMPLETED", "FAILED"))
        return job

    def run_import(self, inst, body, expect_state="COMPLETED", **kw):
        job = wait_job(self.roster, inst.id, self.submit(inst, body, **kw)["JobId"])
        self.assertEqual(job["State"], expect_state, job)
        return job

    def assert_counts(self, job, total, succeeded, failed, canceled=0):
        c = job["Counts"]
        self.assertEqual((c["Total"], c["Succeeded"], c["Failed"], c["Canceled"], c["Pending"]),
                         (total, succeeded, failed, canceled, 0), job)

    def assert_users_match(self, inst, raw):
        """Every row of the CSV bytes raw is a user of inst with exactly the row's values."""
        for row in canonical_rows(raw):
            with self.subTest(login=row["login"]):
                u = inst.user(row["login"])
                self.assertIsNotNone(u, f"no user {row['login']}")
                self.assertEqual(described(u), expected_user(inst, row))

    def errors_of(self, item, column=None):
        errs = item.get("Errors") or []
        return [e for e in errs if column is None or e.get("Column") == column]

    def audit_count(self, inst, login):
        """How many audit events `roster audit` lists for the user."""
        p = self.roster.cli("audit", "--user", login, "--instance", inst.id, "--json")
        return len(p.stdout.splitlines())

    def snapshot(self, inst):
        """Every user of inst as DescribeUser shows it, by username (version and times left out)."""
        out = {}
        for page in self.b.get_paginator("list_users").paginate(InstanceId=inst.id):
            for s in page["UserSummaryList"]:
                u = self.b.describe_user(InstanceId=inst.id, UserId=s["Id"])["User"]
                out[u["Username"]] = {k: v for k, v in u.items() if k not in ("LastModifiedTime",)}
        return out

    # ---- header families ----------------------------------------------------------------------
    def test_each_header_family_imports(self):
        cases = [("saml_current.csv", "SAML"), ("saml_old.csv", "SAML"), ("saml_shuffled.csv", "SAML"),
                 ("saml_bom_crlf.csv", "SAML"), ("managed_old.csv", "CONNECT_MANAGED"),
                 ("managed_documented.csv", "CONNECT_MANAGED"), ("managed_current.csv", "CONNECT_MANAGED")]
        for name, idm in cases:
            with self.subTest(file=name):
                inst = self.instance(idm)
                before = inst.count_users()
                raw = data(name)
                rows = canonical_rows(raw)
                job = self.run_import(inst, raw, file_name=name)
                self.assertEqual(job["FileName"], name)
                self.assertEqual((job["Mode"], job["DryRun"], job["Atomic"]), ("CREATE", False, False))
                self.assert_counts(job, len(rows), len(rows), 0)
                its = items(self.roster, inst.id, job["JobId"])
                self.assertEqual([(i["Row"], i["State"], i["Action"], i["Username"]) for i in its],
                                 [(n, "SUCCEEDED", "CREATED", r["login"]) for n, r in enumerate(rows, 1)])
                self.assertEqual(inst.count_users(), before + len(rows))
                self.assert_users_match(inst, raw)

    # ---- broken rows, dry run, report ------------------------------------------------------------
    def broken_instance(self):
        inst = self.instance("CONNECT_MANAGED")
        for i in range(1, 8):
            inst.add_profile(f"Extra{i}")
        self.b.create_user(InstanceId=inst.id, Username="casey", Password="Passw0rdCasey",
                           IdentityInfo={"FirstName": "Casey", "LastName": "Existing",
                                         "Email": "casey.existing@example.com"},
                           PhoneConfig={"PhoneType": "SOFT_PHONE"}, SecurityProfileIds=[inst.sp["Agent"]],
                           RoutingProfileId=inst.rp["Basic Routing Profile"])
        return inst

    def check_broken_items(self, its, casey_id):
        """The items of managed_broken.csv: rows 1 and 14 valid, every other row its own errors
        (casey_id: the existing user a look-alike login is refused against, as CreateUser names it)."""
        by_row = {i["Row"]: i for i in its}
        self.assertEqual(sorted(by_row), list(range(1, 15)))
        for row in (1, 14):
            self.assertEqual(by_row[row]["State"], "SUCCEEDED", by_row[row])
            self.assertEqual(by_row[row]["Action"], "CREATED", by_row[row])
            self.assertEqual(self.errors_of(by_row[row]), [])
        for row in range(2, 14):
            self.assertEqual(by_row[row]["State"], "FAILED", by_row[row])
            self.assertTrue(self.errors_of(by_row[row]), by_row[row])

        # Each broken row's errors, exactly: (column as uploaded, value, message).
        e164 = "is not a phone number in E.164 form: '+', a country code and up to 15 digits in all (e.g. +15555550123)"
        agnet = 'security profile "Agnet" is not found; did you mean "Agent"?'
        want = {
            2: [("phone number", "5555550123", f"phone number '5555550123' {e164}")],
            3: [(PROFILES_COL, "Agnet", agnet)],
            4: [("password", "", "Password does not meet the policy: 8 to 64 characters with at least one "
                                 "upper-case letter, one lower-case letter and one digit, and no spaces")],
            5: [(PROFILES_COL, "Admin|Agent|CallCenterManager|QualityAnalyst|Extra1|Extra2|Extra3|Extra4|Extra5|"
                               "Extra6|Extra7", "a user has 1 to 10 security profiles (got 11)")],
            6: [(HIERARCHY_COL, "Europe|Lyon", 'hierarchy group "Lyon" is not found under "Europe"')],
            7: [("tags", "team|support|oops", '"oops" stands where || belongs; tags are written key|value, pairs '
                                              "separated by || (key| for an empty value)")],
            8: [("tags", "aws:team|support", "tag key 'aws:team' is not allowed: keys starting with 'aws:' are "
                                             "reserved")],
            9: [("user login", "valid1", 'user login "valid1" is already on row 1 of this file (usernames are '
                                         "unique ignoring case)")],
            10: [("user login", "Casey", f"Username 'Casey' differs only in case from the existing user 'casey' "
                                         f"({casey_id}); usernames are unique ignoring case")],
            11: [("", "", "the row has 3 fields; the header has 15")],
            12: [("", "", "invalid UTF-8 in field 1")],
            13: [("email address", "not-an-email",
                  "email address 'not-an-email' is not an e-mail address of the form name@example.com"),
                 (PROFILES_COL, "Agnet", agnet),
                 ("phone number", "12345", f"phone number '12345' {e164}"),
                 ("soft phone auto accept (yes/no)", "maybe", "soft phone auto accept is yes or no"),
                 ("ACW timeout (seconds)", "-5", "ACW timeout is whole seconds from 0 (no limit) to 2000000")],
        }
        for row, errs in want.items():
            with self.subTest(row=row):
                self.assertEqual([(e["Column"], e["Value"], e["Message"]) for e in by_row[row]["Errors"]], errs)
        # No item shows a password, valid or not.
        for p in BROKEN_PASSWORDS:
            self.assertNotIn(p, json.dumps(its))

    def test_broken_rows_dry_run_report_and_fixed_report(self):
        inst = self.broken_instance()
        raw = data("managed_broken.csv")
        before = self.snapshot(inst)

        # Dry run: every row judged as the real run judges it, nothing changed.
        dry = self.run_import(inst, raw, dry_run=True)
        self.assertTrue(dry["DryRun"])
        self.assert_counts(dry, 14, 2, 12)
        dry_items = items(self.roster, inst.id, dry["JobId"])
        self.check_broken_items(dry_items, inst.user("casey")["Id"])
        self.assertEqual(self.snapshot(inst), before)

        # The real run: the same items, and the two valid rows applied.
        job = self.run_import(inst, raw)
        self.assert_counts(job, 14, 2, 12)
        real_items = items(self.roster, inst.id, job["JobId"])
        self.check_broken_items(real_items, inst.user("casey")["Id"])
        strip = [{k: v for k, v in i.items() if k != "UserId"} for i in real_items]
        self.assertEqual([{k: v for k, v in i.items() if k != "UserId"} for i in dry_items], strip)
        self.assertEqual(set(self.snapshot(inst)) - set(before), {"valid1", "valid2"})
        for i in real_items:
            if i["State"] == "SUCCEEDED":
                self.assertEqual(self.b.describe_user(InstanceId=inst.id, UserId=i["UserId"])["User"]["Username"],
                                 i["Username"])
        failed_only = items(self.roster, inst.id, job["JobId"], state="FAILED")
        self.assertEqual([i["Row"] for i in failed_only], list(range(2, 14)))

        # The failure report: the failed rows as uploaded, password cells empty, plus row and error.
        rep = get_csv(self.roster, f"instances/{inst.id}/jobs/{job['JobId']}/report")
        for p in BROKEN_PASSWORDS:
            self.assertNotIn(p.encode(), rep.body)
        header, rows = parse_csv(rep.body.decode("utf-8", "replace").encode())
        self.assertEqual(header, MANAGED_HEADER.split(",") + ["row", "error"])
        self.assertEqual([r[-2] for r in rows], [str(n) for n in range(2, 14)])
        uploaded = {n: r for n, r in enumerate(parse_csv(raw.decode("utf-8", "replace").encode())[1], 1)}
        pw = header.index("password")
        for r in rows:
            n = int(r[-2])
            with self.subTest(report_row=n):
                self.assertTrue(r[-1].strip(), r)
                err_lines = r[-1].split("\n")
                self.assertEqual(len(err_lines), len(self.errors_of({i["Row"]: i for i in real_items}[n])), r)
                if n in (11, 12):  # wrong field count, invalid UTF-8: checked below as bytes
                    continue
                want = list(uploaded[n])
                want[pw] = ""
                self.assertEqual(r[:-2], want)

        # Fix the cells (as someone would in a spreadsheet) and upload the report again.
        fixed = []
        for r in rows:
            n = int(r[-2])
            if n in (11, 12):
                cells = [f"Fixed{n}", "Row", f"fixed{n}@example.com", "", "", "", f"fixed{n}",
                         "Basic Routing Profile", "Agent", "", "soft", "", "no", "0", ""]
            else:
                cells = list(r[:-2])
            c = dict(zip(header, cells))
            c["password"] = "Passw0rdFixed1"
            c["phone number"] = "+15555550123" if n == 2 else c["phone number"]
            c[PROFILES_COL] = "Agent" if n in (3, 5) else c[PROFILES_COL]
            c[HIERARCHY_COL] = "Europe|Paris" if n == 6 else c[HIERARCHY_COL]
            c["tags"] = "team|support" if n in (7, 8) else c["tags"]
            if n == 13:
                c.update({"email address": "multi@example.com", PROFILES_COL: "Agent", "phone number": "+15555550124",
                          "soft phone auto accept (yes/no)": "yes", "ACW timeout (seconds)": "5"})
            c["user login"] = {9: "valid3", 10: "casey2"}.get(n, c["user login"])
            fixed.append([c[h] for h in header[:-2]] + r[-2:])
        again = self.run_import(inst, to_csv(header, fixed))
        self.assert_counts(again, 12, 12, 0)
        self.assertEqual(inst.count_users(), len(before) + 14)
        self.assertEqual(described(inst.user("badphone"))["DeskPhoneNumber"], "+15555550123")
        self.assertEqual(described(inst.user("typo"))["SecurityProfileIds"], [inst.sp["Agent"]])
        self.assertEqual(described(inst.user("nogroup"))["HierarchyGroupId"], inst.groups["Europe|Paris"])

    def test_atomic_applies_nothing_when_a_row_is_invalid(self):
        inst = self.broken_instance()
        before = self.snapshot(inst)
        job = self.run_import(inst, data("managed_broken.csv"), atomic=True, expect_state="FAILED")
        self.assertTrue(job["Atomic"])
        self.assertTrue(job.get("FailureReason"), job)
        self.assert_counts(job, 14, 0, 12, canceled=2)
        its = items(self.roster, inst.id, job["JobId"])
        self.assertEqual([i["Row"] for i in its if i["State"] == "CANCELED"], [1, 14])
        self.assertEqual([i["Row"] for i in its if i["State"] == "FAILED"], list(range(2, 14)))
        for i in its:
            if i["State"] == "FAILED":
                self.assertTrue(self.errors_of(i), i)
        self.assertEqual(self.snapshot(inst), before)
        # The same file without the broken rows applies whole.
        header, rows = parse_csv(data("managed_current.csv"))
        ok = self.run_import(inst, to_csv(header, rows), atomic=True)
        self.assert_counts(ok, 2, 2, 0)
        self.assert_users_match(inst, data("managed_current.csv"))

    # ---- awkward cells, export, round trip --------------------------------------------------------
    def test_awkward_cells_and_export_round_trip(self):
        inst = self.instance("SAML")
        for name in ("saml_awkward.csv", "saml_current.csv"):
            raw = data(name)
            n = len(canonical_rows(raw))
            self.assert_counts(self.run_import(inst, raw), n, n, 0)
        u = {login: described(inst.user(login)) for login in ("danny", "formula", "empties", "solo", "pipes")}
        self.assertEqual((u["danny"]["FirstName"], u["danny"]["LastName"]), ('O\'Brien, "Danny"', "Smith, Jr."))
        self.assertEqual(u["danny"]["Tags"], {"note": "line one\nline two"})
        self.assertEqual((u["formula"]["FirstName"], u["formula"]["LastName"]), ("=SUM(A1)", "-2+3"))
        self.assertEqual(u["formula"]["Tags"], {"calc": "=1+2", "at": "@home"})
        self.assertEqual(u["empties"]["Tags"], {"a": "", "b": "c"})
        self.assertEqual(u["solo"]["Tags"], {"x": ""})
        self.assertEqual(u["pipes"]["Tags"], {"path": "a|b", "back": "c\\d"})

        before = self.snapshot(inst)
        exp = get_csv(self.roster, f"instances/{inst.id}/users/export")
        self.assertIn("attachment", exp.header("Content-Disposition") or "")
        header, rows = parse_csv(exp.body)
        self.assertEqual(header, SAML_HEADER.split(","))
        self.assertEqual(sorted(r[header.index("user login")] for r in rows), sorted(before))
        # No cell is taken for a formula by a spreadsheet.
        for r in rows:
            for cell in r:
                self.assertFalse(cell[:1] in ("=", "+", "-", "@", "\t", "\r"), f"unsafe cell {cell!r} in {r}")
        # Import the export: every row UNCHANGED, every user as before.
        job = self.run_import(inst, exp.body, mode="UPSERT")
        self.assert_counts(job, len(rows), len(rows), 0)
        self.assertEqual({i["Action"] for i in items(self.roster, inst.id, job["JobId"])}, {"UNCHANGED"})
        self.assertEqual(self.snapshot(inst), before)
        # A filtered export: a username prefix; a hierarchy group with its children.
        only = parse_csv(get_csv(self.roster, f"instances/{inst.id}/users/export", {"Username": "da"}).body)[1]
        self.assertEqual([r[header.index("user login")] for r in only], ["danny"])
        europe = parse_csv(get_csv(self.roster, f"instances/{inst.id}/users/export",
                                   {"HierarchyGroupId": inst.groups["Europe"]}).body)[1]
        self.assertEqual([r[header.index("user login")] for r in europe], ["ada.lovelace"])

    # ---- UPSERT -------------------------------------------------------------------------------------
    def test_upsert_changed_unchanged_cleared_created(self):
        inst = self.instance("SAML")
        self.run_import(inst, data("saml_current.csv"))
        grace_before = self.b.describe_user(InstanceId=inst.id, UserId=inst.user("grace")["Id"])["User"]

        # CREATE of logins that exist: every row fails, nothing changes.
        again = self.run_import(inst, data("saml_current.csv"))
        self.assert_counts(again, 3, 0, 3)
        for i in items(self.roster, inst.id, again["JobId"]):
            self.assertEqual([e["Column"] for e in i["Errors"]], ["user login"], i)

        audit_before = {u: self.audit_count(inst, u) for u in ("ada.lovelace", "grace")}
        job = self.run_import(inst, data("saml_upsert.csv"), mode="UPSERT")
        self.assertEqual(job["Mode"], "UPSERT")
        # An UNCHANGED row writes no audit event; an UPDATED one does.
        self.assertEqual(self.audit_count(inst, "grace"), audit_before["grace"])
        self.assertGreater(self.audit_count(inst, "ada.lovelace"), audit_before["ada.lovelace"])
        self.assert_counts(job, 4, 4, 0)
        self.assertEqual([(i["Username"], i["Action"]) for i in items(self.roster, inst.id, job["JobId"])],
                         [("ada.lovelace", "UPDATED"), ("grace", "UNCHANGED"), ("alan_t", "UPDATED"),
                          ("katherine", "CREATED")])
        self.assert_users_match(inst, data("saml_upsert.csv"))
        alan = described(inst.user("alan_t"))
        self.assertEqual((alan["Mobile"], alan["Tags"]), ("", {}))
        self.assertEqual(self.b.describe_user(InstanceId=inst.id, UserId=grace_before["Id"])["User"], grace_before)

        # Columns absent keep their values.
        part = self.run_import(inst, data("saml_upsert_partial.csv"), mode="UPSERT")
        self.assertEqual([i["Action"] for i in items(self.roster, inst.id, part["JobId"])], ["UPDATED"])
        want = expected_user(inst, dict(canonical_rows(data("saml_current.csv"))[1], last="Hopper-Murray"))
        self.assertEqual(described(inst.user("grace")), want)

    # ---- jobs that fail as a whole ----------------------------------------------------------------
    def test_unknown_header_or_missing_column_fails_the_job(self):
        inst = self.instance("SAML")
        before = inst.count_users()
        for name, needle in (("saml_unknown_header.csv", "favourite colour"),
                             ("saml_missing_column.csv", "routing profile name")):
            with self.subTest(file=name):
                job = self.run_import(inst, data(name), expect_state="FAILED")
                self.assertIn(needle, job["FailureReason"])
        self.assertEqual(inst.count_users(), before)

    # ---- retry ---------------------------------------------------------------------------------------
    def test_retry_the_failed_rows_after_creating_the_profile(self):
        inst = self.instance("SAML")
        job = self.run_import(inst, data("saml_missing_profile.csv"))
        self.assert_counts(job, 3, 1, 2)
        failed = items(self.roster, inst.id, job["JobId"], state="FAILED")
        self.assertEqual([(i["Row"], i["Username"]) for i in failed], [(1, "sup1"), (3, "sup2")])
        for i in failed:
            self.assertIn("Supervisors", i["Errors"][0]["Message"])
        inst.add_profile("Supervisors")
        r = api(self.roster, "POST", f"instances/{inst.id}/jobs/{job['JobId']}/retry")
        self.assertEqual(r.status, 202, r)
        retry = wait_job(self.roster, inst.id, r.json()["Job"]["JobId"])
        self.assertNotEqual(retry["JobId"], job["JobId"])
        self.assert_counts(retry, 2, 2, 0)
        self.assertEqual([(i["Row"], i["Username"], i["Action"]) for i in items(self.roster, inst.id,
                                                                                 retry["JobId"])],
                         [(1, "sup1", "CREATED"), (3, "sup2", "CREATED")])
        self.assert_users_match(inst, data("saml_missing_profile.csv"))
        # Nothing failed in the retry: retrying it is refused.
        r = api(self.roster, "POST", f"instances/{inst.id}/jobs/{retry['JobId']}/retry")
        self.assertEqual((r.status, r.error_type), (400, "InvalidRequestException"), r)

    # ---- cancel -------------------------------------------------------------------------------------
    def test_cancel_mid_job(self):
        n = 20000
        for attempt in range(3):
            inst = self.instance("SAML")
            job = self.submit(inst, generated(n, "saml", seed=attempt))
            jid = job["JobId"]
            deadline = time.monotonic() + 60
            while job["State"] in ("QUEUED", "RUNNING") and job["Counts"]["Succeeded"] == 0:
                self.assertLess(time.monotonic(), deadline, f"the job never started: {job}")
                job = get_job(self.roster, inst.id, jid)
            if job["State"] != "RUNNING":
                n *= 4  # it finished before any poll saw it running: a bigger file
                wait_job(self.roster, inst.id, jid)
                continue
            r = api(self.roster, "POST", f"instances/{inst.id}/jobs/{jid}/cancel")
            if r.status == 400:  # finished between the poll and the cancel
                n *= 4
                continue
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json()["Job"]["JobId"], jid)
            job = wait_job(self.roster, inst.id, jid, timeout=30)
            self.assertEqual(job["State"], "CANCELED", job)
            c = job["Counts"]
            self.assertGreater(c["Succeeded"], 0, job)
            self.assertGreater(c["Canceled"], 0, job)
            self.assertEqual((c["Succeeded"] + c["Failed"] + c["Canceled"], c["Pending"], c["Total"]), (n, 0, n), job)
            self.assertEqual(inst.count_users(), c["Succeeded"])
            self.assertEqual(len(items(self.roster, inst.id, jid, state="CANCELED")), c["Canceled"])
            r = api(self.roster, "POST", f"instances/{inst.id}/jobs/{jid}/cancel")
            self.assertEqual((r.status, r.error_type), (400, "InvalidRequestException"), r)
            return
        self.fail("no job was seen running in three attempts")

    # ---- template -------------------------------------------------------------------------------------
    def test_template_for_each_identity_type_and_its_example_imports(self):
        for idm, header in (("SAML", SAML_HEADER), ("CONNECT_MANAGED", MANAGED_HEADER)):
            with self.subTest(idm=idm):
                inst = self.instance(idm)
                t = get_csv(self.roster, f"instances/{inst.id}/users/template")
                self.assertRegex(t.header("Content-Disposition") or "", r"^attachment; *filename=")
                h, rows = parse_csv(t.body)
                self.assertEqual((h, rows), (header.split(","), []))
                ex = get_csv(self.roster, f"instances/{inst.id}/users/template", {"example": "true"})
                h, rows = parse_csv(ex.body)
                self.assertEqual((h, len(rows)), (header.split(","), 1))
                fresh = Instance(self.b, idm)
                job = self.run_import(fresh, ex.body)
                self.assert_counts(job, 1, 1, 0)

    # ---- jobs list ---------------------------------------------------------------------------------------
    def test_jobs_list_newest_first_and_the_instance_by_alias(self):
        inst = Instance(self.b, "SAML", alias="import-alias")
        r = upload(self.roster, "import-alias", data("saml_old.csv"))
        self.assertEqual(r.status, 202, r)
        a = wait_job(self.roster, "import-alias", r.json()["Job"]["JobId"])
        self.assert_counts(a, 2, 2, 0)
        self.assertEqual(get_job(self.roster, inst.id, a["JobId"])["JobId"], a["JobId"])
        b = self.run_import(inst, data("saml_unknown_header.csv"), expect_state="FAILED")
        r = api(self.roster, "GET", f"instances/{inst.id}/jobs")
        self.assertEqual(r.status, 200, r)
        self.assertEqual([j["JobId"] for j in r.json()["Jobs"]], [b["JobId"], a["JobId"]])
        r = api(self.roster, "GET", f"instances/{inst.id}/jobs", {"State": "FAILED"})
        self.assertEqual([j["JobId"] for j in r.json()["Jobs"]], [b["JobId"]])
        r = api(self.roster, "GET", f"instances/{inst.id}/jobs", {"MaxResults": "1"})
        self.assertEqual([j["JobId"] for j in r.json()["Jobs"]], [b["JobId"]])
        self.assertTrue(r.json().get("NextToken"))

    # ---- permissions ------------------------------------------------------------------------------------
    def test_permissions(self):
        r = self.roster
        iid = r.instance_id
        self.b.create_security_profile(InstanceId=iid, SecurityProfileName="ImportCreators",
                                       Permissions=["Users.Create", "Users.View"])
        r.add_user("imp-viewer", "QualityAnalyst")
        r.add_user("imp-creator", "ImportCreators")
        r.add_user("imp-manager", "CallCenterManager")
        viewer, creator, manager = (r.new_key(user=u) for u in ("imp-viewer", "imp-creator", "imp-manager"))
        jobs_before = api(r, "GET", f"instances/{iid}/jobs").json()["Jobs"]
        body = data("managed_current.csv")
        for creds, mode in ((viewer, "CREATE"), (viewer, "UPSERT"), (creator, "UPSERT")):
            with self.subTest(mode=mode):
                resp = upload(r, iid, body, mode=mode, creds=creds)
                self.assertEqual((resp.status, resp.error_type), (403, "AccessDeniedException"), resp)
        self.assertEqual(api(r, "GET", f"instances/{iid}/jobs").json()["Jobs"], jobs_before)
        # Reading needs Users.View: the viewer may read.
        self.assertEqual(api(r, "GET", f"instances/{iid}/jobs", creds=viewer).status, 200)
        self.assertEqual(api(r, "GET", f"instances/{iid}/users/template", creds=viewer).status, 200)
        # Within the job each row is held to CreateUser: a manager cannot grant Admin.
        csv_body = (MANAGED_HEADER + "\n"
                    "Mana,Ged,mg1@example.com,,,Passw0rdMg1,mg1,Basic Routing Profile,CallCenterManager,,soft,,no,0,\n"
                    "Esca,Late,mg2@example.com,,,Passw0rdMg2,mg2,Basic Routing Profile,Admin,,soft,,no,0,\n").encode()
        resp = upload(r, iid, csv_body, creds=manager)
        self.assertEqual(resp.status, 202, resp)
        job = wait_job(r, iid, resp.json()["Job"]["JobId"])
        self.assert_counts(job, 2, 1, 1)
        bad = items(r, iid, job["JobId"], state="FAILED")
        self.assertEqual([i["Row"] for i in bad], [2])
        self.assertIn("AccessDenied", json.dumps(bad[0]["Errors"]))

    # ---- passwords -------------------------------------------------------------------------------------
    def test_passwords_never_in_items_report_or_export(self):
        inst = self.instance("CONNECT_MANAGED")
        raw = data("managed_current.csv")
        passwords = [r["password"] for r in canonical_rows(raw)]
        job = self.run_import(inst, raw)
        self.assert_counts(job, 2, 2, 0)
        # A failing row with a good password: the report leaves its cell empty.
        header, rows = parse_csv(raw)
        rows[0][header.index("user login")] = "frances"  # exists now
        rows[1][header.index("user login")] = "jbackus"
        failing = self.run_import(inst, to_csv(header, rows))
        self.assert_counts(failing, 2, 0, 2)
        shown = [json.dumps(items(self.roster, inst.id, j["JobId"])).encode() for j in (job, failing)]
        shown.append(get_csv(self.roster, f"instances/{inst.id}/jobs/{failing['JobId']}/report").body)
        shown.append(get_csv(self.roster, f"instances/{inst.id}/users/export").body)
        shown.append(json.dumps(get_job(self.roster, inst.id, failing["JobId"])).encode())
        for blob in shown:
            for p in passwords:
                self.assertNotIn(p.encode(), blob)
        self.assert_users_match(inst, raw)


if __name__ == "__main__":
    unittest.main()
