#!/usr/bin/env bash
# Schema-driven fuzzing of the control API: Schemathesis reads GET /__mock/openapi.json from a
# freshly started sandbox and checks every route for server errors and for answers that
# contradict the document (status codes, content types, response schemas, accepted and rejected
# inputs). Exits non-zero on any failure, or if the sandbox panicked or died.
#
#   scripts/schemathesis.sh                      # 50 examples per route, seed 1
#   MAX_EXAMPLES=500 SEED=7 scripts/schemathesis.sh
#   scripts/schemathesis.sh --include-path /__mock/apps   # extra arguments go to `schemathesis run`
#
# Needs python3 (with venv) and network access to PyPI on the first run.
set -euo pipefail
cd "$(dirname "$0")/.."

MAX_EXAMPLES="${MAX_EXAMPLES:-50}"
SEED="${SEED:-1}"
VENV="${SCHEMATHESIS_VENV:-.venv-schemathesis}"
TARGET="${CARGO_TARGET_DIR:-target}"
BIN="$TARGET/debug/chinaums-mock"

if [ ! -x "$VENV/bin/schemathesis" ]; then
  echo "installing Schemathesis into $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r scripts/schemathesis-requirements.txt
fi

cargo build --quiet --bin chinaums-mock

work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"$BIN" --port 0 --seed "$SEED" --log-level warn >"$work/stdout" 2>"$work/stderr" &
pid=$!

# The first stdout line is the `listening` event with the URL.
url=""
for _ in $(seq 1 300); do
  if [ -s "$work/stdout" ]; then
    url="$(head -n1 "$work/stdout" | python3 -c 'import json,sys; print(json.load(sys.stdin)["url"])')"
    break
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    cat "$work/stderr" >&2
    echo "the sandbox did not start" >&2
    exit 2
  fi
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "no listening line within 30 s" >&2
  exit 2
fi
echo "sandbox at $url" >&2

status=0
"$VENV/bin/schemathesis" --config-file scripts/schemathesis.toml run "$url/__mock/openapi.json" \
  --max-examples "$MAX_EXAMPLES" \
  --seed "$SEED" \
  --generation-database none \
  --request-timeout 30 \
  "$@" || status=$?

if grep -q "panicked" "$work/stderr"; then
  echo "the sandbox panicked:" >&2
  grep -A3 "panicked" "$work/stderr" >&2
  status=1
fi
if ! kill -0 "$pid" 2>/dev/null; then
  echo "the sandbox is no longer running" >&2
  status=1
fi
exit "$status"
