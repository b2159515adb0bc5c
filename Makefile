# Two commands on a fresh Debian 12 machine: `make demo` and `make test`.
# Both install what is missing, configure with CMake and build into build/.

BUILD    ?= build
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
PACKAGES := g++ cmake make python3 tao-pegtl-dev libyaml-cpp-dev libfmt-dev \
            nlohmann-json3-dev libcli11-dev libboost-test-dev
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build demo test clean bench

all: build

# Installs the Debian packages that are not installed yet.
deps:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKAIROS_WERROR=ON

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# Runs the shipped expansion playbook over the shipped example export.
demo: build
	$(BUILD)/kairos run playbooks/expansion.play --data examples/customers.csv \
	  --as-of 2026-01-15 --output csv --out $(BUILD)/demo.csv
	@echo; echo "first actions ($(BUILD)/demo.csv):"; head -n 12 $(BUILD)/demo.csv

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

clean:
	rm -rf $(BUILD)

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
