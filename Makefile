# xinfang — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: install demo serve migrate worker test lint bench bench-large bench-throttle clean

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11（$(PYTHON)）"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo
	$(PY) manage.py collectstatic --noinput >/dev/null
	@$(PY) manage.py demo_logins
	@$(PY) manage.py import_jobs_recover
	@echo "系统地址: http://127.0.0.1:$(PORT)/  （后台任务服务已一并启动；Ctrl-C 同时停止两者）"
	@trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; trap 'exit 130' INT TERM HUP; \
	$(CHILD_GUARD) $(PY) manage.py db_worker --no-reload & worker=$$!; \
	$(CHILD_GUARD) $(PY) manage.py runserver 127.0.0.1:$(PORT) --noreload

# One task worker (imports, deadline sweeps; django-tasks' database backend), in the foreground. It first
# marks imports left running by a worker that died as 中断 (they left nothing behind). Production: systemd,
# docs/operations.md.
worker: migrate
	$(PY) manage.py import_jobs_recover
	$(PY) manage.py db_worker --no-reload

# The demo's worker and server get SIGTERM if make's shell dies without cleaning up (kill -9): neither outlives
# `make demo`. setpriv is util-linux (every Debian); without it the shell's trap alone stops the worker.
CHILD_GUARD := $(shell command -v setpriv >/dev/null 2>&1 && setpriv --pdeathsig TERM true 2>/dev/null && echo setpriv --pdeathsig TERM)

# Lint (ruff, mypy --strict), then the suite -- the suite runs even when lint fails, so the output always ends with
# pytest's summary line; the exit status is non-zero if either failed.
# Tests always use config.settings.test (the DJANGO_SETTINGS_MODULE exported above is for dev).
# DATABASE_URL=postgres://... runs the same suite on PostgreSQL (see test-pg).
test: install
	@lint=0; echo "$(VENV)/bin/ruff check ."; $(VENV)/bin/ruff check . || lint=$$?; \
	echo "$(VENV)/bin/mypy xinfang config"; \
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/mypy xinfang config || lint=$$?; \
	if [ $$lint -ne 0 ]; then echo "*** ruff check or mypy failed (exit $$lint); running the tests anyway"; fi; \
	echo "$(VENV)/bin/pytest -n 2 --dist loadfile $(PYTEST_ARGS)"; \
	DJANGO_SETTINGS_MODULE=config.settings.test PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
	  $(VENV)/bin/pytest -n 2 --dist loadfile $(PYTEST_ARGS) || exit $$?; \
	exit $$lint

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/mypy xinfang config

bench: install
	$(PY) bench/run.py

bench-large: install
	$(PY) bench/run.py --large

# The throttles on the database cache and on Redis (bench/throttle.py; starts its own redis-server).
bench-throttle: install
	$(PY) bench/throttle.py

.PHONY: test-pg ci

# The suite on a throwaway PostgreSQL cluster (started, used, stopped and deleted).
test-pg: install
	@dir=$$(mktemp -d "$${TMPDIR:-/tmp}/xinfang-pg.XXXXXX"); \
	trap 'scripts/pg-throwaway.sh stop "$$dir"' EXIT; trap 'exit 130' INT TERM HUP; \
	url=$$(PG_WATCH_PID=$$$$ scripts/pg-throwaway.sh start "$$dir") || exit 1; \
	echo "DATABASE_URL=$$url"; \
	DATABASE_URL="$$url" $(MAKE) --no-print-directory test

# What CI runs on a fresh clone: installs missing packages, then the suite on SQLite and PostgreSQL.
ci:
	.ci/run

clean:
	rm -rf $(VENV) var .pytest_cache
