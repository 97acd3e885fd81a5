# make test       install missing system packages (as root), build, run the whole suite
# make playground run the local control plane + controller and show the flow
# make bench      the API server double under load (10,000 objects, 100 watches)
SWIFT ?= swift
APT_PACKAGES := libcurl4-openssl-dev libssl-dev pkg-config

.PHONY: deps build test playground bench clean

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "missing system packages:$$missing"; echo "run: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

build: deps
	$(SWIFT) build

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

playground: deps
	$(SWIFT) build --product gitops-identity
	$(SWIFT) run gitops-identity playground

bench: deps
	$(SWIFT) build -c release --product kubesim-bench
	.build/release/kubesim-bench

clean:
	rm -rf .build
