# tranchenet — the two commands of the README, and their parts.
SHELL := /bin/bash
GO ?= go
NETWORK := test-network/network.sh

.PHONY: demo test unit integration network deploy down clean status lint

## demo: bring the consortium up, deploy the chaincode, start one gateway app
## per bank, then run a whole deal's life through their REST APIs
## (test-network/cmd/demo); `make demo ASSET_CLASS=mortgage` (or leases) runs
## a deal of that class instead. It leaves everything running for you to try the
## API; run it again at will (fresh IDs each time); `make down` stops it all.
demo:
	$(NETWORK) up
	$(NETWORK) deploy
	$(NETWORK) gateways
	$(GO) run ./test-network/cmd/demo $(if $(ASSET_CLASS),-asset-class $(ASSET_CLASS))

## test: every test — unit, property and fuzz seeds, then integration on a real network.
test: lint unit integration

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...

unit:
	$(GO) test -count=1 ./...

# Integration tests start their own network in a temporary run folder on the
# fixed loopback ports, so packages run one at a time and no network from
# `make demo` may be running (make down first).
integration:
	@if [ -z "$$TRANCHENET_CONSORTIUM" ] && $(NETWORK) status 2>/dev/null | grep -q ' OK '; then \
	  echo "a test network is running (make down first, or set TRANCHENET_CONSORTIUM to a consortium on other ports)"; exit 1; fi
	$(NETWORK) binaries
	TRANCHENET_INTEGRATION=1 $(GO) test -count=1 -p 1 -timeout 80m -v -run '^TestIntegration' ./... 2>&1 | tee integration.out | grep -E '^(=== RUN|--- |PASS|FAIL|ok|panic)|_test.go' ; exit $${PIPESTATUS[0]}

network:
	$(NETWORK) up

deploy:
	$(NETWORK) deploy

status:
	$(NETWORK) status

down:
	$(NETWORK) down

clean:
	$(NETWORK) clean
