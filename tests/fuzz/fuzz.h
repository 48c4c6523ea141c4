/* fuzz.h — the one entry point every harness tests/fuzz/fuzz_<name>.c defines; libFuzzer calls
 * it in the fuzz build, tests/fuzz/replay.c in the normal build. Returns 0 always. */
#ifndef ROSTER_TESTS_FUZZ_H
#define ROSTER_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The harnesses' own invariant checks: a message and abort(), which libFuzzer and the replay
 * both report as a crash. */
#define FUZZ_CHECK(cond)                                                                            \
    do {                                                                                            \
        if (!(cond)) {                                                                              \
            fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);           \
            abort();                                                                                \
        }                                                                                           \
    } while (0)

#endif
