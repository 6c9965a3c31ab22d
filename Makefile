# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.12
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean venv chromium

venv: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found; powerstruggle needs Python >= 3.12 (set PYTHON=/path/to/python3.12)"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' || { echo "error: $(PYTHON) is $$($(PYTHON) --version 2>&1); powerstruggle needs Python >= 3.12 (set PYTHON=...)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,viz]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/powerstruggle compare scenarios/historical.toml scenarios/no_appointment_power.toml scenarios/testament_published.toml scenarios/trotsky_mobilises_1924.toml scenarios/funeral_attended.toml scenarios/no_lenin_enrolment.toml --replicates 200 --seed 1 --out results/demo --force --plot

# The browser tests drive Debian's chromium (Playwright's own browser download is unreachable here).
chromium:
	@command -v chromium >/dev/null 2>&1 || (DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null 2>&1 || (apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null 2>&1)) || { echo "error: chromium is missing and 'apt-get install -y chromium' failed: install Debian's chromium package (the browser tests need it)"; exit 1; }

test: $(STAMP) chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check sim tests benchmarks
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_party.py
	$(BIN)/python benchmarks/bench_sweep.py

clean:
	rm -rf $(VENV) results .pytest_cache
