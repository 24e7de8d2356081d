# EventKiosk: `make run` serves the demo event; `make test` runs every test.
PORT ?= 8080
DATA ?= kiosk-data

HQ_PORT ?= 8090
HQ_DATA ?= hq-data

.PHONY: hq hq-stop run build release test test-swift test-browser test-package package deps deps-test deps-bench deps-package clean bench

deps:
	@scripts/deps.sh

deps-test:
	@scripts/deps.sh --test

deps-bench:
	@scripts/deps.sh --bench

deps-package:
	@scripts/deps.sh --package

build: deps
	swift build

release: deps
	swift build -c release

## Build in release mode and serve the demo event on port $(PORT).
run: release
	@echo "Starting EventKiosk on http://localhost:$(PORT)/ (data in $(DATA)/). Ctrl-C stops it."
	@echo "The admin PIN is printed below on the first start; set KIOSK_ADMIN_PIN to choose it."
	.build/release/kiosk serve --port $(PORT) --data $(DATA)

## The manufacturer's service on a local PostgreSQL cluster in $(HQ_DATA)/ (made the first time; Unix socket only).
hq: build
	@scripts/pg.sh start $(HQ_DATA) 5433
	@scripts/pg.sh createdb $(HQ_DATA) 5433 kiosk_hq
	@echo "kiosk-hq on http://localhost:$(HQ_PORT)/ (PostgreSQL in $(HQ_DATA)/; make hq-stop stops it). Ctrl-C stops the service."
	HQ_ADMIN_PASSWORD=$${HQ_ADMIN_PASSWORD:-demo-password} .build/debug/kiosk-hq serve --demo --port $(HQ_PORT) \
	  --postgres "postgres:///kiosk_hq?host=$(CURDIR)/$(HQ_DATA)&port=5433"

hq-stop:
	scripts/pg.sh stop $(HQ_DATA)

## Unit and HTTP tests (Swift), then the browser tests (headless Chromium).
test: deps-test test-swift test-browser

## kiosk-hq's tests run against a throwaway PostgreSQL that scripts/pg.sh starts around them and removes afterwards.
test-swift:
	swift build --build-tests
	swift build --product kiosk-hq
	scripts/pg.sh around -- swift test --skip-build

test-browser:
	swift build --product kiosk
	python3 -m pytest -q Tests/browser

## Release packages for a laptop without Swift: dist/eventkiosk-<version>-linux-<arch>.tar.gz and a .deb.
package: deps
	scripts/package.sh

## The packages tried for real: the tarball from any folder, the .deb in a clean Debian root (debootstrap, chroot).
test-package: deps-package package
	Tests/package/test_package.sh

clean:
	rm -rf .build .build_package dist

## Benchmarks against a release build (loopback only, bounded runs); prints a table.
bench: deps-bench release package
	python3 bench/bench.py
