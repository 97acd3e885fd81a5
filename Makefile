# make test       install missing system packages (as root), build, run the whole suite
# make playground run the local control plane + controller and show the flow
# make fuzz       every parser's seeded fuzzer, FUZZ_SECONDS each (release build)
# make libfuzzer  the same fuzzers under libFuzzer + ASan (own build tree), FUZZ_SECONDS each
# make soak       the chaos soak, SOAK_SECONDS of faults (SEED=… replays one)
# make bench      the API server double under load (10,000 objects, 100 watches)
SWIFT ?= swift
APT_PACKAGES := libcurl4-openssl-dev libssl-dev pkg-config

FUZZ_SECONDS ?= 30
SOAK_SECONDS ?= 120

.PHONY: deps build test playground bench clean fuzz libfuzzer soak

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

fuzz: deps
	$(SWIFT) build -c release --product fuzz
	.build/release/fuzz all --seconds $(FUZZ_SECONDS) $(if $(SEED),--seed $(SEED))

# Coverage-guided: every Swift module rebuilt with -sanitize=fuzzer,address in .build/libfuzzer;
# new inputs go to .build/libfuzzer/corpus/<target>, the committed seeds are read only.
FUZZ_TARGETS := kubeconfig watch-event status jwt jwks dexconfig rbac
libfuzzer: deps
	$(SWIFT) build --product fuzz --scratch-path .build/libfuzzer -Xswiftc -sanitize=fuzzer,address -Xswiftc -DLIBFUZZER
	@for t in $(FUZZ_TARGETS); do mkdir -p .build/libfuzzer/corpus/$$t; \
	  SWIFT_BACKTRACE=enable=no FUZZ_TARGET=$$t .build/libfuzzer/debug/fuzz -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    -artifact_prefix=.build/libfuzzer/crash-$$t- .build/libfuzzer/corpus/$$t Fuzz/corpus/$$t > .build/libfuzzer/$$t.log 2>&1; \
	  status=$$?; grep -E "stat::number_of_executed_units|stat::new_units_added" .build/libfuzzer/$$t.log | sed "s/^/$$t: /"; \
	  [ $$status -eq 0 ] || { tail -40 .build/libfuzzer/$$t.log; exit 1; }; \
	done

soak: deps
	$(SWIFT) build -c release --product soak
	.build/release/soak --duration $(SOAK_SECONDS) $(if $(SEED),--seed $(SEED))

bench: deps
	$(SWIFT) build -c release --product kubesim-bench
	.build/release/kubesim-bench

clean:
	rm -rf .build
