# Two commands matter: `make run` (serve on the embedded reference data) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
UNIT_CACHE ?= $(CURDIR)/instance/unit-cache

# Find an interpreter >= 3.12 that really runs: pyenv shims answer `command -v` and then fail.
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	  $$p -c 'import sys; assert sys.version_info >= (3, 12)' 2>/dev/null && { echo $$p; exit 0; }; done; \
	  if command -v pyenv >/dev/null 2>&1; then for v in $$(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9])' | sort -rV); do \
	    p="$$(pyenv root)/versions/$$v/bin/python3"; $$p -c 'import sys; assert sys.version_info >= (3, 12)' 2>/dev/null && { echo $$p; exit 0; }; done; fi)

.PHONY: run test soak lint format bench clean container-test

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: need Python >= 3.12 (python3.12, python3.13 or a pyenv version)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@touch $@

# Each worker keeps its own metrics; prometheus_client merges them from a folder of their own. pint's
# parsed unit definitions are cached once here, before the workers start, so each loads them in 15 ms.
run: $(VENV)/.installed
	rm -rf instance/prometheus && mkdir -p instance/prometheus
	CLAIMCHECK_UNIT_CACHE=$(UNIT_CACHE) $(PY) -c 'import rules.units'
	PROMETHEUS_MULTIPROC_DIR=$(CURDIR)/instance/prometheus CLAIMCHECK_UNIT_CACHE=$(UNIT_CACHE) \
	$(VENV)/bin/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) --worker-class sync \
		--timeout 30 --graceful-timeout 20 --no-control-socket 'service:create_app()'

# Builds the Dockerfile on a local base image and runs it read-only (needs root; see the README).
container-test: $(VENV)/.installed
	scripts/container-test.sh

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: lint
	$(VENV)/bin/pytest

# The reliability suite's long variants: 1,000 fresh fuzz examples per operation, 60 s of load.
soak: $(VENV)/.installed
	CLAIMCHECK_FUZZ_EXAMPLES=1000 CLAIMCHECK_FUZZ_RANDOM=1 CLAIMCHECK_LOAD_SECONDS=60 CLAIMCHECK_FAULT_SECONDS=20 \
		$(VENV)/bin/pytest tests/test_fuzz.py tests/test_bad_inputs.py tests/test_load.py

bench: $(VENV)/.installed
	$(PY) -m benchmarks.run

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
