/* filter_expr.h — the filter language of `roster bulk-edit` and `roster bulk-delete`: a small
 * expression over a user's fields, parsed from untrusted text into a tree, then compiled into
 * the SearchUsers members SearchCriteria and SearchFilter with names resolved to ids.
 *
 *   expr  := and ('or' and)*
 *   and   := unary ('and' unary)*
 *   unary := '(' expr ')' | cond
 *   cond  := FIELD OP VALUE | 'tag:' KEY ['=' VALUE]
 *   FIELD := login | first-name | last-name | routing-profile | security-profile | hierarchy
 *   OP    := '=' (exact) | '^=' (starts with) | '~=' (contains, 2..25 characters)
 *
 * 'and' binds tighter than 'or'; the keywords ignore case. A VALUE (or KEY) is a bare word —
 * bytes up to white space, '(', ')', '"', '=', '^' or '~' — or a "quoted" string in which \"
 * and \\ stand for '"' and '\'. routing-profile and security-profile take '=' with a name;
 * hierarchy takes '=' (that group) or '^=' (that group and the groups below it) with a path
 * written as in the CSV template (Sales|West); a tag takes '=' only (tag:KEY alone: has the key).
 *
 * Bounds: FX_MAX_LEN bytes of text (valid UTF-8, no NUL), FX_MAX_DEPTH nested parentheses,
 * FX_MAX_NESTING alternations of 'and' and 'or', FX_MAX_CONDS conditions; so that the compiled
 * criteria stay within SearchUsers' depth and size. Errors are one line: "at column N: expected …, found …" (N counts bytes from 1).
 */
#ifndef ROSTER_CLI_FILTER_EXPR_H
#define ROSTER_CLI_FILTER_EXPR_H

#include <jansson.h>
#include <stddef.h>

#include "util/buf.h"

#define FX_MAX_LEN 4096
#define FX_MAX_DEPTH 8          /* parentheses */
#define FX_MAX_NESTING 3        /* 'and' inside 'or' inside 'and' (or the reverse), once redundant
                                   parentheses are dropped: SearchUsers' depth allows three */
#define FX_MAX_CONDS 64

typedef enum fx_kind { FX_AND, FX_OR, FX_COND } fx_kind;
typedef enum fx_field {
    FX_LOGIN,
    FX_FIRST_NAME,
    FX_LAST_NAME,
    FX_ROUTING_PROFILE,
    FX_SECURITY_PROFILE,
    FX_HIERARCHY,
    FX_TAG
} fx_field;
typedef enum fx_op { FX_EQ, FX_PREFIX, FX_CONTAINS, FX_HAS /* tag:KEY alone */ } fx_op;

typedef struct fx_node {
    fx_kind kind;
    size_t col;                  /* 1-based byte column where the condition or group begins */
    fx_field field;              /* FX_COND */
    fx_op op;                    /* FX_COND */
    char *key;                   /* FX_TAG's key; owned */
    char *value;                 /* owned; NULL for FX_HAS */
    struct fx_node *kids;        /* FX_AND / FX_OR: n_kids >= 2, owned array */
    size_t n_kids;
} fx_node;

/* Parses len bytes of text. Returns the tree (caller frees with fx_free), or NULL with the
 * one-line reason appended to err. */
fx_node *fx_parse(const char *text, size_t len, buf *err);
/* Frees the tree; NULL is a no-op. */
void fx_free(fx_node *n);

/* What a name names. */
typedef enum fx_ref { FX_REF_ROUTING_PROFILE, FX_REF_SECURITY_PROFILE, FX_REF_HIERARCHY } fx_ref;

/* Resolves a name (a hierarchy: a path such as "Sales|West") to its id. Returns 0 with *id
 * malloc'd (the caller frees), or -1 with why appended to err (the name, and the nearest
 * existing one). */
typedef int (*fx_resolve_fn)(void *cls, fx_ref ref, const char *name, char **id, buf *err);

/* Compiles the tree into SearchUsers' members. Conditions on tags go in a SearchFilter's
 * UserAttributeFilter (the only place SearchUsers takes them), the rest in SearchCriteria; the
 * two are ANDed by SearchUsers, so a tag condition may be joined to the others only by a
 * top-level 'and' (else an error says so). *criteria: the SearchCriteria object, or NULL when
 * every condition is a tag's; *filter: the SearchFilter object, or NULL when no tag is named
 * (the caller json_decref's both). Returns 0, or -1 with the reason appended to err (a name
 * that does not resolve, a shape SearchUsers cannot express) and both NULL. */
int fx_compile(const fx_node *root, fx_resolve_fn resolve, void *cls, json_t **criteria, json_t **filter, buf *err);

#endif
