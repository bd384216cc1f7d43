VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LOCK := requirements-test.lock

.PHONY: demo test test-fast lint typecheck bench lock clean

# Everything installs from the hashed lock file; `make lock` regenerates it (README: upgrading).
$(STAMP): pyproject.toml $(LOCK)
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/plg demo

test: $(STAMP)
	sh scripts/ensure-test-tools.sh
	$(PY) -m pytest -n 2

# the inner loop: in parallel, without the slow whole-programme and packaging tests
test-fast: $(STAMP)
	$(PY) -m pytest -n 2 -q -m "not slow"

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: $(STAMP)
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) bench/vault.py
	$(PY) bench/report.py
	$(PY) bench/keys.py
	$(PY) bench/clean.py
	$(PY) bench/form.py

lock: $(STAMP)
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --extra formation --generate-hashes --universal \
		--python-version 3.11 --upgrade -o $(LOCK)

clean:
	rm -rf $(VENV) build dist
