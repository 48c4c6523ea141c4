/* support.h — what the unit tests share: a store on a new file in a temp dir of its own, the
 * settings the tests run with, and the store's test-only functions (store_testing.h). Linked
 * into every unit test (CMakeLists.txt). */
#ifndef ROSTER_TESTS_UNIT_SUPPORT_H
#define ROSTER_TESTS_UNIT_SUPPORT_H

#include "core/context.h"
#include "core/instances.h"
#include "store/store.h"
#include "store/store_testing.h"

typedef struct test_store {
    char dir[64];   /* /tmp/roster-unit-XXXXXX */
    char path[128]; /* dir/s.db */
    store *st;
} test_store;

/* Makes the temp dir and creates a store in it. Returns t->st, or NULL (a message on stderr). */
store *test_store_open(test_store *t);

/* Closes t->st (its connections given back first) and removes the dir. Returns 0, or -1. */
int test_store_remove(test_store *t);

/* The tests' settings: region us-east-1, account 123456789012. */
void test_settings(settings *cfg);

/* A store on a new temp file with one connection taken and a core context over it, acting as
 * the command line. Returns 0, or -1 (a message on stderr). Close with test_core_close. */
int test_core_open(test_store *ts, settings *cfg, core_ctx *cx);
/* Gives cx's connection back and removes the store. Returns 0, or -1. */
int test_core_close(test_store *ts, core_ctx *cx);

/* Creates a SAML instance (no passwords to hash) with its default resources into *in and *defs
 * (defs may be NULL). Returns 0, or -1. */
int test_saml_instance(core_ctx *cx, instance *in, instance_defaults *defs);

#endif
