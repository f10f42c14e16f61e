# xinfang — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: install demo serve migrate test lint bench bench-large clean

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
	@echo "系统地址: http://127.0.0.1:$(PORT)/  （Ctrl-C 停止）"
	$(PY) manage.py runserver 127.0.0.1:$(PORT) --noreload

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: install
	$(PY) bench/run.py

bench-large: install
	$(PY) bench/run.py --large

clean:
	rm -rf $(VENV) var .pytest_cache
