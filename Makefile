# mxrights: the two commands are `make reproduce` and `make test`.
# Both build .venv from requirements-lock.txt with plain venv + pip when it is missing or stale.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)
ARGS   ?=

.PHONY: reproduce test venv verify clean bench chromium

venv: $(STAMP)

$(STAMP): requirements-lock.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-lock.txt
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name mxrights --display-name "Python (mxrights)" >/dev/null
	@touch $(STAMP)

verify: $(STAMP)
	$(VENV)/bin/mxrights data verify

reproduce: $(STAMP)
	@$(VENV)/bin/mxrights reproduce --jobs $(JOBS) $(ARGS)

test: $(STAMP)
	$(VENV)/bin/mxrights data verify
	$(VENV)/bin/frictionless validate datapackage.json
	$(VENV)/bin/mxrights stale
	$(PY) -m pytest tests
	@$(PY) -m pytest --nbval-lax --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg -p no:cacheprovider notebooks/ \
	  || { echo "nbval: a notebook's stored outputs differ from a fresh run. If you changed the data, the library or a notebook, refresh them with: $(VENV)/bin/mxrights notebooks (then commit the notebooks)" >&2; exit 1; }

bench: $(STAMP)
	$(PY) benchmarks/bench_reproduce.py

clean:
	rm -rf reports/executed reports/html reports/screenshots reports/.build-manifest.json
