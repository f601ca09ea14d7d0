#!/usr/bin/env bash
# The token endpoint with and without the state database: `POST /v1/token/access` under wrk,
# with no persistence and with `--state-file state.sqlite` (every answer waits for its
# commit), in alternating rounds so that a busy moment of a shared machine weighs on both,
# and the ratio of the totals. Prints a Markdown table (see docs/benchmarks.md).
#
#   bench/persistence.sh            # uses target/debug/chinaums-mock (or CHINAUMS_MOCK_BIN)
#
# Settings (environment): BENCH_DURATION (s per run, 10), BENCH_ROUNDS (3),
# BENCH_CONNECTIONS (32).
# Needs wrk, jq and curl.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${CHINAUMS_MOCK_BIN:-$ROOT/target/debug/chinaums-mock}
DURATION=${BENCH_DURATION:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
ROUNDS=${BENCH_ROUNDS:-3}
APP=10037e6f66f2d0f901672aa27d690006
KEY=47ace12ae3b348fe93ab46cee97c6fde
CLOCK=(--clock-start 2026-11-25T12:00:00+08:00 --clock-frozen)
WORK=$(mktemp -d /tmp/chinaums-persist-bench.XXXXXX)
PID=
cleanup() {
  [[ -z $PID ]] || kill "$PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"$BIN" sign token --app-id $APP --app-key $KEY --timestamp 20261125120000 \
  --nonce 5f0e2a1c7b8d9e0f5d0c6ad9bd3a4f6f | jq -c .request | tr -d '\n' >"$WORK/body.json"

run() { # run LABEL [EXTRA ARGS…] → the requests per second
  "$BIN" --port 0 --log-level warn "${CLOCK[@]}" "${@:2}" >"$WORK/$1.out" 2>/dev/null &
  PID=$!
  local url=
  for _ in $(seq 100); do
    url=$(head -1 "$WORK/$1.out" 2>/dev/null | jq -r .url 2>/dev/null || true)
    [[ -n $url && $url != null ]] && break
    sleep 0.1
  done
  BODY_FILE=$WORK/body.json wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s "$ROOT/bench/post.lua" \
    "$url/v1/token/access" | sed -n 's/^WRK_JSON //p' >"$WORK/$1.json"
  kill "$PID"
  wait "$PID" 2>/dev/null || true
  PID=
  jq -r .rps "$WORK/$1.json"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

OFF_ALL=() ON_ALL=() RATIOS=() DETAILS=()
for round in $(seq "$ROUNDS"); do
  OFF=$(run off)
  # A new database each round: every round starts from the same state.
  rm -f "$WORK"/state.sqlite*
  ON=$(run on --state-file "$WORK/state.sqlite")
  OFF_ALL+=("$OFF") ON_ALL+=("$ON") RATIOS+=("$(ratio "$ON" "$OFF")")
  for label in off on; do
    DETAILS+=("<!-- round $round $label: $(cat "$WORK/$label.json") -->")
  done
done
sum() { printf '%s\n' "$@" | awk '{ s += $1 } END { printf "%.0f", s }'; }
OFF_SUM=$(sum "${OFF_ALL[@]}")
ON_SUM=$(sum "${ON_ALL[@]}")
echo "| token \`POST /v1/token/access\` | persistence off | database on | on / off |"
echo "|---|---|---|---|"
for i in "${!RATIOS[@]}"; do
  echo "| round $((i + 1)) (wrk -t1 -c$CONNECTIONS, ${DURATION} s each) | ${OFF_ALL[$i]} | ${ON_ALL[$i]} | ${RATIOS[$i]} |"
done
echo "| **all rounds** (mean req/s) | $((OFF_SUM / ROUNDS)) | $((ON_SUM / ROUNDS)) | **$(ratio "$ON_SUM" "$OFF_SUM")** |"
printf '%s\n' "${DETAILS[@]}"
