# Two commands: `make demo` and `make test`. Everything else is a step they call.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000

.PHONY: demo test venv app-deps test-deps build check clean

$(BIN)/carriere: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

venv: $(BIN)/carriere

check: venv
	$(BIN)/carriere check

build: venv
	$(BIN)/carriere build

app-deps:
	bash scripts/install-app-deps.sh

demo: venv app-deps
	$(BIN)/carriere demo --port $(PORT)

test-deps: venv app-deps
	bash scripts/install-test-deps.sh

test: test-deps
	bash scripts/run-tests.sh

clean:
	rm -rf build instance
