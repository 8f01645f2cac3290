# The two commands of the README: `make run` sets up and starts the program; `make test` sets up
# and passes every test. Setup installs only the Debian packages that are missing.
SHELL := /bin/bash
export GOTOOLCHAIN := local
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -ldflags "-X main.version=$(VERSION)"
STATICCHECK_VERSION := v0.8.2
BIN := $(CURDIR)/bin
# Every package but the root one (the only one that needs cgo and a GL driver).
NOCGO_PKGS = $(shell go list ./... | grep -v '^bhxhdesk$$')
FUZZTIME ?= 20s

.PHONY: all setup setup-build build run test test-go test-postgres smoke e2e test-windows package-windows lint bench bench-store bench-central fuzz screenshots clean

all: build

setup:
	@scripts/setup-debian.sh all

setup-build:
	@scripts/setup-debian.sh build

build: setup-build
	go build $(LDFLAGS) -o $(BIN)/bhxh-desk .
	CGO_ENABLED=0 go build $(LDFLAGS) -o $(BIN)/bhxh ./cmd/bhxh

run: build
	$(BIN)/bhxh-desk

# Unit, UI (Fyne's test driver) and command-line tests run without cgo, proving that only
# main.go needs it; the fuzzers' seed corpora run as ordinary tests. They run beside a
# throw-away PostgreSQL cluster (scripts/pg-test.sh), and the centre's tests run a second time
# with the centre on PostgreSQL (test-postgres: the conformance run of both stores). Then the
# real program starts on a virtual display and is driven through an office's day (e2e), and the
# Windows builds run under Wine. Each stage prints its time.
TIMED := scripts/timed.sh
test:
	@$(TIMED) setup $(MAKE) --no-print-directory setup
	@$(TIMED) build $(MAKE) --no-print-directory build
	@$(TIMED) test-go $(MAKE) --no-print-directory test-go
	@$(TIMED) test-postgres $(MAKE) --no-print-directory test-postgres
	@$(TIMED) smoke $(MAKE) --no-print-directory smoke
	@$(TIMED) e2e $(MAKE) --no-print-directory e2e
	@$(TIMED) test-windows $(MAKE) --no-print-directory test-windows

test-go:
	@scripts/setup-debian.sh postgres
	@scripts/setup-debian.sh test
	BHXH_BROWSER=required CGO_ENABLED=0 scripts/pg-test.sh go test -count=1 $(NOCGO_PKGS)
	# The benchmark's native SQLite peer (cgo) answers as the others do.
	CGO_ENABLED=1 go test -count=1 -tags sqlite_fts5 -run 'AnswersTheSame|UseTheirIndexes' ./internal/storebench/

# Every test of the centre, and of the desks that sync with it, on PostgreSQL (with a streaming
# standby for the replica reads of --db-read).
CENTRE_PKGS = ./central/... ./cmd/centrald/... ./sync/... ./desk/... ./citizen/...
test-postgres:
	@scripts/setup-debian.sh postgres
	CGO_ENABLED=0 BHXH_CENTRAL_STORE=postgres PG_TEST_STANDBY=1 scripts/pg-test.sh go test -count=1 $(CENTRE_PKGS)

smoke:
	scripts/smoke.sh $(BIN)/bhxh-desk

# The real program driven as its users would, at 1366×768 and 1024×768 (scripts/e2e.sh).
e2e: build
	@scripts/setup-debian.sh test
	scripts/e2e.sh $(BIN)

# Windows, proven under Wine 8 on this Debian machine (README "Windows"): the installer, the
# storage and command-line test binaries, the office flow, the desk signed in on a virtual
# display, install and uninstall.
test-windows:
	@scripts/setup-debian.sh windows
	scripts/wine/test.sh $(BIN)

# The Windows installer (bin/windows/bhxh-desk-VERSION.msi): see scripts/package-windows.sh.
package-windows:
	@scripts/setup-debian.sh windows
	scripts/package-windows.sh $(BIN)/windows

$(BIN)/staticcheck:
	GOBIN=$(BIN) go install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

lint: setup-build $(BIN)/staticcheck
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	go vet ./...
	$(BIN)/staticcheck ./...

