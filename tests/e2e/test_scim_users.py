"""test_scim_users.py — SCIM Users against a real `roster serve` (issue 12): the mapping to
roster's fields (checked through the aws CLI's describe-user), creates with the instance's SCIM
settings, the identity rules, active and its strings, passwords by identity type, PUT, DELETE
(and delete-disables), If-Match, uniqueness, lists with filters, sorting, paging and attributes,
the instance boundary, the audit trail's actor, and the read-only rule at the other doors."""
import json
import sqlite3
import threading

from harness import RosterTestCase
from scim_client import ENTERPRISE, ERROR_SCHEMA, LIST_SCHEMA, Scim, make_token, user
from signing import send


class ScimUsersTest(RosterTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.roster
        cls.scim = Scim(r.port, make_token(r, r.instance_id, "Okta production"))
        saml = r.boto().create_instance(IdentityManagementType="SAML", InstanceAlias="scimsaml",
                                        InboundCallsEnabled=True, OutboundCallsEnabled=True)
        cls.saml_id = saml["Id"]
        cls.saml = Scim(r.port, make_token(r, cls.saml_id, "Entra"))

    def assert_error(self, a, status, scim_type=None, detail=None):
        self.assertEqual(a.status, status, a)
        self.assertEqual(a.header("Content-Type"), "application/scim+json")
        self.assertEqual(a.doc["schemas"], [ERROR_SCHEMA])
        self.assertEqual(a.doc["status"], str(status))
        if scim_type:
            self.assertEqual(a.doc.get("scimType"), scim_type, a)
        if detail:
            self.assertIn(detail, a.doc["detail"])
        return a.doc

    def create(self, doc, scim=None):
        a = (scim or self.scim).post("/Users", doc)
        self.assertEqual(a.status, 201, a)
        return a.doc

    def describe(self, uid, instance=None):
        return self.aws_ok("describe-user", "--instance-id", instance or self.roster.instance_id,
                           "--user-id", uid)["User"]

    def test_create_maps_fields_and_keeps_the_rest(self):
        doc = user("grace.hopper", "Grace", "Hopper", externalId="00u1okta",
                   emails=[{"value": "gh@home.example", "type": "home"},
                           {"value": "grace@example.com", "type": "work", "primary": "True"}],
                   phoneNumbers=[{"value": "+15555550100", "type": "mobile"}, {"value": "555-0101", "type": "fax"}],
                   displayName="Amazing Grace", title="Rear Admiral",
                   addresses=[{"country": "US", "type": "work"}],
                   **{ENTERPRISE: {"department": "Navy", "manager": {"value": "someone"}}})
        doc["name"]["formatted"] = "RADM Grace Hopper"
        a = self.scim.post("/Users", doc)
        self.assertEqual(a.status, 201, a)
        got = a.doc
        self.assertEqual(a.header("Location"), got["meta"]["location"])
        self.assertTrue(got["meta"]["location"].endswith("/scim/v2/Users/" + got["id"]))
        self.assertEqual(a.header("ETag"), got["meta"]["version"])
        self.assertEqual(got["meta"]["resourceType"], "User")
        self.assertEqual(got["schemas"], ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE])
        self.assertEqual(got["name"], {"givenName": "Grace", "familyName": "Hopper", "formatted": "RADM Grace Hopper"})
        self.assertEqual(got["title"], "Rear Admiral")
        self.assertEqual(got[ENTERPRISE]["department"], "Navy")
        self.assertEqual(got["addresses"], [{"country": "US", "type": "work"}])
        self.assertEqual(len(got["phoneNumbers"]), 2)
        self.assertNotIn("password", got)
        self.assertIs(got["active"], True)
        # roster's fields, as the Connect API shows them
        u = self.describe(got["id"])
        self.assertEqual(u["Username"], "grace.hopper")
        self.assertEqual(u["IdentityInfo"]["FirstName"], "Grace")
        self.assertEqual(u["IdentityInfo"]["Email"], "grace@example.com")      # the primary one
        self.assertEqual(u["IdentityInfo"]["SecondaryEmail"], "gh@home.example")
        self.assertEqual(u["IdentityInfo"]["Mobile"], "+15555550100")
        # the instance's defaults: Basic Routing Profile and Agent
        rps = self.aws_ok("list-routing-profiles", "--instance-id", self.roster.instance_id)
        basic = [p["Id"] for p in rps["RoutingProfileSummaryList"] if p["Name"] == "Basic Routing Profile"]
        self.assertEqual(u["RoutingProfileId"], basic[0])
        sps = self.aws_ok("list-security-profiles", "--instance-id", self.roster.instance_id)
        agent = [p["Id"] for p in sps["SecurityProfileSummaryList"] if p["Name"] == "Agent"]
        self.assertEqual(u["SecurityProfileIds"], agent)
        # GET gives the same document
        again = self.scim.get("/Users/" + got["id"])
        self.assertEqual(again.status, 200)
        self.assertEqual(again.doc, got)
        # the trail names the token
        trail = self.roster.cli("audit", "--user", "grace.hopper").stdout
        self.assertIn("CreateUser", trail)
        self.assertIn("key=scim actor=Okta production", trail)

    def test_names_from_display_name_and_lenient_contacts(self):
        doc = {"userName": "single", "displayName": "Cher", "emails": [{"value": "not-an-address", "primary": True}],
               "phoneNumbers": [{"value": "312-320-1707", "type": "mobile"}]}
        got = self.create(doc)
        self.assertEqual(got["name"], {"givenName": "Cher", "familyName": "Cher"})
        # values roster's rules refuse are kept for SCIM, not copied into roster's fields
        self.assertEqual(got["emails"], [{"value": "not-an-address", "primary": True}])
        self.assertEqual(got["phoneNumbers"], [{"value": "312-320-1707", "type": "mobile"}])
        u = self.describe(got["id"])
        self.assertNotIn("Email", u["IdentityInfo"])
        self.assertNotIn("Mobile", u["IdentityInfo"])
        two = self.create({"userName": "two.words", "displayName": "Mary  Ann Evans"})
        self.assertEqual(two["name"], {"givenName": "Mary", "familyName": "Ann Evans"})
        self.assert_error(self.scim.post("/Users", {"userName": "nameless"}), 400, "invalidValue", "name.givenName")

    def test_bad_input(self):
        self.assert_error(self.scim.post("/Users", {"name": {"givenName": "A", "familyName": "B"}}), 400,
                          "invalidValue", "userName")
        self.assert_error(self.scim.post("/Users", '{"userName": "x", "acve": tre'), 400, "invalidSyntax")
        self.assert_error(self.scim.post("/Users", "[1]"), 400, "invalidSyntax")
        self.assert_error(self.scim.post("/Users", user("text/plain"), content_type="text/plain"), 400, "invalidSyntax")
        bad_name = self.assert_error(self.scim.post("/Users", user("has space")), 400, "invalidValue")
        self.assertIn("userName", bad_name["detail"])
        self.assert_error(self.scim.post("/Users", user("x" * 65)), 400, "invalidValue", "userName")
        self.assert_error(self.scim.post("/Users", user("flag", active="maybe")), 400, "invalidValue", "active")
        self.assert_error(self.scim.post("/Users", user("list", emails="a@b.c")), 400, "invalidValue", "emails")
        self.assert_error(self.scim.post("/Users", user("big", title="x" * 70000)), 400, "invalidValue")
        deep = {"userName": "deep", "x": {}}
        cur = deep["x"]
        for _ in range(40):
            cur["y"] = {}
            cur = cur["y"]
        self.assert_error(self.scim.post("/Users", deep), 400, "invalidSyntax")
        self.assert_error(self.scim.get("/Users/no-such-id"), 404)
        self.assert_error(self.scim.get("/Nope"), 404)
        self.assert_error(self.scim.call("PATCH", "/Users"), 405)
        self.assert_error(self.scim.get("/Users", query={"filter": 'userName eq "unclosed'}), 400, "invalidFilter")
        self.assert_error(self.scim.get("/Users", query={"count": "ten"}), 400, "invalidValue", "count")
        self.assert_error(self.scim.get("/Users", query={"sortOrder": "sideways", "sortBy": "userName"}), 400,
                          "invalidValue")
        self.assertEqual(send(self.roster.port, "GET", "/healthz").status, 200)
        # nothing was made by the refusals
        names = [u["userName"] for u in self.scim.get("/Users", query={"count": 1000}).doc["Resources"]]
        for refused in ("has space", "flag", "list", "big", "deep", "text/plain"):
            self.assertNotIn(refused, names)

    def test_uniqueness_any_case(self):
        self.create(user("Unique.One"))
        for name in ("Unique.One", "unique.one"):
            self.assert_error(self.scim.post("/Users", user(name)), 409, "uniqueness")

    def test_concurrent_creates(self):
        # An initial sync: creates from many connections at once are combined into shared
        # transactions (core/combine.c). Each answer is its own user, a refused one is refused
        # alone, and the audit trail names each create's own token.
        results = {}

        def worker(k, name, token):
            s = Scim(self.roster.port, token)
            results[k] = s.post("/Users", user(name, given=f"Given{k}", family=f"Family{k}",
                                               externalId=f"ext-burst-{k}"))
        okta, other = self.scim.token, make_token(self.roster, self.roster.instance_id, "Second IdP")
        jobs = [(k, f"burst.{k}", okta if k % 2 else other) for k in range(24)]
        jobs += [(100 + k, "burst.same", okta) for k in range(8)]   # one name, eight times
        threads = [threading.Thread(target=worker, args=job) for job in jobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for k in range(24):
            a = results[k]
            self.assertEqual(a.status, 201, a)
            self.assertEqual((a.doc["userName"], a.doc["name"]["givenName"], a.doc["externalId"]),
                             (f"burst.{k}", f"Given{k}", f"ext-burst-{k}"))
            self.assertEqual(self.scim.get("/Users/" + a.doc["id"]).doc, a.doc)
            self.assertEqual(self.describe(a.doc["id"])["Username"], f"burst.{k}")
        same = [results[100 + k] for k in range(8)]
        self.assertEqual(sorted(a.status for a in same), [201] + [409] * 7, same)
        for a in same:
            if a.status == 409:
                self.assert_error(a, 409, "uniqueness")
        found = self.scim.get("/Users", query={"filter": 'userName sw "burst."', "count": "100"}).doc
        self.assertEqual(found["totalResults"], 25)
        with sqlite3.connect(self.roster.db) as db:
            actors = dict(db.execute(
                "SELECT u.username, a.actor_name FROM audit_events a JOIN users u ON u.id = a.resource_id "
                "WHERE a.operation = 'CreateUser' AND u.username LIKE 'burst.%'").fetchall())
        self.assertEqual(len(actors), 25)
        for k in range(24):
            self.assertEqual(actors[f"burst.{k}"], "Okta production" if k % 2 else "Second IdP")

    def test_active_disables_sign_in_and_keys(self):
        got = self.create(user("off.and.on", password="Str0ng-Passw0rd!", active="False"))
        self.assertIs(got["active"], False)
        key = self.roster.new_key(user="off.and.on")
        rc, _, err = self.roster.aws("list-users", "--instance-id", self.roster.instance_id, creds=key)
        self.assertNotEqual(rc, 0)
        origin = {"Origin": f"http://127.0.0.1:{self.roster.port}", "Content-Type": "application/json"}
        body = json.dumps({"Instance": "default", "Username": "off.and.on", "Password": "Str0ng-Passw0rd!"})
        self.assertEqual(send(self.roster.port, "POST", "/roster/v1/session", headers=origin, body=body).status, 401)
        on = self.scim.put("/Users/" + got["id"], dict(user("off.and.on"), active=True))
        self.assertEqual(on.status, 200, on)
        self.assertIs(on.doc["active"], True)
        self.assertEqual(send(self.roster.port, "POST", "/roster/v1/session", headers=origin, body=body).status, 200)

    def test_passwords_by_identity_type(self):
        self.assert_error(self.scim.post("/Users", user("weak", password="short")), 400, "invalidValue")
        got = self.create(user("nopass.user"))                       # no password: allowed
        self.assertNotIn("password", got)
        saml = self.saml.post("/Users", user("saml.user", password="Str0ng-Passw0rd!"))
        self.assert_error(saml, 400, "invalidValue", "password")
        self.assertEqual(self.saml.post("/Users", user("saml.user")).status, 201)

    def test_put_replaces_and_if_match(self):
        got = self.create(user("replace.me", title="Engineer", displayName="R",
                               phoneNumbers=[{"value": "+15555550111", "type": "mobile"}]))
        path = "/Users/" + got["id"]
        stale = got["meta"]["version"]
        new = user("Replace.Me", "Rita", "Placed", email="rita@example.com", externalId="ext-9")
        a = self.scim.put(path, new, headers={"If-Match": stale})
        self.assertEqual(a.status, 200, a)
        self.assertNotEqual(a.doc["meta"]["version"], stale)
        self.assertEqual(a.doc["userName"], "Replace.Me")           # a rename (case only)
        self.assertEqual(a.doc["externalId"], "ext-9")
        self.assertNotIn("title", a.doc)                              # left out: gone
        self.assertNotIn("phoneNumbers", a.doc)
        self.assertNotIn("Mobile", self.describe(got["id"])["IdentityInfo"])
        self.assert_error(self.scim.put(path, new, headers={"If-Match": stale}), 412)
        self.assert_error(self.scim.put(path, new, headers={"If-Match": '"nonsense"'}), 412)
        self.assertEqual(self.scim.put(path, new, headers={"If-Match": "*"}).status, 200)
        self.assert_error(self.scim.put(path, {"userame": "typo"}), 400, "invalidValue", "userName")
        other = self.create(user("taken.name"))
        self.assert_error(self.scim.put(path, user("TAKEN.name")), 409, "uniqueness")
        self.assertEqual(self.scim.get("/Users/" + other["id"]).doc["userName"], "taken.name")

    def test_concurrent_patches_lose_nothing(self):
        got = self.create(user("busy.user"))
        path = "/Users/" + got["id"]
        failures = []

        def worker(attr, n):
            # as a provider does: a 409 "kept changing" is retried; anything else is a failure
            s = Scim(self.roster.port, self.scim.token)
            for i in range(n):
                for _ in range(20):
                    a = s.patch(path, [{"op": "replace", "path": attr, "value": f"{attr}-{i}"}])
                    if not (a.status == 409 and "kept changing" in a.doc["detail"]):
                        break
                if a.status != 200:
                    failures.append(a)
        threads = [threading.Thread(target=worker, args=(attr, 15)) for attr in ("title", "nickName", "userType")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(failures, [])
        doc = self.scim.get(path).doc
        self.assertEqual((doc["title"], doc["nickName"], doc["userType"]), ("title-14", "nickName-14", "userType-14"))
        self.assertEqual(doc["meta"]["version"], 'W/"46"')    # 1 + 45 patches, each on the version it read

    def test_delete_then_404_and_delete_disables(self):
        got = self.create(user("leaver"))
        path = "/Users/" + got["id"]
        self.assert_error(self.scim.delete(path, headers={"If-Match": 'W/"99"'}), 412)
        a = self.scim.delete(path)
        self.assertEqual(a.status, 204, a)
        self.assertEqual(a.raw, b"")
        self.assert_error(self.scim.get(path), 404)
        self.assert_error(self.scim.delete(path), 404)
        self.assertEqual(self.scim.post("/Users", user("leaver")).status, 201)   # the name is free again
        self.roster.cli("scim-settings", "set", "--instance", "scimsaml", "--on-delete", "disable")
        soft = self.create(user("soft.leaver"), self.saml)
        self.assertEqual(self.saml.delete("/Users/" + soft["id"]).status, 204)
        kept = self.saml.get("/Users/" + soft["id"])
        self.assertEqual(kept.status, 200)
        self.assertIs(kept.doc["active"], False)

    def test_settings_choose_profiles(self):
        self.roster.cli("scim-settings", "set", "--instance", "scimsaml", "--security-profile", "Agent",
                        "--security-profile", "QualityAnalyst")
        got = self.create(user("qa.agent"), self.saml)
        sps = self.aws_ok("list-security-profiles", "--instance-id", self.saml_id)
        want = sorted(p["Id"] for p in sps["SecurityProfileSummaryList"] if p["Name"] in ("Agent", "QualityAnalyst"))
        self.assertEqual(sorted(self.describe(got["id"], self.saml_id)["SecurityProfileIds"]), want)
        bad = self.roster.cli("scim-settings", "set", "--instance", "scimsaml", "--routing-profile", "Nope",
                              check=False)
        self.assertEqual(bad.returncode, 1)
        self.assertIn("no routing profile named 'Nope'", bad.stderr)
        self.roster.cli("scim-settings", "set", "--instance", "scimsaml", "--security-profile", "")

    def test_instance_boundary(self):
        mine = self.create(user("only.mine"))
        self.assert_error(self.saml.get("/Users/" + mine["id"]), 404)
        self.assert_error(self.saml.delete("/Users/" + mine["id"]), 404)
        self.assert_error(self.saml.put("/Users/" + mine["id"], user("stolen")), 404)
        names = [u["userName"] for u in self.saml.get("/Users", query={"count": 1000}).doc["Resources"]]
        self.assertNotIn("only.mine", names)

    def test_managed_users_are_read_only_elsewhere(self):
        got = self.create(user("idp.owned"))
        uid, iid = got["id"], self.roster.instance_id
        self.assertAwsError(self.roster.aws("update-user-identity-info", "--instance-id", iid, "--user-id",
                                            uid, "--identity-info", "FirstName=Changed"),
                            "InvalidRequestException", "user is managed by the identity provider")
        self.assertAwsError(self.roster.aws("delete-user", "--instance-id", iid, "--user-id", uid),
                            "InvalidRequestException", "user is managed by the identity provider")
        self.assertAwsError(self.roster.aws("update-user-phone-config", "--instance-id", iid, "--user-id",
                                            uid, "--phone-config", "PhoneType=DESK_PHONE,DeskPhoneNumber=+15555550123"),
                            "InvalidRequestException", "user is managed by the identity provider")
        # an instance may let admins keep the contact-center settings
        self.roster.cli("scim-settings", "set", "--instance", "default", "--admins-edit-settings", "yes")
        try:
            self.aws_ok("update-user-phone-config", "--instance-id", iid, "--user-id", uid,
                        "--phone-config", "PhoneType=DESK_PHONE,DeskPhoneNumber=+15555550123")
            self.assertAwsError(self.roster.aws("update-user-identity-info", "--instance-id", iid,
                                                "--user-id", uid, "--identity-info", "FirstName=Changed"),
                                "InvalidRequestException", "user is managed by the identity provider")
        finally:
            self.roster.cli("scim-settings", "set", "--instance", "default", "--admins-edit-settings", "no")
        with sqlite3.connect(self.roster.db) as db:
            self.assertEqual(db.execute("SELECT externally_managed FROM users WHERE id = ?", (uid,)).fetchone()[0], 1)

    def test_lists_filters_sorting_paging_attributes(self):
        s = Scim(self.roster.port, make_token(self.roster, "scimsaml", "lists"))
        s.base = "/scim/v2"
        people = [("amy.adams", "Amy", "Adams", "amy@example.com"), ("bob.brown", "Bob", "Brown", "bob@example.org"),
                  ("cat.cole", "Cat", "Cole", "cat@example.com"), ("dan.doe", "Dan", "Doe", "dan@corp.test")]
        ids = {}
        for name, g, f, mail in people:
            ids[name] = self.create(user(name, g, f, email=mail, title="Agent" if g != "Dan" else None), s)["id"]
        def names(a):
            self.assertEqual(a.status, 200, a)
            self.assertEqual(a.doc["schemas"], [LIST_SCHEMA])
            return [u["userName"] for u in a.doc["Resources"]]
        mine = lambda a: [n for n in names(a) if n in ids]
        self.assertEqual(names(s.get("/Users", query={"filter": 'userName eq "AMY.ADAMS"'})), ["amy.adams"])
        self.assertEqual(names(s.get("/Users", query={"filter": 'externalId eq "none"'})), [])
        self.assertEqual(names(s.get("/Users", query={"filter": f'id eq "{ids["cat.cole"]}"'})), ["cat.cole"])
        self.assertEqual(mine(s.get("/Users", query={"filter": 'emails[type eq "work" and value co "@example.com"]'})),
                         ["amy.adams", "cat.cole"])
        self.assertEqual(mine(s.get("/Users", query={"filter": 'not (title pr) or name.familyName sw "b"'})),
                         ["bob.brown", "dan.doe"])
        self.assertEqual(mine(s.get("/Users", query={"filter": 'userName eq "bob.brown" and active eq true'})),
                         ["bob.brown"])
        self.assertEqual(mine(s.get("/Users", query={"sortBy": "name.givenName", "sortOrder": "descending",
                                                     "filter": 'userName co "."'})),
                         ["dan.doe", "cat.cole", "bob.brown", "amy.adams"])
        # '+' as a space in the query, as Microsoft's tests send it
        raw = s.call("GET", "/Users?filter=userName+eq+%22dan.doe%22")
        self.assertEqual(names(raw), ["dan.doe"])
        everyone = s.get("/Users", query={"count": 0})
        self.assertEqual(everyone.doc["Resources"], [])
        total = everyone.doc["totalResults"]
        self.assertGreaterEqual(total, 4)
        page = s.get("/Users", query={"startIndex": 2, "count": 2})
        self.assertEqual((page.doc["startIndex"], page.doc["itemsPerPage"], page.doc["totalResults"]), (2, 2, total))
        all_names = names(s.get("/Users"))
        self.assertEqual(names(page), all_names[1:3])
        self.assertEqual(names(s.get("/Users", query={"startIndex": total + 5})), [])
        for start in ("9223372036854775807", "-5"):   # far past the end, and before the start
            far = s.get("/Users", query={"startIndex": start, "count": "9223372036854775807"})
            self.assertEqual(far.status, 200, far)
            self.assertEqual(far.doc["totalResults"], total)
        self.assertEqual(names(s.get("/Users", query={"startIndex": "-5", "count": 1})), all_names[:1])
        self.assertEqual(s.post("/Users/.search", {"startIndex": 9223372036854775807, "count": 5}).doc["Resources"], [])
        only = s.get("/Users", query={"attributes": "userName", "filter": 'userName eq "amy.adams"'})
        self.assertEqual(set(only.doc["Resources"][0]), {"id", "schemas", "userName"})
        less = s.get("/Users/" + ids["amy.adams"], query={"excludedAttributes": "emails,meta,name"})
        self.assertNotIn("emails", less.doc)
        self.assertIn("userName", less.doc)
        search = s.post("/Users/.search", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                                           "filter": 'name.familyName eq "cole"', "attributes": ["userName"],
                                           "startIndex": 1, "count": 10})
        self.assertEqual(search.doc["totalResults"], 1)
        self.assertEqual(search.doc["Resources"], [{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                                                    "id": ids["cat.cole"], "userName": "cat.cole"}])

    def test_discovery(self):
        spc = self.scim.get("/ServiceProviderConfig")
        self.assertEqual(spc.status, 200)
        self.assertIs(spc.doc["patch"]["supported"], True)
        self.assertIs(spc.doc["bulk"]["supported"], False)
        self.assertIs(spc.doc["filter"]["supported"], True)
        self.assertEqual(self.scim.get("/serviceConfiguration").doc, spc.doc)
        types = self.scim.get("/ResourceTypes").doc
        self.assertEqual([t["endpoint"] for t in types["Resources"]], ["/Users", "/Groups"])
        self.assertEqual(self.scim.get("/ResourceTypes/User").doc["endpoint"], "/Users")
        schemas = self.scim.get("/Schemas").doc
        self.assertEqual(schemas["totalResults"], 3)
        self.assertEqual(self.scim.get("/Schemas/" + ENTERPRISE).doc["id"], ENTERPRISE)
        self.assert_error(self.scim.get("/Schemas/urn:nope"), 404)
        self.assert_error(self.scim.post("/Bulk", {}), 501)
