"""test_scim_sequences.py — what Okta and Microsoft Entra ID do when they provision, step by step,
against a real `roster serve` (issue 12): look up by userName (any case), create, deactivate with
PATCH, push a group and add and remove a member (with a group mapping turning membership into a
security profile, checked through the aws CLI), re-activate, delete. Each provider's own request
shapes: Okta's `replace` with a value object, Entra's capitalised ops, paths with value filters,
URN-qualified paths and "True"/"False" strings."""
from harness import RosterTestCase
from scim_client import ENTERPRISE, GROUP_SCHEMA, Scim, make_token, user


class ScimSequencesTest(RosterTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.roster
        cls.okta = Scim(r.port, make_token(r, r.instance_id, "okta"))
        cls.entra = Scim(r.port, make_token(r, r.instance_id, "entra"))
        sps = r.boto().list_security_profiles(InstanceId=r.instance_id)["SecurityProfileSummaryList"]
        cls.profile = {p["Name"]: p["Id"] for p in sps}
        r.cli("scim-mapping", "add", "--instance", "default", "--group", "Quality Team",
              "--security-profile", "QualityAnalyst")

    def ok(self, a, status=200):
        self.assertEqual(a.status, status, a)
        return a.doc

    def profiles(self, uid):
        u = self.roster.boto().describe_user(InstanceId=self.roster.instance_id, UserId=uid)["User"]
        return sorted(u["SecurityProfileIds"])

    def test_okta(self):
        s = self.okta
        found = self.ok(s.get("/Users", query={"filter": 'userName eq "Jane.Doe@Example.com"', "startIndex": 1,
                                                "count": 100}))
        self.assertEqual(found["totalResults"], 0)
        created = self.ok(s.post("/Users", user("jane.doe@example.com", "Jane", "Doe",
                                                 email="jane.doe@example.com", locale="en-US")), 201)
        uid = created["id"]
        found = self.ok(s.get("/Users", query={"filter": 'userName eq "JANE.DOE@example.com"'}))
        self.assertEqual([u["id"] for u in found["Resources"]], [uid])
        off = self.ok(s.patch("/Users/" + uid, [{"op": "replace", "value": {"active": False}}]))
        self.assertIs(off["active"], False)
        self.assertIs(self.roster.boto().describe_user(InstanceId=self.roster.instance_id, UserId=uid) is not None,
                      True)
        # group push: create, add a member, remove it
        group = self.ok(s.post("/Groups", {"schemas": [GROUP_SCHEMA], "displayName": "Quality Team",
                                           "members": []}), 201)
        gid = group["id"]
        self.ok(s.patch("/Groups/" + gid, [{"op": "add", "path": "members",
                                              "value": [{"value": uid, "display": "jane.doe@example.com"}]}]))
        self.assertEqual(self.profiles(uid), sorted([self.profile["Agent"], self.profile["QualityAnalyst"]]))
        got = self.ok(s.get("/Groups/" + gid))
        self.assertEqual([m["value"] for m in got["members"]], [uid])
        by_member = self.ok(s.get("/Groups", query={"filter": f'members[value eq "{uid}"]'}))
        self.assertEqual([g["id"] for g in by_member["Resources"]], [gid])
        self.ok(s.patch("/Groups/" + gid, [{"op": "remove", "path": f'members[value eq "{uid}"]'}]))
        self.assertEqual(self.profiles(uid), [self.profile["Agent"]])
        self.assertEqual(self.ok(s.get("/Groups/" + gid))["members"], [])
        # Okta renames a group with its id in the value
        renamed = self.ok(s.patch("/Groups/" + gid, [{"op": "replace", "value": {"id": gid,
                                                                                  "displayName": "QA"}}]))
        self.assertEqual(renamed["displayName"], "QA")
        on = self.ok(s.patch("/Users/" + uid, [{"op": "replace", "value": {"active": True}}]))
        self.assertIs(on["active"], True)
        self.assertEqual(s.delete("/Groups/" + gid).status, 204)
        self.assertEqual(s.get("/Groups/" + gid).status, 404)
        # the group's own changes are in the trail too, with the token's name
        trail = [line for line in self.roster.cli("audit", "--instance", "default").stdout.splitlines()
                 if f"group={gid}" in line]
        self.assertEqual([line.split()[1] for line in trail],
                         ["ScimCreateGroup", "ScimReplaceGroup", "ScimReplaceGroup", "ScimReplaceGroup",
                          "ScimDeleteGroup"])
        self.assertTrue(all("key=scim actor=okta" in line for line in trail), trail)
        self.assertIn(f'MembersAdded=["{uid}"]', trail[1])
        self.assertIn(f'MembersRemoved=["{uid}"]', trail[2])
        self.assertIn('DisplayName: "Quality Team" -> "QA"', trail[3])
        # Okta deactivates rather than deletes: the user stays, disabled
        self.ok(s.patch("/Users/" + uid, [{"op": "replace", "value": {"active": False}}]))
        self.assertIs(self.ok(s.get("/Users/" + uid))["active"], False)

    def test_entra(self):
        s = self.entra
        self.assertEqual(self.ok(s.get("/Users", query={"filter": 'userName eq "alex@contoso.com"'}))["totalResults"], 0)
        doc = user("Alex@contoso.com", "Alex", "Wilber", email="alex@contoso.com", externalId="8c6e9e1c-entra",
                   displayName="Alex Wilber", **{ENTERPRISE: {"department": "Retail"}})
        doc["active"] = "True"
        uid = self.ok(s.post("/Users", doc), 201)["id"]
        found = self.ok(s.get("/Users", query={"filter": 'externalId eq "8c6e9e1c-entra"'}))
        self.assertEqual([u["id"] for u in found["Resources"]], [uid])
        patched = self.ok(s.patch("/Users/" + uid, [
            {"op": "Replace", "path": "displayName", "value": "Alex W."},
            {"op": "Add", "path": 'emails[type eq "work"].value', "value": "alex.wilber@contoso.com"},
            {"op": "Replace", "path": ENTERPRISE + ":department", "value": "Sales"},
            {"op": "Add", "path": 'phoneNumbers[type eq "mobile"].value', "value": "+14255550100"},
            {"op": "Replace", "path": "name.familyName", "value": "Wilber-Smith"},
        ]))
        self.assertEqual(patched["displayName"], "Alex W.")
        self.assertEqual(patched[ENTERPRISE]["department"], "Sales")
        u = self.roster.boto().describe_user(InstanceId=self.roster.instance_id, UserId=uid)["User"]
        self.assertEqual(u["IdentityInfo"]["Email"], "alex.wilber@contoso.com")
        self.assertEqual(u["IdentityInfo"]["Mobile"], "+14255550100")
        self.assertEqual(u["IdentityInfo"]["LastName"], "Wilber-Smith")
        off = self.ok(s.patch("/Users/" + uid, [{"op": "Replace", "path": "active", "value": "False"}]))
        self.assertIs(off["active"], False)
        # a failing operation undoes the whole request
        bad = s.patch("/Users/" + uid, [{"op": "Replace", "path": "displayName", "value": "Never"},
                                        {"op": "Replace", "path": "id", "value": "x"}])
        self.assertEqual(bad.status, 400, bad)
        self.assertEqual(bad.doc["scimType"], "mutability")
        self.assertEqual(self.ok(s.get("/Users/" + uid))["displayName"], "Alex W.")
        self.assertEqual(s.patch("/Users/" + uid, [{"op": "Remove"}]).doc["scimType"], "noTarget")
        self.assertEqual(s.patch("/Users/" + uid, [{"op": "Replace", "path": "emails[type eq", "value": "x"}])
                         .doc["scimType"], "invalidPath")
        self.assertEqual(s.patch("/Users/" + uid, [{"op": "Replace", "path": "active", "value": "perhaps"}])
                         .doc["scimType"], "invalidValue")
        self.assertEqual(s.patch("/Users/" + uid, [{"op": "Jump", "path": "active", "value": True}])
                         .doc["scimType"], "invalidSyntax")
        stale = s.patch("/Users/" + uid, [{"op": "Replace", "path": "title", "value": "x"}],
                        headers={"If-Match": 'W/"1"'})
        self.assertEqual(stale.status, 412, stale)
        # group push, Entra's way: members added and removed with value lists
        gid = self.ok(s.post("/Groups", {"schemas": [GROUP_SCHEMA], "displayName": "quality team",
                                         "externalId": "g-entra", "members": []}), 201)["id"]
        self.assertEqual(s.post("/Groups", {"displayName": "Quality TEAM"}).status, 409)
        # a search at the root: users first, then groups, paged as one list
        both = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                "filter": 'displayName eq "quality team" or userName eq "alex@contoso.com"', "attributes": ["id"]}
        found = self.ok(s.post("/.search", both))
        self.assertEqual(found["totalResults"], 2)
        self.assertEqual([r["id"] for r in found["Resources"]], [uid, gid])
        second = self.ok(s.post("/.search", dict(both, startIndex=2, count=1)))
        self.assertEqual(([r["id"] for r in second["Resources"]], second["totalResults"]), ([gid], 2))
        self.assertEqual(s.get("/.search").status, 405)
        self.ok(s.patch("/Groups/" + gid, [{"op": "Add", "path": "members", "value": [{"value": uid}]}]))
        self.assertIn(self.profile["QualityAnalyst"], self.profiles(uid))
        self.ok(s.patch("/Groups/" + gid, [{"op": "Remove", "path": "members", "value": [{"value": uid}]}]))
        self.assertNotIn(self.profile["QualityAnalyst"], self.profiles(uid))
        bogus = s.patch("/Groups/" + gid, [{"op": "Add", "path": "members", "value": [{"value": "no-such-user"}]}])
        self.assertEqual(bogus.status, 400, bogus)
        on = self.ok(s.patch("/Users/" + uid, [{"op": "Replace", "path": "active", "value": "True"}]))
        self.assertIs(on["active"], True)
        self.assertEqual(s.delete("/Users/" + uid).status, 204)
        self.assertEqual(s.get("/Users/" + uid).status, 404)
        self.assertEqual(s.delete("/Groups/" + gid).status, 204)
        trail = self.roster.cli("audit", "--user", "Alex@contoso.com").stdout
        self.assertIn("ScimPatchUser", trail)
        self.assertIn("actor=entra", trail)
