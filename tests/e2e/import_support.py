"""import_support.py — what the import tests (test_import*.py) share: signed calls to roster's own
API (/roster/v1), uploads signed with their body's SHA-256, waiting for a job, reading its items,
a fresh instance with the hierarchy groups and profiles that tests/data/import/ names, and the
comparison of a user (DescribeUser, or an exported row) with the CSV row it came from.
"""
import csv
import hashlib
import io
import os
import sys
import time
import urllib.parse

from signing import call

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "import")
BENCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench")
FINISHED = ("COMPLETED", "CANCELED", "FAILED")

sys.path.insert(0, BENCH)
import gen_import  # noqa: E402  (bench/gen_import.py: the generator of big files)


def data(name):
    """The bytes of tests/data/import/NAME."""
    with open(os.path.join(DATA, name), "rb") as f:
        return f.read()


# ---- roster's own API -------------------------------------------------------------------------

def api(roster, method, path, query=None, body=b"", creds=None, headers=None):
    """A signed request to /roster/v1/PATH (query: a dict). A body is sent with its hex SHA-256 in
    x-amz-content-sha256, signed like every other header."""
    q = urllib.parse.urlencode(query or {}, quote_via=urllib.parse.quote)
    h = dict(headers or {})
    if isinstance(body, str):
        body = body.encode()
    h["x-amz-content-sha256"] = hashlib.sha256(body).hexdigest()
    return call(roster, method, "/roster/v1/" + path.lstrip("/"), q, body, creds=creds, headers=h)


def upload(roster, instance, body, mode=None, dry_run=None, atomic=None, file_name=None, creds=None):
    """POST …/imports with the CSV body. Returns the Response."""
    q = {}
    if mode is not None:
        q["Mode"] = mode
    if dry_run is not None:
        q["DryRun"] = "true" if dry_run else "false"
    if atomic is not None:
        q["Atomic"] = "true" if atomic else "false"
    if file_name is not None:
        q["FileName"] = file_name
    return api(roster, "POST", f"instances/{instance}/imports", q, body, creds=creds,
               headers={"Content-Type": "text/csv"})


def get_job(roster, instance, job_id, creds=None):
    r = api(roster, "GET", f"instances/{instance}/jobs/{job_id}", creds=creds)
    assert r.status == 200, r
    return r.json()["Job"]


def wait_job(roster, instance, job_id, timeout=120, creds=None):
    """Polls the job until it has finished (COMPLETED, CANCELED, FAILED); returns it."""
    deadline = time.monotonic() + timeout
    while True:
        job = get_job(roster, instance, job_id, creds)
        if job["State"] in FINISHED:
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} did not finish within {timeout}s: {job}")
        time.sleep(0.05)


def items(roster, instance, job_id, state=None, page=1000):
    """Every item of the job (all pages), in row order."""
    out, token = [], None
    for _ in range(100000):
        q = {"MaxResults": str(page)}
        if state:
            q["State"] = state
        if token:
            q["NextToken"] = token
        r = api(roster, "GET", f"instances/{instance}/jobs/{job_id}/items", q)
        assert r.status == 200, r
        doc = r.json()
        out += doc["Items"]
        token = doc.get("NextToken")
        if not token:
            return out
    raise AssertionError("items never ended")


def get_csv(roster, path, query=None, creds=None):
    """A GET answering text/csv: returns the Response, asserting 200 and the content type."""
    r = api(roster, "GET", path, query, creds=creds)
    assert r.status == 200, r
    assert (r.header("Content-Type") or "").startswith("text/csv"), r.headers
    return r


# ---- CSV -------------------------------------------------------------------------------------