# Quotes and validation, the PDFs (one cover, 1,000 covers), reading a 10,000-row XLSX, the whole
# import of it into a store, the office's reports and the citizen's page, each run BENCH_COUNT
# times, then the table of goals (scripts/benchtable) in bin/bench.md; before them the store
# against SQLite and the desk's responsiveness. `make readme-bench` puts the tables in the README.
BENCH_COUNT ?= 5
bench: bench-store bench-desk
	@scripts/setup-debian.sh test
	@mkdir -p $(BIN)
	set -o pipefail; { \
	  CGO_ENABLED=0 go test -run '^$$' -bench . -benchmem -count=$(BENCH_COUNT) ./app/ ./pdf/ ./sheet/ && \
	  CGO_ENABLED=0 go test -run '^$$' -bench Import10kXLSX -benchtime 1x -count=$(BENCH_COUNT) ./desk/ && \
	  CGO_ENABLED=0 go test -run '^$$' -bench OfficeReports20k -benchtime 3x -count=$(BENCH_COUNT) ./desk/ && \
	  BHXH_BROWSER=required CGO_ENABLED=0 go test -run '^$$' -bench DeclarationPageOn3G -benchtime 5x -count=1 ./citizen/ ; \
	} | tee $(BIN)/bench.txt
	CGO_ENABLED=0 go run ./scripts/benchtable < $(BIN)/bench.txt | tee $(BIN)/bench.md

# The central services under month-end load at national size (cmd/centralbench, README "The
# centre under month-end load"): 3 million people, 990 simulated desks and 10 real desk stores
# in 100 offices for 32 minutes — a 10-minute outage among them — on PostgreSQL (a
# throw-away cluster, two centrald processes) with the failures of CENTRALBENCH_FAILURES (a
# replica killed every 5 minutes, a PostgreSQL restart, the outage, then every desk
# reconnecting at once), then the same load on the embedded Badger store (one process, no
# failures). About 40 minutes each. Figures in $(BIN)/bench-central-*.json. A quick look:
# make bench-central CENTRALBENCH_ARGS="--persons 30000 --desks 40 --offices 20 --duration 2m --think 10s"
# CENTRALBENCH_FAILURES="--kill-every 30s --pg-restart-at 45s --outage-at 70s --outage 20s"
CENTRALBENCH_ARGS ?= --persons 3000000 --seed-offices 700 --offices 100 --desks 990 --real-desks 10 --duration 32m --think 830s
CENTRALBENCH_FAILURES ?= --kill-every 5m --kill-down 20s --pg-restart-at 13m --outage-at 17m --outage 10m
bench-central:
	@scripts/setup-debian.sh postgres
	CGO_ENABLED=0 go build -o $(BIN)/centralbench ./cmd/centralbench
	CGO_ENABLED=0 go build $(LDFLAGS) -o $(BIN)/centrald ./cmd/centrald
	scripts/pg-test.sh $(BIN)/centralbench --store postgres --centrald $(BIN)/centrald --replicas 2 $(CENTRALBENCH_ARGS) \
		$(CENTRALBENCH_FAILURES) --json $(BIN)/bench-central-postgres.json
	$(BIN)/centralbench --store badger $(CENTRALBENCH_ARGS) --json $(BIN)/bench-central-badger.json

# The store against native and pure-Go SQLite at 100,000 and 1,000,000 dossiers (cmd/storebench,
# README "Benchmarks"; built with cgo for the native peer). The data sets are made once (several
# minutes for a million) and cached in STOREBENCH_CACHE ($$TMPDIR/bhxh-storebench when empty);
# STOREBENCH_N picks other sizes, STOREBENCH_ARGS adds flags (--rounds, --opens, --strict).
STOREBENCH_N ?= 100000,1000000
bench-store:
	CGO_ENABLED=1 go build -tags sqlite_fts5 -o $(BIN)/storebench ./cmd/storebench
	@mkdir -p $(BIN)
	set -o pipefail; $(BIN)/storebench --n $(STOREBENCH_N) $(if $(STOREBENCH_CACHE),--cache $(STOREBENCH_CACHE)) $(STOREBENCH_ARGS) \
		| tee $(BIN)/bench-store.md

