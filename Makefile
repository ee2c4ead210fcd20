# One task runner. `make run` and `make test` work as the first command on a fresh clone.
PYTHON ?= python3
VENV   ?= .venv
TORCH  ?= torch==2.13.0
HOST   ?= 127.0.0.1
PORT   ?= 8501
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed

export HF_HUB_OFFLINE = 1
export TRANSFORMERS_OFFLINE = 1
export HF_DATASETS_OFFLINE = 1
export STREAMLIT_BROWSER_GATHER_USAGE_STATS = false

.PHONY: install model index run test lint bench bench-scale bench-milvus milvus browser clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first, as its CPU build: otherwise pip pulls a multi-GB CUDA build for sentence-transformers.
	$(PY) -m pip install --quiet "$(TORCH)"
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

model: install
	$(VENV)/bin/bronwijzer model

index: model
	$(VENV)/bin/bronwijzer index

run: index
	@echo "Bronwijzer: open http://$(HOST):$(PORT) in your browser (Ctrl+C stops)"
	$(PY) -m ui.serve --server.headless true --server.address $(HOST) \
		--server.port $(PORT) --browser.gatherUsageStats false

# A Milvus Lite server on 127.0.0.1:19530 in the foreground, for several processes at once (Ctrl+C stops):
# bronwijzer index|search --engine milvus --milvus-uri http://127.0.0.1:19530
MILVUS_DB      ?= .bronwijzer/milvus-server.db
MILVUS_ADDRESS ?= 127.0.0.1:19530
milvus: install
	$(PY) -m retrieval.index.milvus.serve --db $(MILVUS_DB) --address $(MILVUS_ADDRESS)

test: model
	$(PY) -m pytest -q

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy retrieval/index

bench: model
	$(PY) bench/encode.py
	$(PY) bench/latency.py

bench-scale: model
	$(PY) -m pytest -q -m scale
	$(PY) bench/scale.py

bench-milvus: model
	$(PY) bench/milvus.py

# Debian's Chromium and ChromeDriver for the real-browser test (needs root or sudo).
browser:
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then \
		echo "chromium and chromedriver present"; else \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver; fi

clean:
	rm -rf $(VENV) .bronwijzer .pytest_cache test-output