def parse_csv(raw):
    """(header, rows) of CSV bytes (UTF-8, BOM stripped, blank lines skipped)."""
    text = raw.decode("utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    recs = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    return recs[0], recs[1:]


def to_csv(header, rows):
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue().encode()


CANONICAL = {
    "first name": "first", "last name": "last", "email address": "email", "secondary email": "secondary",
    "secondary email address": "secondary", "mobile": "mobile", "password": "password", "user login": "login",
    "routing profile name": "routing", "security_profile_name_1|security_profile_name_2": "profiles",
    "user_hierarchy_1|user_hierarchy_2": "hierarchy", "agent hierarchy": "hierarchy",
    "phone type (soft/desk)": "phone_type", "phone number": "phone", "soft phone auto accept (yes/no)": "auto",
    "acw timeout (seconds)": "acw", "tags": "tags",
}


def canonical_rows(raw):
    """The rows of CSV bytes as dicts keyed by canonical column (first, last, login, …)."""
    header, rows = parse_csv(raw)
    keys = [CANONICAL.get(h.strip().lower(), h) for h in header]
    out = []
    for r in rows:
        row = {}
        for k, cell in zip(keys, r):
            if not row.get(k):  # the hierarchy may be in two columns, one of them empty
                row[k] = unescape_formula(cell)
        out.append(row)
    return out


def unescape_formula(cell):
    """A cell as the importer reads it: the ' that an export puts before a cell beginning with
    = + - @ TAB CR or ' (so that a spreadsheet takes no cell for a formula) is dropped."""
    return cell[1:] if len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@\t\r'" else cell


def split_escaped(cell):
    """Splits a cell on unescaped '|', undoing '\\|' and '\\\\'."""
    parts, cur, i = [], [], 0
    while i < len(cell):
        c = cell[i]
        if c == "\\" and i + 1 < len(cell) and cell[i + 1] in "|\\":
            cur.append(cell[i + 1])
            i += 2
            continue
        if c == "|":
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    parts.append("".join(cur))
    return parts


def parse_tags(cell):
    """The tags of a cell `key|value||key|value` as a dict (an empty cell: {})."""
    if cell == "":
        return {}
    p = split_escaped(cell)
    tags = {}
    for i in range(0, len(p), 3):
        tags[p[i]] = p[i + 1]
    return tags


# ---- instances ---------------------------------------------------------------------------------

class Instance:
    """A new instance with the hierarchy groups the data files name (Europe, Europe|Paris,
    Europe|Paris|Support, Americas): id, idm, sp (name -> id), rp (name -> id), groups (path -> id)."""

    def __init__(self, boto, idm, alias=None):
        args = dict(IdentityManagementType=idm, InboundCallsEnabled=True, OutboundCallsEnabled=True)
        if alias:
            args["InstanceAlias"] = alias
        self.b = boto
        self.idm = idm
        self.id = boto.create_instance(**args)["Id"]
        boto.update_user_hierarchy_structure(
            InstanceId=self.id, HierarchyStructure={"LevelOne": {"Name": "Region"}, "LevelTwo": {"Name": "Site"},
                                                    "LevelThree": {"Name": "Team"}})
        self.groups = {}
        for path in ("Europe", "Europe|Paris", "Europe|Paris|Support", "Americas"):
            *parent, name = path.split("|")
            args = dict(InstanceId=self.id, Name=name)
            if parent:
                args["ParentGroupId"] = self.groups["|".join(parent)]
            self.groups[path] = boto.create_user_hierarchy_group(**args)["HierarchyGroupId"]
        self.refresh()

    def refresh(self):
        self.sp = {s["Name"]: s["Id"] for s in
                   self.b.list_security_profiles(InstanceId=self.id)["SecurityProfileSummaryList"]}
        self.rp = {p["Name"]: p["Id"] for p in
                   self.b.list_routing_profiles(InstanceId=self.id)["RoutingProfileSummaryList"]}

    def add_profile(self, name):
        self.b.create_security_profile(InstanceId=self.id, SecurityProfileName=name, Permissions=["Users.View"])
        self.refresh()

    def user(self, login):
        """(DescribeUser's User, its tags) of the login, or (None, None) when there is none."""
        found = self.b.search_users(InstanceId=self.id, SearchCriteria={
            "StringCondition": {"FieldName": "Username", "Value": login, "ComparisonType": "EXACT"}})["Users"]
        if not found:
            return None
        return self.b.describe_user(InstanceId=self.id, UserId=found[0]["Id"])["User"]

    def count_users(self):
        n, token = 0, None
        while True:
            args = dict(InstanceId=self.id, MaxResults=1000)
            if token:
                args["NextToken"] = token
            page = self.b.list_users(**args)
            n += len(page["UserSummaryList"])
            token = page.get("NextToken")
            if not token:
                return n


def expected_user(inst, row):
    """What DescribeUser should say of a user created from the canonical row (a dict): the
    members compared by assert_user_matches."""
    profiles = row.get("profiles", "")
    hierarchy = row.get("hierarchy", "")
    return {
        "Username": row["login"],
        "FirstName": row.get("first", ""),
        "LastName": row.get("last", ""),
        "Email": row.get("email", ""),
        "SecondaryEmail": row.get("secondary", ""),
        "Mobile": row.get("mobile", ""),
        "RoutingProfileId": inst.rp[row["routing"]],
        "SecurityProfileIds": sorted(inst.sp[n] for n in split_escaped(profiles)) if profiles else [],
        "HierarchyGroupId": inst.groups[hierarchy] if hierarchy else "",
        "PhoneType": "DESK_PHONE" if row.get("phone_type", "") == "desk" else "SOFT_PHONE",
        "DeskPhoneNumber": row.get("phone", ""),
        "AutoAccept": row.get("auto", "") == "yes",
        "AfterContactWorkTimeLimit": int(row.get("acw") or 0),
        "Tags": parse_tags(row.get("tags", "")),
    }


def described(user):
    """The members of a DescribeUser User that expected_user describes."""
    ident = user.get("IdentityInfo", {})
    phone = user.get("PhoneConfig", {})
    return {
        "Username": user["Username"],
        "FirstName": ident.get("FirstName", ""),
        "LastName": ident.get("LastName", ""),
        "Email": ident.get("Email", ""),
        "SecondaryEmail": ident.get("SecondaryEmail", ""),
        "Mobile": ident.get("Mobile", ""),
        "RoutingProfileId": user.get("RoutingProfileId", ""),
        "SecurityProfileIds": sorted(user.get("SecurityProfileIds", [])),
        "HierarchyGroupId": user.get("HierarchyGroupId", ""),
        "PhoneType": phone.get("PhoneType", ""),
        "DeskPhoneNumber": phone.get("DeskPhoneNumber", ""),
        "AutoAccept": phone.get("AutoAccept", False),
        "AfterContactWorkTimeLimit": phone.get("AfterContactWorkTimeLimit", 0),
        "Tags": user.get("Tags", {}),
    }


def generated(n, kind, seed=1, prefix=""):
    """The bytes of a generated file (bench/gen_import.py) of n rows."""
    out = io.StringIO()
    gen_import.write(out, n, kind, seed, prefix)
    return out.getvalue().encode()
