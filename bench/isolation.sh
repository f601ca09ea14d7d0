#!/usr/bin/env bash
# Measures how well apps are isolated from one another in the notification engine, on this
# machine, and prints the results as JSON lines (docs/benchmarks-isolation.md has the method
# and the latest figures):
#
#   (a) hanging merchant: 10 000 notifications due to a merchant that accepts connections and
#       never answers (5 s per-attempt timeout), then another app's notification: open request
#       sent → notification received by its merchant, over several tries.
#   (b) idle long-polls: POST /__mock/payscore/open throughput with no waiter, then with 2 000
#       long-poll waiters on other notifications, in the same run; the ratio of the medians.
#
#   bench/isolation.sh                       # both, against a release build of this tree
#   SB_BIN=/path/to/chinaums-mock bench/isolation.sh   # against another build (e.g. older)
#
# Settings (environment): ISO_CASES ("hanging waiters"), ISO_N (10000), ISO_TRIES (20), ISO_TIMEOUT_MS (5000),
# ISO_GIVE_UP_SECS (60), ISO_WAITERS (2000), ISO_SECONDS (5), ISO_ROUNDS (3),
# BENCH_SERVER_CPU (0), BENCH_LOAD_CPU (1), CARGO_TARGET_DIR (target/). Needs jq and taskset.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
SERVER_CPU=${BENCH_SERVER_CPU:-0}
LOAD_CPU=${BENCH_LOAD_CPU:-1}

log() { printf '[isolation %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
for tool in jq taskset cargo; do command -v $tool >/dev/null || die "$tool not found"; done
[[ $(nproc) -ge 2 ]] || die "needs 2 CPUs (server on one, load on the other)"
# One socket per waiter on both sides.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

log "building the sandbox and the helpers (release)"
if [[ -z ${SB_BIN:-} ]]; then
  cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml" --target-dir "$TARGET"
  SB_BIN=$TARGET/release/chinaums-mock
fi
cargo build --release --quiet --manifest-path "$BENCH/bare-actix/Cargo.toml" --target-dir "$TARGET/bench-tools"
ISO=$TARGET/bench-tools/release/isolation

WORK=$(mktemp -d /tmp/chinaums-isolation.XXXXXX)
SB_PID=
stop_sb() { [[ -n $SB_PID ]] && { kill "$SB_PID" 2>/dev/null || true; wait "$SB_PID" 2>/dev/null || true; }; SB_PID=; }
trap 'stop_sb; rm -rf "$WORK"' EXIT

# Starts the sandbox on SERVER_CPU, its clock frozen (what is due is due at once, nothing
# becomes due by itself); sets SB_URL.
start_sb() {
  : >"$WORK/sb.out"
  taskset -c "$SERVER_CPU" "$SB_BIN" --port 0 --log-level warn \
    --clock-start 2026-11-25T12:00:00+08:00 --clock-frozen "$@" >"$WORK/sb.out" 2>"$WORK/sb.err" &
  SB_PID=$!
  for _ in $(seq 1 1000); do [[ -s $WORK/sb.out ]] && break; sleep 0.01; done
  SB_URL=$(head -n1 "$WORK/sb.out" | jq -r .url)
  [[ -n $SB_URL && $SB_URL != null ]] || die "the sandbox did not start: $(cat "$WORK/sb.err")"
}

log "load average before: $(cut -d' ' -f1-3 /proc/loadavg); sandbox: $("$SB_BIN" --version)"

CASES=${ISO_CASES:-hanging waiters}
if [[ $CASES == *hanging* ]]; then
  log "(a) ${ISO_N:-10000} notifications due to a hanging merchant, then another app's"
  start_sb
  taskset -c "$LOAD_CPU" "$ISO" hanging --base "$SB_URL" --n "${ISO_N:-10000}" \
    --tries "${ISO_TRIES:-20}" --timeout-ms "${ISO_TIMEOUT_MS:-5000}" \
    --give-up-secs "${ISO_GIVE_UP_SECS:-60}" | jq -c '{case: "hanging"} + .'
  stop_sb
fi
if [[ $CASES == *waiters* ]]; then
  log "(b) open throughput with 0 and ${ISO_WAITERS:-2000} idle long-poll waiters"
  start_sb
  taskset -c "$LOAD_CPU" "$ISO" waiters --base "$SB_URL" --pid "$SB_PID" \
    --waiters "${ISO_WAITERS:-2000}" --seconds "${ISO_SECONDS:-5}" --rounds "${ISO_ROUNDS:-3}" \
    | jq -c '{case: "waiters"} + .'
  stop_sb
fi

log "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
