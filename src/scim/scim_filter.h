/* scim_filter.h — SCIM filter expressions (RFC 7644 §3.4.2.2) read into a tree.
 *
 * Grammar (keywords and operators in any case; one or more spaces between tokens):
 *   filter    = or
 *   or        = and *("or" and)
 *   and       = unary *("and" unary)
 *   unary     = "not" "(" filter ")" / "(" filter ")" / attrPath "[" filter "]" / attrExp
 *   attrExp   = attrPath "pr" / attrPath compareOp compValue
 *   compareOp = eq / ne / co / sw / ew / gt / ge / lt / le
 *   compValue = false / null / true / a JSON number / a JSON string (read by jansson)
 *   attrPath  = [URI ":"] name *("." name), name = ALPHA *(ALPHA / DIGIT / "-" / "_" / "$")
 * Bounds: at most SCIM_FILTER_MAX_LEN bytes, SCIM_FILTER_MAX_NODES nodes, nesting of
 * SCIM_FILTER_MAX_DEPTH. What the attributes mean (and whether they exist) is the caller's.
 */
#ifndef ROSTER_SCIM_SCIM_FILTER_H
#define ROSTER_SCIM_SCIM_FILTER_H

#include <jansson.h>
#include <stddef.h>

#include "util/buf.h"

#define SCIM_FILTER_MAX_LEN 4096
#define SCIM_FILTER_MAX_NODES 256
#define SCIM_FILTER_MAX_DEPTH 16

typedef enum scim_filter_kind {
    SF_AND,          /* a and b */
    SF_OR,           /* a or b */
    SF_NOT,          /* not (a) */
    SF_PRESENT,      /* attr pr */
    SF_COMPARE,      /* attr op value */
    SF_VALUE_PATH,   /* attr[a]: a holds for one value of the multi-valued attr */
} scim_filter_kind;

typedef enum scim_filter_op { SF_EQ, SF_NE, SF_CO, SF_SW, SF_EW, SF_GT, SF_GE, SF_LT, SF_LE } scim_filter_op;

typedef struct scim_filter {
    scim_filter_kind kind;
    scim_filter_op op;           /* SF_COMPARE */
    char *attr;                  /* SF_PRESENT, SF_COMPARE, SF_VALUE_PATH: the path as written */
    json_t *value;               /* SF_COMPARE: string, number, true, false or null */
    struct scim_filter *a, *b;   /* SF_AND, SF_OR: both; SF_NOT, SF_VALUE_PATH: a */
} scim_filter;

/* Reads text (len bytes; NUL bytes are refused) into *out. Returns 0, or -1 with *out NULL and
 * a message in err saying what was wrong and where (the byte offset). The caller frees the tree
 * with scim_filter_free. */
int scim_filter_parse(const char *text, size_t len, scim_filter **out, buf *err);
void scim_filter_free(scim_filter *f);
/* Appends f in a canonical form that reads back to the same tree: keywords and operators in
 * lower case, every AND and OR in parentheses, values as compact JSON. */
void scim_filter_print(const scim_filter *f, buf *out);
/* The operator's name ("eq"…). Static. */
const char *scim_filter_op_name(scim_filter_op op);

#endif
