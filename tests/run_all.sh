#!/usr/bin/env bash
# `make test`: build the real index once into a temporary folder, run the tests and the two
# evaluation gates over it, and remove the folder afterwards, whatever the outcome. The
# developer's var/ (`make run`'s index, vector cache and database) is neither used nor touched.
# PY names the Python to run (default: python3).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-python3}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/assistant-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The product reads these (Config.from_env): the build and the gates use them as they are; the
# tests take the index through ASSISTANT_TEST_* (tests/conftest.py) and set the rest themselves.
export ASSISTANT_INDEX_DIR="$tmp/index" ASSISTANT_EMBED_CACHE_DIR="$tmp/embed-cache" ASSISTANT_DB="$tmp/feedback.sqlite3"
export ASSISTANT_TEST_INDEX_DIR="$ASSISTANT_INDEX_DIR" ASSISTANT_TEST_EMBED_CACHE_DIR="$ASSISTANT_EMBED_CACHE_DIR"

stage() {  # run a command, then say how long it took
    local start=$SECONDS
    "$@"
    echo "-- $((SECONDS - start)) s: $*" >&2
}

stage "$PY" -m assistant build
stage "$PY" -m pytest
stage "$PY" -m eval --gate
stage "$PY" -m eval --gate --gold eval/gold_new_texts.jsonl --thresholds eval/thresholds_new_texts.toml
