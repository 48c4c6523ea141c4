/* scim_patch.h — a SCIM PATCH request (RFC 7644 §3.5.2) applied to a resource's JSON.
 *
 * Pure: no store, no HTTP. The route reads the stored resource as its SCIM JSON, calls
 * scim_patch_apply, and maps the result back to storage in one write; the operations are
 * applied in order to a deep copy, so a request either applies whole or changes nothing.
 *
 * The body: an object whose "schemas" holds SCIM_PATCH_OP_URN and whose "Operations" (that
 * name in any case) is an array of 1..SCIM_PATCH_MAX_OPS objects, each with "op" ("add",
 * "remove", "replace", in any case), "path" (scim_path.h; absent, null or "" for none) and
 * "value"; the member names "op", "path" and "value" in any case; other members are ignored
 * (Entra sends "name"). A structural fault is 400 invalidSyntax, a bad path 400 invalidPath, a
 * missing or unfit value 400 invalidValue.
 *
 * Where an operation writes:
 * - attribute names match the resource's keys in any case, and a key that exists keeps its
 *   case; a new key is written as the request spells it;
 * - a name without URN, or with one of core_schemas, is a top-level member; with one of
 *   extensions, a member of the object keyed by that URN (created, and the URN added to
 *   "schemas", when an operation first writes it; removed, with its "schemas" entry, when an
 *   operation empties it); any other URN is 400 invalidPath;
 * - no path (add, replace): the value is an object; each member is applied as an operation of
 *   its own, in order: a member named by an extension URN spreads its object's members over
 *   that extension, any other name is read as a path ("name.givenName",
 *   "urn:…:enterprise:2.0:User:department", "emails[type eq \"work\"].value": Entra sends them);
 *   a path that is exactly an extension's URN works the same on that extension; remove without
 *   a path is 400 noTarget.
 *
 * What an operation does:
 * - add to a multi-valued attribute appends each value (a non-array value is one value); a
 *   value the same as one present (equal "value" sub-attributes — or equal values when simple —
 *   compared as case_exact says; objects without "value" compared whole) is merged into it
 *   (its "value" kept as stored), not appended. replace of a multi-valued attribute sets the
 *   whole list. An attribute is multi-valued when its current value is an array, or, when it
 *   has none, when rules->multi_valued says so (without that hook: when the value given is an
 *   array);
 * - add or replace of a complex attribute (the current value and the value given both objects)
 *   merges: the sub-attributes given are set, the others kept (RFC 7644 §3.5.2.3); of anything
 *   else, sets it. null, or an empty list for a multi-valued attribute, unassigns: the member is
 *   removed. "name.sub" sets one sub-attribute (the object created if absent; 400 invalidPath
 *   when the attribute holds a simple value);
 * - a value filter "attr[f]" or "attr[f].sub" (and "attr.sub" on a multi-valued attribute, as a
 *   filter every element passes) acts on each object element that matches (scim_filter_match):
 *   add and replace merge the value (an object) into it, or set its sub-attribute; remove
 *   deletes the element, or its sub-attribute; an attribute left with no elements is removed;
 * - add or replace through a filter that no element matches creates the element when the
 *   filter is an "eq" on a sub-attribute, or an "and" of such (Entra's
 *   emails[type eq "work"].value on a user without a work email): {type: "work", value: …};
 *   any other filter is 400 noTarget (RFC 7644 §3.5.2.3 says noTarget for replace always);
 * - remove through a filter that no element matches, and remove of an absent attribute, change
 *   nothing and succeed: what the client asks for holds, and a retried request must not fail;
 * - remove of a multi-valued attribute with a "value" (Entra: {"op": "remove", "path":
 *   "members", "value": [{"value": "id"}]}) removes the elements the same as those values
 *   (same rule as add); without one, the whole attribute. The value of any other remove is
 *   not looked at;
 * - when a write sets "primary" true on an element of a multi-valued attribute (true, or the
 *   string "true" in any case), every other element's true "primary" becomes false (RFC 7643
 *   §2.4); the last element written wins;
 * - values are written as given: "active": "False" stays a string. Reading Entra's "True" and
 *   "False" strings as booleans needs the attribute's type: the caller's mapping does it.
 *
 * Permission: before each change, rules->check is asked about each attribute path the change
 * touches (once per operation and path): "emails" and "emails.value" for a change of an
 * email's value, "name" and "name.givenname" for a given name. An operation that leaves a
 * value as it was asks nothing and changes nothing — Okta renames a group with its "id" in the
 * value. Removing from an absent attribute asks nothing.
 */
#ifndef ROSTER_SCIM_SCIM_PATCH_H
#define ROSTER_SCIM_SCIM_PATCH_H

#include <jansson.h>

#include "scim/scim_match.h"

#define SCIM_PATCH_OP_URN "urn:ietf:params:scim:api:messages:2.0:PatchOp"
#define SCIM_PATCH_MAX_OPS 1000

typedef enum scim_patch_op { SCIM_PATCH_ADD, SCIM_PATCH_REMOVE, SCIM_PATCH_REPLACE } scim_patch_op;

typedef struct scim_patch_error {
    int status;            /* HTTP status: 400 (a check may choose another; 500: the resource
                              given is not an object) */
    const char *scim_type; /* RFC 7644 §3.12: "invalidSyntax", "invalidPath", "invalidValue",
                              "noTarget", "mutability" or a check's own; static; NULL for 500 */
    char detail[512];      /* for people: which operation ("operation 2 (remove): …") and what */
} scim_patch_error;

typedef struct scim_patch_rules {
    const char *const *core_schemas; /* NULL-terminated; the resource's core schema URN(s); the
                                        first is what check is told for a name without URN */
    const char *const *extensions;   /* NULL-terminated, or NULL: the extension URNs allowed */
    /* Whether the attribute at path (lower case, without URN, dotted: "emails",
     * "emails.value", "name.givenname", "manager.value") of schema (one of the strings above,
     * the very pointer) may be changed by op. Returns 0, or non-zero with *err filled (a status
     * left 0 becomes 400 mutability, an empty detail a default one). NULL: everything may. */
    int (*check)(const char *schema, const char *path, scim_patch_op op, void *ctx, scim_patch_error *err);
    /* 1 when the attribute (same path form) is multi-valued; asked only for an attribute the
     * resource does not have. NULL: the shape of the value given decides. */
    int (*multi_valued)(const char *schema, const char *path, void *ctx);
    scim_case_exact_fn case_exact; /* as scim_match.h, for filters and the sameness of values */
    void *ctx;                     /* given to check and multi_valued */
} scim_patch_rules;

/* Applies body (the parsed request body) to a copy of resource (which is not changed). Returns
 * the patched resource (the caller json_decrefs it; it shares nothing with resource or body),
 * or NULL with *err filled. */
json_t *scim_patch_apply(const json_t *resource, const json_t *body, const scim_patch_rules *rules,
                         scim_patch_error *err);
/* "add", "remove" or "replace". Static. */
const char *scim_patch_op_name(scim_patch_op op);

#endif
