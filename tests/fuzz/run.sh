#!/bin/sh
# run.sh — builds the libFuzzer harnesses (clang, ASan+UBSan) and runs each one, one after
# another, on a working corpus seeded from tests/fuzz/corpus/<name>; with --merge, minimises
# what was found back into tests/fuzz/corpus/<name>. See tests/fuzz/README.md.
#
#   tests/fuzz/run.sh [--merge] [--runs N] [--time SECONDS] [name...]
#
# Defaults: every harness, FUZZ_RUNS (10000000) executions each, at most FUZZ_TIME (3600) seconds
# each. Crash inputs land in build-fuzz/artifacts/. Exits non-zero when a harness crashed.
set -eu

cd "$(dirname "$0")/../.."
runs=${FUZZ_RUNS:-10000000}
time=${FUZZ_TIME:-3600}
merge=0
while [ $# -gt 0 ]; do
    case "$1" in
    --merge) merge=1 ;;
    --runs) runs=$2; shift ;;
    --time) time=$2; shift ;;
    -*) echo "usage: $0 [--merge] [--runs N] [--time SECONDS] [name...]" >&2; exit 2 ;;
    *) break ;;
    esac
    shift
done
names=${*:-$(ls tests/fuzz/corpus)}

CC=${FUZZ_CC:-clang} cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROSTER_FUZZ=ON \
    -DROSTER_TESTS=OFF >/dev/null
cmake --build build-fuzz -j "${JOBS:-2}"
mkdir -p build-fuzz/artifacts

for n in $names; do
    work=build-fuzz/corpus/$n
    mkdir -p "$work"
    echo "== fuzz_$n: $runs runs, at most ${time}s"
    ./build-fuzz/fuzz_"$n" -runs="$runs" -max_total_time="$time" -print_final_stats=1 \
        -artifact_prefix=build-fuzz/artifacts/"$n"- "$work" tests/fuzz/corpus/"$n" 2>build-fuzz/fuzz_"$n".log ||
        { tail -n 40 build-fuzz/fuzz_"$n".log >&2; echo "fuzz_$n crashed: see build-fuzz/artifacts/" >&2; exit 1; }
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec)' build-fuzz/fuzz_"$n".log
    if [ "$merge" = 1 ]; then
        # Minimise into a new corpus, then keep every hand-named input (captures, known-bad
        # inputs): only libFuzzer's own names are 40 hex digits.
        new=$(mktemp -d)
        ./build-fuzz/fuzz_"$n" -merge=1 "$new" tests/fuzz/corpus/"$n" "$work" 2>>build-fuzz/fuzz_"$n".log
        find tests/fuzz/corpus/"$n" -type f -regextype posix-extended ! -regex '.*/[0-9a-f]{40}' \
            -exec cp {} "$new"/ \;
        for f in $(find "$new" -type f -regextype posix-extended ! -regex '.*/[0-9a-f]{40}'); do
            rm -f "$new/$(sha1sum <"$f" | cut -c1-40)" # the same input under libFuzzer's name
        done
        rm -rf tests/fuzz/corpus/"$n"
        mkdir -p tests/fuzz/corpus/"$n"
        cp "$new"/* tests/fuzz/corpus/"$n"/
        rm -rf "$new"
        echo "   corpus: $(ls tests/fuzz/corpus/"$n" | wc -l) files, $(du -sh tests/fuzz/corpus/"$n" | cut -f1)"
    fi
done
