# The two commands a newcomer needs: `make demo` and `make test`.
# Both install what is missing (Debian packages) before they build.

BUILD_DIR ?= build
ASAN_DIR  ?= build-asan
JOBS      ?= $(shell nproc)
# Sources compiled in batches (CMakeLists.txt, FARM_UNITY): a clean build in about a third of the
# time. `make FARM_UNITY=OFF` compiles file by file, so that a change recompiles one file.
FARM_UNITY ?= ON
# Optimised, with line tables only (-g1): backtraces and profiles still name files and lines, and
# full debug information (-g) would cost a third more compile time.
CMAKE_FLAGS := -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" \
               -DFARM_UNITY=$(FARM_UNITY)
FARM      := $(BUILD_DIR)/farm

.PHONY: all deps test-deps test-tools configure farm build test-build asan fuzz demo test unit clean format

all: build

deps:
	@scripts/setup-deps.sh

test-deps:
	@scripts/setup-deps.sh --test

configure: deps
	@cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS) >/dev/null

# The binary alone: what `make demo` needs (the tests are most of the compile time).
farm: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target farm

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# What the CLI tests run: the binary, the scripted AI server and the fake NVML library.
test-build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target farm farm_mock_llm fake_nvml

# Unit tests built with AddressSanitizer and UndefinedBehaviorSanitizer.
asan: deps
	@cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=Debug -DFARM_SANITIZE=ON -DFARM_UNIT_ONLY=ON >/dev/null
	@cmake --build $(ASAN_DIR) -j $(JOBS) --target farm_unit_tests

# The parsers of AI providers' streams under libFuzzer (clang), a bounded time each.
FUZZ_SECONDS ?= 10
fuzz: test-deps
	@FARM_FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/run-fuzz.sh >/dev/null

demo: farm
	@scripts/demo.sh $(FARM)

# pnpm 9, 10.5, 10.23, 10 and 12 for the CLI tests, installed with npm into build/tools/ once, before the tests
# run in parallel.
test-tools: test-build
	@scripts/ensure-pnpm.sh 9 >/dev/null
	@scripts/ensure-pnpm.sh 10 >/dev/null
	@scripts/ensure-pnpm.sh 10.5 >/dev/null
	@scripts/ensure-pnpm.sh 10.23 >/dev/null
	@scripts/ensure-pnpm.sh 12 >/dev/null
	@scripts/ensure-mock-llm.sh >/dev/null

# FARM_TEST_STRICT: what test-tools installed must be there (a test fails instead of skipping).
# `make test`: the CLI tests against the binary, the unit tests under the sanitizers (their only
# build in `make test`: a second, unsanitized build of the same tests cost minutes), then the
# fuzz targets.
test: test-deps test-build asan test-tools
	@cd $(BUILD_DIR) && FARM_TEST_STRICT=1 ctest --output-on-failure -j $(JOBS) -LE unit
	@cd $(ASAN_DIR) && ctest --output-on-failure
	@$(MAKE) --no-print-directory fuzz

unit: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -L unit

format:
	@find apps commands lib tests -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) build-fuzz
