# roster — the two newcomer commands.
#   make run   install what is missing, build, initialise a store on first use, serve
#   make test  install what the tests need, build (plain and ASan+UBSan), run every test
#              (the fuzz corpora in tests/fuzz/corpus/ are replayed as unit tests)
#   make fuzz  build the libFuzzer harnesses with clang and run each (FUZZ_RUNS, FUZZ_TIME);
#              make fuzz-merge also minimises what they found into tests/fuzz/corpus/
.PHONY: run test build build-san bench bench-users bench-import bench-bulk bench-console bench-scim fuzz fuzz-merge clean

JOBS ?= $(shell nproc 2>/dev/null || echo 2)

run:
	@scripts/deps.sh run
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROSTER_TESTS=OFF -DROSTER_WERROR=ON >/dev/null
	@cmake --build build -j $(JOBS) --target roster
	@scripts/run.sh

build:
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROSTER_TESTS=ON -DROSTER_WERROR=ON >/dev/null
	@cmake --build build -j $(JOBS)

build-san:
	@cmake -S . -B build-san -DCMAKE_BUILD_TYPE=Debug -DROSTER_SANITIZE=ON -DROSTER_WERROR=ON >/dev/null
	@cmake --build build-san -j $(JOBS)

test:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory build build-san
	@echo "== unit tests, optimised build"
	@cd build && ctest --output-on-failure -L unit -j $(JOBS)
	@echo "== every test (unit and end-to-end) under AddressSanitizer + UndefinedBehaviorSanitizer"
	@cd build-san && ctest --output-on-failure -j $(JOBS)

bench:
	@scripts/deps.sh bench
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROSTER_WERROR=ON >/dev/null
	@cmake --build build -j $(JOBS) --target roster
	@bench/http

bench-users:
	@scripts/deps.sh bench
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROSTER_WERROR=ON >/dev/null
	@cmake --build build -j $(JOBS) --target roster
	@bench/users

bench-import:
	@scripts/deps.sh bench
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROSTER_WERROR=ON >/dev/null
	@cmake --build build -j $(JOBS) --target roster
	@bench/import

bench-bulk:
	@scripts/deps.sh bench
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROSTER_WERROR=ON >/dev/null
	@cmake --build build -j $(JOBS) --target roster
	@bench/bulk

bench-console:
	@scripts/deps.sh bench
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROSTER_WERROR=ON >/dev/null
	@cmake --build build -j $(JOBS) --target roster
	@bench/console

bench-scim:
	@scripts/deps.sh bench
	@cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DROSTER_WERROR=ON >/dev/null
	@cmake --build build -j $(JOBS) --target roster
	@bench/scim

fuzz:
	@scripts/deps.sh fuzz
	@tests/fuzz/run.sh

fuzz-merge:
	@scripts/deps.sh fuzz
	@tests/fuzz/run.sh --merge

clean:
	rm -rf build build-san build-fuzz
