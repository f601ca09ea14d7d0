#!/usr/bin/env bash
# Benchmarks chinaums-mock against a bare actix-web handler and WireMock, on this machine, and
# prints a Markdown report (see docs/benchmarks.md for the method and the latest results).
#
#   bench/run.sh                    # report on stdout
#   bench/run.sh --update-docs      # also replace the results section of docs/benchmarks.md
#   bench/run.sh --only lifecycle   # the netpay lifecycle and order memory only (sections 7–8)
#
# Settings (environment): BENCH_DURATION (s per wrk round, 10), BENCH_ROUNDS (3),
# BENCH_WARMUP (s, 5), BENCH_STARTS (20), BENCH_SERVER_CPU (0), BENCH_LOAD_CPU (1),
# CARGO_TARGET_DIR (target/). Missing tools are installed with apt-get and npm (needs root or
# sudo): wrk, jq, curl, taskset, a Java runtime, npm and the npm package wiremock (with
# --only lifecycle: jq, curl and taskset).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
DURATION=${BENCH_DURATION:-10}
ROUNDS=${BENCH_ROUNDS:-3}
WARMUP=${BENCH_WARMUP:-5}
STARTS=${BENCH_STARTS:-20}
SERVER_CPU=${BENCH_SERVER_CPU:-0}
LOAD_CPU=${BENCH_LOAD_CPU:-1}
CONNECTIONS=32
WIREMOCK_VERSION=3.13.2
UPDATE_DOCS=false
ONLY=

# The fixture app, and a sandbox clock frozen at the time the pre-signed requests carry.
APP=10037e6f66f2d0f901672aa27d690006
KEY=47ace12ae3b348fe93ab46cee97c6fde
CLOCK=(--clock-start 2026-11-25T12:00:00+08:00 --clock-frozen)
SIGNED_AT=20261125120000

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

while [[ $# -gt 0 ]]; do
  case $1 in
    --update-docs) UPDATE_DOCS=true ;;
    --only) ONLY=${2:-}; shift ;;
    *) die "unknown argument: $1" ;;
  esac
  shift
done
[[ -z $ONLY || $ONLY == lifecycle ]] || die "--only takes lifecycle"
[[ -z $ONLY ]] || ! $UPDATE_DOCS || die "--update-docs writes the whole report: run without --only"

