# Tongfa — the two commands a fresh machine needs are `make demo` and `make test`.
GO        ?= go
BIN       := bin/tongfa
DEMO_DB   ?= postgres://127.0.0.1:5432/tongfa?sslmode=disable
REDIS_CLUSTER_PORT ?= 7000

.PHONY: all build services demo demo-cluster test test-short lint bench bench-logins bench-schedule fuzz clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/tongfa

# Start PostgreSQL and Redis if needed (installing them as root when
# missing) and create the tongfa and test databases.
services:
	./scripts/services.sh

# Build, prepare the services, migrate, seed the demo office and run the hub
# with the platform simulators. The console listens on TONGFA_LISTEN
# (default 127.0.0.1:8080), the simulators on TONGFA_SIM_LISTEN (default
# 127.0.0.1:8090); both may be given as variables: make demo
# TONGFA_LISTEN=127.0.0.1:9080 TONGFA_SIM_LISTEN=127.0.0.1:9090. The
# simulators keep their posts in bin/demo-sim.json, so published links
# still open after a restart. RESET_PASSWORDS=1 prints new passwords for
# the demo users of an office seeded before.
demo: build services bin/demo.key
	TONGFA_DATABASE_URL='$(DEMO_DB)' $(BIN) migrate
	TONGFA_DATABASE_URL='$(DEMO_DB)' TONGFA_SECRET_KEY=$$(cat bin/demo.key) TONGFA_LOG_FORMAT=text \
		$(BIN) demo --sim-state bin/demo-sim.json $(if $(filter-out 0,$(RESET_PASSWORDS)),--reset-passwords)

# The demo on a local Redis Cluster: six redis-server nodes on
# 127.0.0.1:7000-7005 (REDIS_CLUSTER_PORT), started unless they run; they
# keep running after the demo (scripts/redis-cluster.sh stop 7000).
demo-cluster: build services bin/demo.key
	TONGFA_DATABASE_URL='$(DEMO_DB)' $(BIN) migrate
	url=$$(./scripts/redis-cluster.sh start $(REDIS_CLUSTER_PORT) | sed -n 's/^TONGFA_REDIS_URL=//p') && test -n "$$url" && \
	TONGFA_REDIS_URL=$$url TONGFA_DATABASE_URL='$(DEMO_DB)' TONGFA_SECRET_KEY=$$(cat bin/demo.key) TONGFA_LOG_FORMAT=text $(BIN) demo

# The demo's key for platform credentials, made once (real deployments set
# TONGFA_SECRET_KEY from their secret store).
bin/demo.key:
	@mkdir -p bin
	@od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > $@

# The whole test suite against the local PostgreSQL and Redis; the Redis
# Cluster and Sentinel tests start their own redis-server processes on
# ports 7100-7199 (docs/testing.md).
#
# The two packages that take longest (about 15 minutes each under -race)
# are named first: go test starts packages in the order given, and with
# ./... alone web came last, after everything else had run beside the
# other one.
LONGEST := ./cmd/tongfa ./web
test: services
	$(GO) test -race -count=1 -timeout 28m $(LONGEST) $$($(GO) list ./... | grep -v -e '/cmd/tongfa$$' -e '/web$$')

test-short:
	$(GO) test -count=1 -short ./...

lint:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# 64 concurrent anonymous logins against a hub of its own (docs/benchmarks.md):
# fails above 400 MB resident or a 100 ms p99 of /healthz.
bench-logins: build services bin/demo.key
	psql -h 127.0.0.1 -d test -qc "DROP DATABASE IF EXISTS loginstorm" -c "CREATE DATABASE loginstorm"
	TONGFA_DATABASE_URL=postgres://127.0.0.1:5432/loginstorm TONGFA_REDIS_URL=redis://127.0.0.1:6379/9 \
		TONGFA_SECRET_KEY=$$(cat bin/demo.key) $(GO) run ./scripts/loginstorm -bin $(BIN) -clients 64 -duration 60s

# Delay from publish_at to the post on the simulators, 50 items × 4
# platforms (docs/benchmarks.md).
bench-schedule: services
	TONGFA_BENCH_SCHEDULE=1 $(GO) test ./cmd/tongfa -run TestScheduledDelayFigures -count=1 -v

clean:
	rm -rf bin