# The sync over an emulated poor link against PouchDB (README "Sync over a poor link"): needs
# root, node and npm; about 30 minutes. SYNCBENCH_ARGS go to `syncbench run`.
.PHONY: bench-sync
bench-sync:
	scripts/bench-sync.sh $(SYNCBENCH_ARGS)

# Runs every fuzzer for FUZZTIME each (the seeds already run in `make test`).
fuzz:
	@for pkg in ./app ./app/calendar; do \
	  for f in $$(go test -list 'Fuzz.*' $$pkg | grep ^Fuzz); do \
	    echo "== $$pkg $$f"; CGO_ENABLED=0 go test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

# Every main screen of the real program under Xvfb, in Vietnamese and one in English, from a
# demonstration office seeded with the command line (README "Desktop").
screenshots: build
	SHOTS_SCREEN=1366x768 scripts/screenshots.sh $(BIN) docs
	SHOTS_SCREEN=1024x768 scripts/screenshots.sh $(BIN) docs/1024x768
	CGO_ENABLED=0 go test -count=1 -run TestInARealBrowser ./citizen/ -args -shots $(CURDIR)/docs

# The desk's responsiveness (README "Desktop"): cold start of the real program under Xvfb to the
# first frame of its sign-in (target < 0.5 s), and the work queue of 100,000 dossiers opened,
# rendered and scrolled with Fyne's test driver (BHXH_QUEUE_N picks another size).
.PHONY: bench-desk
bench-desk: build
	scripts/bench-desk.sh $(BIN)
	CGO_ENABLED=0 go test -run '^$$' -bench BenchmarkQueue100k -benchtime 3x -count=1 ./ui/

# A Linux package (.tar.xz with the program, its .desktop entry and icon, and a Makefile that
# installs them) made by the `fyne` tool (fyne.io/tools, pinned) from FyneApp.toml; the
# program is built first with the version stamped. The Windows build is in the README.
FYNE_TOOLS_VERSION := v1.7.4
APP_BUILD := $(shell git rev-list --count HEAD 2>/dev/null || echo 1)
.PHONY: package
# The tool rewrites the FyneApp.toml it reads (its build number): the file is put back after.
package: setup-build
	GOBIN=$(BIN) go install fyne.io/tools/cmd/fyne@$(FYNE_TOOLS_VERSION)
	rm -rf $(BIN)/package && mkdir -p $(BIN)/package && cp FyneApp.toml $(BIN)/package/FyneApp.toml.kept
	go build -trimpath -ldflags "-s -w -X main.version=$(VERSION)" -o $(BIN)/package/bhxh-desk .
	cd $(BIN)/package && $(BIN)/fyne package --os linux --release --executable ./bhxh-desk --name bhxh-desk \
	  --app-id vn.bhxh.desk --app-build $(APP_BUILD) --icon $(CURDIR)/assets/icon.png --src $(CURDIR); \
	  status=$$?; cp $(BIN)/package/FyneApp.toml.kept $(CURDIR)/FyneApp.toml; exit $$status
	@ls -l $(BIN)/package/bhxh-desk.tar.xz

# The README's table of rule entries (section "Rules are data"), generated from assets/rules; a
# test in cmd/bhxh fails when it is stale.
# The README's benchmark tables from the last runs' output: bin/bench.md (make bench),
# bin/bench-store.md (make bench-store), bin/bench-sync.md (make bench-sync); a missing one is
# left as it is in the README.
.PHONY: readme-bench
readme-bench:
	@for t in bench bench-store bench-sync; do \
	  if [ -f $(BIN)/$$t.md ]; then scripts/readme-splice.sh $$t $(BIN)/$$t.md; else echo "readme-bench: no $(BIN)/$$t.md, $$t left as it was"; fi; \
	done

.PHONY: readme-rules
readme-rules:
	@mkdir -p $(BIN) && CGO_ENABLED=0 go run ./cmd/bhxh rules --markdown > $(BIN)/rules.md.tmp
	@awk 'BEGIN{skip=0} /<!-- rules:begin -->/{print; while ((getline line < "$(BIN)/rules.md.tmp") > 0) print line; skip=1; next} /<!-- rules:end -->/{skip=0} !skip{print}' README.md > README.md.tmp && mv README.md.tmp README.md
	@rm -f $(BIN)/rules.md.tmp

clean:
	rm -rf $(BIN)