WORK=$(mktemp -d /tmp/chinaums-bench.XXXXXX)
declare -A PID URL
cleanup() {
  for name in "${!PID[@]}"; do stop "$name"; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------
# Tools
as_root() { if [[ $(id -u) == 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "run as root (or install: $*)"; fi; }
APT_UPDATED=false
apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found; install $* by hand"
  $APT_UPDATED || { as_root apt-get update -qq; APT_UPDATED=true; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
need() { command -v "$1" >/dev/null || { log "installing $2"; apt_install "$2"; }; }
need jq jq
need curl curl
need taskset util-linux
command -v cargo >/dev/null || die "cargo not found: install Rust (https://rustup.rs)"
if [[ -z $ONLY ]]; then
  need wrk wrk
  need java openjdk-17-jre-headless
  need npm npm
  JAR=$(ls "$(npm root -g)"/wiremock/build/wiremock-standalone-*.jar 2>/dev/null | head -n1 || true)
  if [[ -z $JAR || $JAR != *"$WIREMOCK_VERSION"* ]]; then
    log "installing the npm package wiremock@$WIREMOCK_VERSION"
    as_root npm install -g --silent "wiremock@$WIREMOCK_VERSION" >/dev/null
    JAR=$(ls "$(npm root -g)"/wiremock/build/wiremock-standalone-*.jar | head -n1)
  fi
fi
[[ $(nproc) -ge 2 ]] || die "needs 2 CPUs (server on one, load on the other)"

# ---------------------------------------------------------------------------------------------
# Build (release) the sandbox and the helpers: bare-actix (baseline), sink, drive and lifecycle
# (load drivers).
log "building the sandbox and the helpers (release)"
cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml" --target-dir "$TARGET"
cargo build --release --quiet --manifest-path "$BENCH/bare-actix/Cargo.toml" --target-dir "$TARGET/bench-tools"
SB=$TARGET/release/chinaums-mock
TOOLS=$TARGET/bench-tools/release
DRIVE=$TOOLS/drive
LIFECYCLE=$TOOLS/lifecycle

# ---------------------------------------------------------------------------------------------
# Processes. Servers run on SERVER_CPU, load generators (wrk, drive, sink) on LOAD_CPU.
start() { # start NAME CPU CMD… — CMD prints {"url":…} as its first stdout line
  local name=$1 cpu=$2; shift 2
  : >"$WORK/$name.out" # emptied here: the background redirection may come too late
  taskset -c "$cpu" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
  PID[$name]=$!
  for _ in $(seq 1 1000); do [[ -s $WORK/$name.out ]] && break; sleep 0.01; done
  URL[$name]=$(head -n1 "$WORK/$name.out" | jq -r .url 2>/dev/null || true)
  [[ -n ${URL[$name]} && ${URL[$name]} != null ]] || die "$name did not start: $(cat "$WORK/$name.err")"
}
start_wiremock() { # start_wiremock NAME CPU
  local name=$1 cpu=$2 port
  port=$($DRIVE free-port)
  mkdir -p "$WORK/wiremock" && cp -r "$BENCH/wiremock/." "$WORK/wiremock/"
  taskset -c "$cpu" java -jar "$JAR" --port "$port" --root-dir "$WORK/wiremock" --disable-banner \
    --max-request-journal-entries 1000 >"$WORK/$name.out" 2>&1 &
  PID[$name]=$!
  URL[$name]=http://127.0.0.1:$port
  for _ in $(seq 1 600); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "${URL[$name]}/__admin/health") == 200 ]] && return
    sleep 0.1
  done
  die "WireMock did not start"
}
stop() {
  local name=$1
  [[ -n ${PID[$name]:-} ]] || return 0
  kill "${PID[$name]}" 2>/dev/null || true
  wait "${PID[$name]}" 2>/dev/null || true
  unset "PID[$name]"
}
rss_kb() { awk '/^VmRSS:/{print $2}' "/proc/$1/status"; }
anon_kb() { awk '/^RssAnon:/{print $2}' "/proc/$1/status"; }
cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{s+=$1} END{printf "%.0f\n", s}'; }
median() { jq -s 'sort | if length == 0 then null else .[(length - 1) / 2 | floor] end'; }
# Sections 7 and 8, their rows and raw lines.
source "$BENCH/lifecycle.sh"

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "load average before: $LOAD_BEFORE"

# A token request signed for the frozen sandbox time: wrk posts it (1), and the lifecycle
# driver authenticates with the token it answers (7, 8).
"$SB" sign token --app-id $APP --app-key $KEY --timestamp $SIGNED_AT \
  --nonce 5f0e2a1c7b8d9e0f5d0c6ad9bd3a4f6f | jq -c .request | tr -d '\n' >"$WORK/token.json"
post() { curl -s -X POST -H 'content-type: application/json' "$@"; }
token_auth() { # token_auth URL → the gateway's Authorization header with a fresh token
  echo "OPEN-ACCESS-TOKEN AccessToken=$(post --data-binary @"$WORK/token.json" "$1/v1/token/access" | jq -r .accessToken)"
}

# Sections 1–6 (left out with --only lifecycle).
if [[ -z $ONLY ]]; then

# ---------------------------------------------------------------------------------------------
# 1–2. HTTP load: token endpoint and an OPEN-BODY-SIG business call, vs bare actix-web and WireMock.
printf '%s' '{"requestTimestamp":"2026-11-25 12:00:00","merOrderId":"3194202611250001","mid":"898201612345678","tid":"88880001","instMid":"MINIDEFAULT","totalAmount":1,"subAppId":"wx1234567890abcdef","subOpenId":"oMXJN5fYT4VCfmUQP8nl9oCHXQhM","tradeType":"MINI"}' >"$WORK/order.json"
BODY_SIG=$("$SB" sign body-sig --app-id $APP --app-key $KEY --timestamp $SIGNED_AT \
  --nonce 9e0f5d0c6ad9bd3a4f6f5f0e2a1c7b8d --body "$(cat "$WORK/order.json")" | jq -r .authorization)

log "starting the sandbox, the bare actix-web server and WireMock on CPU $SERVER_CPU"
start sb "$SERVER_CPU" "$SB" --port 0 --log-level warn "${CLOCK[@]}"
start bare "$SERVER_CPU" "$TOOLS/bare-actix" --port 0
start_wiremock wm "$SERVER_CPU"

[[ $(post --data-binary @"$WORK/token.json" "${URL[sb]}/v1/token/access" | jq -r .errCode) == 0000 ]] || die "the pre-signed token request is refused"
[[ $(post -H "authorization: $BODY_SIG" --data-binary @"$WORK/order.json" "${URL[sb]}/v1/netpay/wx/unified-order" | jq -r .errCode) == SUCCESS ]] || die "the pre-signed OPEN-BODY-SIG call is refused"
[[ $(post --data-binary @"$WORK/token.json" "${URL[wm]}/v1/token/access" | jq -r .errCode) == 0000 ]] || die "WireMock does not serve the token stub"
TOKEN_BYTES=$(post --data-binary @"$WORK/token.json" "${URL[sb]}/v1/token/access" | wc -c)
ORDER_BYTES=$(post -H "authorization: $BODY_SIG" --data-binary @"$WORK/order.json" "${URL[sb]}/v1/netpay/wx/unified-order" | wc -c)
BARE_TOKEN_BYTES=$(post --data-binary @"$WORK/token.json" "${URL[bare]}/v1/token/access" | wc -c)
BARE_ORDER_BYTES=$(post --data-binary @"$WORK/order.json" "${URL[bare]}/v1/netpay/wx/unified-order" | wc -c)

wrk_run() { # wrk_run SECONDS URL BODY [AUTHORIZATION] → one JSON line
  BODY_FILE=$3 AUTHORIZATION=${4:-} taskset -c "$LOAD_CPU" \
    wrk -t1 -c$CONNECTIONS -d"$1"s --latency -s "$BENCH/post.lua" "$2" | sed -n 's/^WRK_JSON //p'
}
declare -A CASE_URL CASE_BODY CASE_AUTH
CASES=(sb_token bare_token wm_token sb_sig bare_order)
CASE_URL=([sb_token]="${URL[sb]}/v1/token/access" [bare_token]="${URL[bare]}/v1/token/access"
  [wm_token]="${URL[wm]}/v1/token/access" [sb_sig]="${URL[sb]}/v1/netpay/wx/unified-order"
  [bare_order]="${URL[bare]}/v1/netpay/wx/unified-order")
CASE_BODY=([sb_token]=token [bare_token]=token [wm_token]=token [sb_sig]=order [bare_order]=order)
CASE_AUTH=([sb_sig]="$BODY_SIG")
for c in "${CASES[@]}"; do
  log "warm-up $c (${WARMUP}s)"
  wrk_run "$WARMUP" "${CASE_URL[$c]}" "$WORK/${CASE_BODY[$c]}.json" "${CASE_AUTH[$c]:-}" >/dev/null
done
# Rounds interleave the cases, so a disturbance on the machine spreads over all of them.
for r in $(seq 1 "$ROUNDS"); do
  for c in "${CASES[@]}"; do
    log "round $r/$ROUNDS $c (${DURATION}s)"
    wrk_run "$DURATION" "${CASE_URL[$c]}" "$WORK/${CASE_BODY[$c]}.json" "${CASE_AUTH[$c]:-}" >>"$WORK/$c.jsonl"
  done
done
for c in "${CASES[@]}"; do
  bad=$(jq -s 'map(.non2xx + .socketErrors) | add' "$WORK/$c.jsonl")
  [[ $bad == 0 ]] || die "$c: $bad non-2xx answers or socket errors"
done
m() { jq ".$2" "$WORK/$1.jsonl" | median; } # median over the rounds of one metric
RSS_SB_AFTER_LOAD=$(rss_kb "${PID[sb]}")
RSS_WM_AFTER_LOAD=$(rss_kb "${PID[wm]}")
stop sb; stop bare; stop wm

# ---------------------------------------------------------------------------------------------
# 3 and 6a. Start-up (spawn → first 200) and idle memory. Not pinned: each gets both CPUs.
log "start-up: $STARTS starts of the sandbox"
"$DRIVE" startup --runs "$STARTS" --ready listening --path /__mock/health -- \
  "$SB" --port 0 --log-level warn >"$WORK/start_sb.json"
log "start-up: $STARTS starts of WireMock"
mkdir -p "$WORK/wiremock" && cp -r "$BENCH/wiremock/." "$WORK/wiremock/"
"$DRIVE" startup --runs "$STARTS" --ready poll --path /__admin/health -- \
  java -jar "$JAR" --port '{port}' --root-dir "$WORK/wiremock" --disable-banner \
  --max-request-journal-entries 1000 >"$WORK/start_wm.json"

log "idle memory"
start sb "$SERVER_CPU" "$SB" --port 0 --log-level warn
curl -sf "${URL[sb]}/__mock/health" >/dev/null
sleep 2
IDLE_SB=$(rss_kb "${PID[sb]}") IDLE_SB_ANON=$(anon_kb "${PID[sb]}")
stop sb
start_wiremock wm "$SERVER_CPU"
sleep 2
IDLE_WM=$(rss_kb "${PID[wm]}") IDLE_WM_ANON=$(anon_kb "${PID[wm]}")
stop wm

# ---------------------------------------------------------------------------------------------
# 4. Notification delivery to a minimal keep-alive sink.
start sink "$LOAD_CPU" "$TOOLS/sink" --port 0
SINK=${URL[sink]}/notify
DELIVERY_RUNS=3
for r in $(seq 1 $DELIVERY_RUNS); do
  log "delivery $r/$DELIVERY_RUNS: 20 000 opens, delivered as they come"
  start sb "$SERVER_CPU" "$SB" --port 0 --log-level warn --callback-url "$SINK"
  c0=$(cpu_ns "${PID[sb]}")
  result=$(taskset -c "$LOAD_CPU" "$DRIVE" opens --base "${URL[sb]}" --app $APP --n 20000 --concurrency $CONNECTIONS --wait)
  c1=$(cpu_ns "${PID[sb]}")
  jq -c --argjson c0 "$c0" --argjson c1 "$c1" '. + {serverCpuUsPerNotification: (($c1 - $c0) / 20000 / 1000)}' \
    <<<"$result" >>"$WORK/e2e.jsonl"
  stop sb
  log "delivery $r/$DELIVERY_RUNS: a backlog of 20 000 parked notifications released at once"
  start sb "$SERVER_CPU" "$SB" --port 0 --log-level warn
  taskset -c "$LOAD_CPU" "$DRIVE" opens --base "${URL[sb]}" --app $APP --n 20000 --concurrency $CONNECTIONS \
    --release-to "$SINK" >>"$WORK/backlog.jsonl"
  stop sb
done
log "trigger → first attempt latency (200 sequential opens)"
start sb "$SERVER_CPU" "$SB" --port 0 --log-level warn
taskset -c "$LOAD_CPU" "$DRIVE" latency --base "${URL[sb]}" --app $APP --n 200 >"$WORK/latency.json"
stop sb

# ---------------------------------------------------------------------------------------------
# 5. The whole 24 h ladder for 1 000 notifications against a dead receiver, frozen clock.
log "settling 1 000 notifications through the 24 h ladder"
DEAD=$($DRIVE free-port)
start sb "$SERVER_CPU" "$SB" --port 0 --log-level warn "${CLOCK[@]}" --callback-url "http://127.0.0.1:$DEAD/notify"
taskset -c "$LOAD_CPU" "$DRIVE" opens --base "${URL[sb]}" --app $APP --n 1000 --concurrency 16 >/dev/null
post -d '{"seconds":0}' "${URL[sb]}/__mock/clock/advance" >/dev/null # first attempts done
SETTLE=$(post -w '\n%{time_total}' -d '{"seconds":86400}' "${URL[sb]}/__mock/clock/advance")
SETTLE_SECS=$(tail -n1 <<<"$SETTLE")
SETTLE_REPORT=$(head -n1 <<<"$SETTLE")
SETTLED=$(curl -s "${URL[sb]}/__mock/notifications?status=exhausted&limit=1000" \
  | jq -c '{exhausted: (.notifications | length), attempts: ([.notifications[].attempts | length] | add)}')
SETTLE_PENDING=$(curl -s "${URL[sb]}/__mock/notifications?status=pending&limit=1000" | jq '.notifications | length')
stop sb

# ---------------------------------------------------------------------------------------------
# 6b. Memory under the retention bounds: RSS after 10k…200k delivered notifications (each for a
# new user, so also 10k…200k authorisations), with the default notification retention (10 000)
# and with retention 0 (no settled notification kept: what grows then is not the notification
# store). Authorisations are bounded by --authorization-retention (10 000) in both runs.
for retention in 10000 0; do
  log "memory with --notification-retention $retention"
  start sb "$SERVER_CPU" "$SB" --port 0 --log-level warn --callback-url "$SINK" --notification-retention $retention
  done_n=0
  for n in 10000 20000 50000 100000 150000 200000; do
    taskset -c "$LOAD_CPU" "$DRIVE" opens --base "${URL[sb]}" --app $APP --n $((n - done_n)) \
      --concurrency $CONNECTIONS --wait >/dev/null
    done_n=$n
    echo "{\"retention\":$retention,\"notifications\":$n,\"rssKb\":$(rss_kb "${PID[sb]}"),\"anonKb\":$(anon_kb "${PID[sb]}")}" >>"$WORK/memory.jsonl"
  done
  stop sb
done
stop sink

fi # sections 1–6

# ---------------------------------------------------------------------------------------------
# 7–8. The netpay lifecycle against bare actix-web, and memory under the order bound
# (bench/lifecycle.sh).
lifecycle_measure
order_memory_measure
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------------------------------------
# Report.
log "writing the report"
num() { jq -n "$1"; }
fmt() { LC_ALL=C printf "%.${2:-1}f" "$1"; }
verdict() { [[ $(jq -n "$1") == true ]] && echo "**met**" || echo "**not met**"; }
mem() { jq -s --argjson r "$1" --argjson n "$2" '.[] | select(.retention == $r and .notifications == $n) | .rssKb' "$WORK/memory.jsonl"; }

if [[ -z $ONLY ]]; then
  SB_T_RPS=$(m sb_token rps) BA_T_RPS=$(m bare_token rps) WM_T_RPS=$(m wm_token rps)
  SB_T_P50=$(m sb_token p50Us) BA_T_P50=$(m bare_token p50Us) WM_T_P50=$(m wm_token p50Us)
  SB_T_P99=$(m sb_token p99Us) BA_T_P99=$(m bare_token p99Us) WM_T_P99=$(m wm_token p99Us)
  SB_S_RPS=$(m sb_sig rps) BA_O_RPS=$(m bare_order rps)
  SB_S_P50=$(m sb_sig p50Us) BA_O_P50=$(m bare_order p50Us)
  SB_S_P99=$(m sb_sig p99Us) BA_O_P99=$(m bare_order p99Us)
  ST_SB=$(jq .medianMs "$WORK/start_sb.json") ST_WM=$(jq .medianMs "$WORK/start_wm.json")
  E2E=$(jq .deliveriesPerSec "$WORK/e2e.jsonl" | median)
  E2E_CPU=$(jq .serverCpuUsPerNotification "$WORK/e2e.jsonl" | median)
  BACKLOG=$(jq .backlogDeliveriesPerSec "$WORK/backlog.jsonl" | median)
  LAT50=$(jq .p50Ms "$WORK/latency.json") LAT99=$(jq .p99Ms "$WORK/latency.json")
  M10=$(mem 10000 20000) M10_50=$(mem 10000 50000) M10_100=$(mem 10000 100000) M10_200=$(mem 10000 200000)
  M0=$(mem 0 20000) M0_50=$(mem 0 50000) M0_100=$(mem 0 100000) M0_200=$(mem 0 200000)
  GROW_20_100=$(num "($M10_100 - $M10) * 100 / $M10")
  GROW_100_200=$(num "($M10_200 - $M10_100) * 100 / $M10_100")
  GROW_50_200=$(num "($M10_200 - $M10_50) * 100 / $M10_50")
fi

REPORT=$WORK/report.md
{
  echo "Run of \`bench/run.sh${ONLY:+ --only $ONLY}\` on $(date -u '+%Y-%m-%d %H:%M UTC'), commit \`$(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- src Cargo.toml Cargo.lock || echo '+changes')\`."
  echo
  echo "**Machine:** $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, Linux $(uname -r). Load average (1/5/15 min) $LOAD_BEFORE before, $LOAD_AFTER after."
  echo
  startup_note=" Start-up is measured unpinned (both CPUs for each process)."
  [[ -z $ONLY ]] || startup_note=
  echo "**Layout:** servers pinned to CPU $SERVER_CPU, load generators (wrk, the drivers, the notification sink) to CPU $LOAD_CPU (\`taskset\`).$startup_note The sandbox runs with its defaults (one HTTP worker per available CPU, so one) and \`--log-level warn\`; full signature checks, the request journal and the token cap are on."
  echo
  if [[ -z $ONLY ]]; then
    echo "**Tools:** $(wrk -v 2>&1 | head -n1 | cut -d' ' -f1-2), WireMock $WIREMOCK_VERSION (npm \`wiremock\`, jar run as \`java -jar\`, default JVM settings, \`--max-request-journal-entries 1000\`) on $(java -version 2>&1 | head -n1), $(rustc -V | cut -d' ' -f1-2), $("$SB" --version)."
    echo
    echo "**Load:** \`wrk -t1 -c$CONNECTIONS -d${DURATION}s --latency\` with \`bench/post.lua\`, ${WARMUP} s warm-up per case, $ROUNDS rounds interleaved across cases; medians of the rounds."
  else
    echo "**Tools:** $(rustc -V | cut -d' ' -f1-2), $("$SB" --version)."
  fi
  echo
  echo "**Lifecycle load:** \`bench/bare-actix\`'s \`lifecycle\` driver, $CONNECTIONS lifecycles at a time, ${WARMUP} s warm-up per case, $ROUNDS rounds of ${DURATION} s interleaved; medians of the rounds."
  echo
  echo "| # | measure | chinaums-mock | reference | ratio | target | verdict |"
  echo "|---|---|---|---|---|---|---|"
  if [[ -z $ONLY ]]; then
    echo "| 1 | token \`POST /v1/token/access\`, req/s | $(fmt "$SB_T_RPS" 0) | bare actix-web $(fmt "$BA_T_RPS" 0) | $(fmt "$(num "$SB_T_RPS / $BA_T_RPS")" 2) | — | — |"
    echo "| 1 | token, p50 / p99 latency | $(fmt "$(num "$SB_T_P50/1000")" 2) / $(fmt "$(num "$SB_T_P99/1000")" 2) ms | bare $(fmt "$(num "$BA_T_P50/1000")" 2) / $(fmt "$(num "$BA_T_P99/1000")" 2) ms | $(fmt "$(num "$SB_T_P50 / $BA_T_P50")" 2) / $(fmt "$(num "$SB_T_P99 / $BA_T_P99")" 2) | — | — |"
    echo "| 1 | OPEN-BODY-SIG \`POST /v1/netpay/wx/unified-order\` (netpay simulation), req/s | $(fmt "$SB_S_RPS" 0) | bare actix-web $(fmt "$BA_O_RPS" 0) | $(fmt "$(num "$SB_S_RPS / $BA_O_RPS")" 2) | — | — |"
    echo "| 1 | OPEN-BODY-SIG, p50 / p99 latency | $(fmt "$(num "$SB_S_P50/1000")" 2) / $(fmt "$(num "$SB_S_P99/1000")" 2) ms | bare $(fmt "$(num "$BA_O_P50/1000")" 2) / $(fmt "$(num "$BA_O_P99/1000")" 2) ms | $(fmt "$(num "$SB_S_P50 / $BA_O_P50")" 2) / $(fmt "$(num "$SB_S_P99 / $BA_O_P99")" 2) | — | — |"
    echo "| 2 | token vs WireMock, req/s | $(fmt "$SB_T_RPS" 0) | WireMock $(fmt "$WM_T_RPS" 0) | $(fmt "$(num "$SB_T_RPS / $WM_T_RPS")" 1)× | — | — |"
    echo "| 2 | token vs WireMock, p99 latency | $(fmt "$(num "$SB_T_P99/1000")" 2) ms | WireMock $(fmt "$(num "$WM_T_P99/1000")" 2) ms (p50 $(fmt "$(num "$WM_T_P50/1000")" 2)) | $(fmt "$(num "$SB_T_P99 / $WM_T_P99")" 3) | ≤ 0.25 | $(verdict "$SB_T_P99 <= $WM_T_P99 / 4") |"
    echo "| 3 | start → first healthy 200, median of $STARTS | $(fmt "$ST_SB" 1) ms | WireMock $(fmt "$ST_WM" 0) ms | 1/$(fmt "$(num "$ST_WM / $ST_SB")" 0) | < 20 ms and ≤ 1/40 | $(verdict "$ST_SB < 20 and $ST_SB <= $ST_WM / 40") |"
    echo "| 4 | delivery of 20 000 opens as they come (opens and deliveries share the server CPU), deliveries/s | $(fmt "$E2E" 0) | server CPU $(fmt "$E2E_CPU" 1) µs per open + delivery | — | ≥ 20 000/s | $(verdict "$E2E >= 20000") |"
    echo "| 4 | delivery of a 20 000-notification backlog, deliveries/s | $(fmt "$BACKLOG" 0) | — | — | ≥ 20 000/s | $(verdict "$BACKLOG >= 20000") |"
    echo "| 4 | trigger → first attempt at the sink, p50 / p99 (200 sequential opens) | $(fmt "$LAT50" 2) / $(fmt "$LAT99" 2) ms | — | — | — | — |"
    echo "| 5 | 1 000 notifications × 24 h ladder, dead receiver: one \`clock/advance 86400\` | $(fmt "$SETTLE_SECS" 2) s; $(jq -r '"\(.attempts) attempts, \(.exhausted) exhausted"' <<<"$SETTLED"), $SETTLE_PENDING pending | — | — | < 3 s, 30 000 / 1 000 | $(verdict "$SETTLE_SECS < 3 and $(jq '.attempts == 30000 and .exhausted == 1000' <<<"$SETTLED")") |"
    echo "| 6 | idle RSS (VmRSS) | $(fmt "$(num "$IDLE_SB/1024")" 1) MB (anonymous $(fmt "$(num "$IDLE_SB_ANON/1024")" 1) MB) | WireMock $(fmt "$(num "$IDLE_WM/1024")" 0) MB (anonymous $(fmt "$(num "$IDLE_WM_ANON/1024")" 0) MB) | 1/$(fmt "$(num "$IDLE_WM / $IDLE_SB")" 0) (anonymous 1/$(fmt "$(num "$IDLE_WM_ANON / $IDLE_SB_ANON")" 0)) | < 15 MB and ≤ 1/40 | < 15 MB $(verdict "$IDLE_SB < 15360"), ≤ 1/40 $(verdict "$IDLE_SB <= $IDLE_WM / 40") |"
    echo "| 6 | RSS after 20k / 50k / 100k / 200k delivered notifications for new users (notification and authorisation retention 10 000) | $(fmt "$(num "$M10/1024")" 0) / $(fmt "$(num "$M10_50/1024")" 0) / $(fmt "$(num "$M10_100/1024")" 0) / $(fmt "$(num "$M10_200/1024")" 0) MB | notification retention 0: $(fmt "$(num "$M0/1024")" 0) / $(fmt "$(num "$M0_50/1024")" 0) / $(fmt "$(num "$M0_100/1024")" 0) / $(fmt "$(num "$M0_200/1024")" 0) MB | 20k → 100k: $(fmt "$GROW_20_100" 1) %, 50k → 200k: $(fmt "$GROW_50_200" 2) % | flat once the bounds are full (50k → 200k within 2 %) | $(verdict "$M10_200 <= 1.02 * $M10_50") |"
  fi
  lifecycle_rows
  echo
  if [[ -z $ONLY ]]; then
    echo "Response sizes: token $TOKEN_BYTES B (bare $BARE_TOKEN_BYTES B), unified order $ORDER_BYTES B (bare $BARE_ORDER_BYTES B). RSS after the load rounds: sandbox $(fmt "$(num "$RSS_SB_AFTER_LOAD/1024")" 1) MB, WireMock $(fmt "$(num "$RSS_WM_AFTER_LOAD/1024")" 0) MB. Settle answer: \`$SETTLE_REPORT\`."
    echo
  fi
  echo "<details><summary>Raw numbers</summary>"
  echo
  echo '```text'
  if [[ -z $ONLY ]]; then
    for c in "${CASES[@]}"; do sed "s/^/$c /" "$WORK/$c.jsonl"; done
    echo "start_sb $(jq -c . "$WORK/start_sb.json")"
    echo "start_wm $(jq -c . "$WORK/start_wm.json")"
    echo "idle_rss_kb sb=$IDLE_SB (anon $IDLE_SB_ANON) wm=$IDLE_WM (anon $IDLE_WM_ANON)"
    sed 's/^/delivery_e2e /' "$WORK/e2e.jsonl"
    sed 's/^/delivery_backlog /' "$WORK/backlog.jsonl"
    echo "latency $(jq -c . "$WORK/latency.json")"
    echo "settle ${SETTLE_SECS}s $SETTLE_REPORT $SETTLED pending=$SETTLE_PENDING"
    sed 's/^/memory /' "$WORK/memory.jsonl"
  fi
  lifecycle_raw
  echo '```'
  echo
  echo "</details>"
} >"$REPORT"

cat "$REPORT"
if $UPDATE_DOCS; then
  DOC=$ROOT/docs/benchmarks.md
  grep -q '<!-- results:begin -->' "$DOC" || die "$DOC has no <!-- results:begin --> marker"
  awk -v report="$REPORT" '
    /<!-- results:begin -->/ { print; while ((getline line < report) > 0) print line; skip = 1; next }
    /<!-- results:end -->/ { skip = 0 }
    !skip { print }' "$DOC" >"$WORK/doc.md"
  cp "$WORK/doc.md" "$DOC"
  log "updated $DOC"
fi
