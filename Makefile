# Two commands on a fresh Debian 12 machine: `make demo` and `make test`.
# Both install what is missing, configure with CMake and build into build/.

BUILD    ?= build
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
PACKAGES := g++ cmake make python3 tao-pegtl-dev libyaml-cpp-dev libfmt-dev \
            nlohmann-json3-dev libcli11-dev libboost-test-dev
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# `make test` runs the suite twice: in BUILD, and again in ASAN_BUILD built
# with AddressSanitizer and UndefinedBehaviorSanitizer, so a memory error or
# undefined behaviour fails CI. `make test-sanitize` runs only the second.
ASAN_BUILD ?= build-asan

# `make fuzz`: libFuzzer targets (tests/fuzz) built with clang in FUZZ_BUILD,
# each run for FUZZ_SECONDS; a crash, leak, timeout or violated property fails.
FUZZ_BUILD    ?= build-fuzz
FUZZ_SECONDS  ?= 120
# Inputs up to 8 KB, except for the data readers, whose inputs are naturally
# large (deep nesting, long rows): 300 KB.
FUZZ_MAX_LEN  ?= 8192
FUZZ_DATA_MAX_LEN ?= 300000
FUZZ_TARGETS  := fuzz_parser fuzz_csv fuzz_jsonl fuzz_schema fuzz_run fuzz_test_file
FUZZ_PACKAGES := clang-14 libclang-rt-14-dev

.PHONY: all deps build demo test test-sanitize clean bench fuzz fuzz-deps

all: build

# Installs the Debian packages that are not installed yet.
deps:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKAIROS_WERROR=ON \
	  -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=16

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# Runs the shipped expansion playbook over the shipped example export; builds
# only the kairos binary (the tests are built by `make test`).
demo: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS) --target kairos
	$(BUILD)/kairos run playbooks/expansion.play --data examples/customers.csv \
	  --as-of 2026-01-15 --output csv --out $(BUILD)/demo.csv
	@echo; echo "first actions ($(BUILD)/demo.csv):"; head -n 12 $(BUILD)/demo.csv

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	$(MAKE) --no-print-directory test-sanitize

# The sanitizer build is a second full build, so it is made cheap to compile:
# unoptimized (-O0 compiles in half the time of -O1, and GCC's -O1 flow
# analysis under ASan reports a false -Wmaybe-uninitialized in Boost's
# property_tree), line tables only for the reports (-g1), and a unity build
# of the libraries and the CLI, which parse the heavy headers (CLI11,
# nlohmann/json, yaml-cpp, fmt) once per batch of sources instead of once
# per source. The tests stay one file per translation unit.
test-sanitize: deps $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:malloc_context_size=8 \
	  UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS)

$(ASAN_BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DKAIROS_WERROR=ON \
	  -DKAIROS_SANITIZE=ON -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=16

# Installs what the fuzz build needs beyond `deps`: clang and its runtimes.
fuzz-deps: deps
	@missing=$$(for p in $(FUZZ_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

$(FUZZ_BUILD)/CMakeCache.txt: | fuzz-deps
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DKAIROS_FUZZ=ON -DKAIROS_TESTS=OFF

# One target at a time; the corpora grow in FUZZ_BUILD/corpus, findings land
# in FUZZ_BUILD/artifacts/TARGET/ and the output in FUZZ_BUILD/logs/TARGET.log.
# Memory is capped by ASan's hard_rss_limit_mb (an abort, so the input is
# saved) rather than libFuzzer's -rss_limit_mb, whose heap profile can take
# longer than the run; `timeout` guards against anything else that hangs.
fuzz: fuzz-deps $(FUZZ_BUILD)/CMakeCache.txt
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_targets
	python3 tests/fuzz/make_corpus.py $(FUZZ_BUILD)/corpus
	@failed=; for t in $(FUZZ_TARGETS); do \
	  case $$t in fuzz_parser|fuzz_run) dict=play.dict;; fuzz_schema|fuzz_test_file) dict=schema.dict;; *) dict=data.dict;; esac; \
	  case $$t in fuzz_csv|fuzz_jsonl) max_len=$(FUZZ_DATA_MAX_LEN);; *) max_len=$(FUZZ_MAX_LEN);; esac; \
	  dirs=$(FUZZ_BUILD)/corpus/$$t; \
	  for d in tests/fuzz/seeds/$$t tests/fuzz/regressions/$$t; do [ -d $$d ] && dirs="$$dirs $$d"; done; \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$t $(FUZZ_BUILD)/artifacts/$$t $(FUZZ_BUILD)/logs; \
	  echo "== $$t: $(FUZZ_SECONDS) s"; \
	  if ASAN_OPTIONS=hard_rss_limit_mb=2048:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	     timeout -k 30 $$(( $(FUZZ_SECONDS) + 600 )) \
	     $(FUZZ_BUILD)/tests/fuzz/$$t $$dirs -dict=tests/fuzz/$$dict -max_total_time=$(FUZZ_SECONDS) \
	       -max_len=$$max_len -timeout=20 -rss_limit_mb=0 -malloc_limit_mb=2048 -print_final_stats=1 \
	       -artifact_prefix=$(FUZZ_BUILD)/artifacts/$$t/ > $(FUZZ_BUILD)/logs/$$t.log 2>&1; then \
	    grep -E '^Done|stat::number_of_executed_units|stat::peak_rss_mb' $(FUZZ_BUILD)/logs/$$t.log; \
	  else \
	    tail -n 40 $(FUZZ_BUILD)/logs/$$t.log; failed="$$failed $$t"; \
	  fi; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: findings in:$$failed (see $(FUZZ_BUILD)/artifacts/)"; exit 1; fi; \
	echo "fuzz: no findings in $(FUZZ_TARGETS)"

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)

# Benchmarks: a release build of its own, then bench/run.sh (never part of test).
bench: deps
	@missing=$$(dpkg-query -W -f='$${Status}\n' libbenchmark-dev 2>/dev/null | grep -q '^install ok installed' || echo libbenchmark-dev; \
	  command -v npm > /dev/null || echo nodejs npm); \
	if [ -n "$$missing" ]; then \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DKAIROS_BENCH=ON -DKAIROS_TESTS=OFF
	cmake --build build-bench -j $(JOBS) --target kairos eval_bench
	bench/run.sh
