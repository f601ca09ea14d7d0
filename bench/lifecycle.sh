# The netpay lifecycle (section 7) and memory under the order bound (section 8) of
# bench/run.sh, which sources this file: its settings and helpers (start, stop, token_auth,
# cpu_ns, rss_kb, anon_kb, median, num, fmt) are used here. The measurements use
# bench/bare-actix's `lifecycle` driver; the method is in docs/benchmarks.md.

lifecycle_round() { # lifecycle_round sb|bare SECONDS → one JSON line
  local server=$1 c0 c1 result
  c0=$(cpu_ns "${PID[$server]}")
  if [[ $server == sb ]]; then
    result=$(taskset -c "$LOAD_CPU" "$LIFECYCLE" run --base "${URL[sb]}" --authorization "$LC_AUTH" \
      --seconds "$2" --concurrency $CONNECTIONS)
  else
    result=$(taskset -c "$LOAD_CPU" "$LIFECYCLE" run --base "${URL[bare]}" --bare \
      --seconds "$2" --concurrency $CONNECTIONS)
  fi
  c1=$(cpu_ns "${PID[$server]}")
  jq -c --argjson c0 "$c0" --argjson c1 "$c1" \
    '. + {serverCpuUsPerLifecycle: (($c1 - $c0) / .lifecycles / 1000)}' <<<"$result"
}

# 7. create (gateway, OPEN-ACCESS-TOKEN) → pay (control API) → payment notification at the
# merchant (the driver's own keep-alive sink) → query → partial refund, from CONNECTIONS
# workers; against bare actix-web, the same five HTTP round trips made by the driver. Warm-up,
# then ROUNDS rounds interleaved; server CPU per lifecycle from schedstat.
lifecycle_measure() {
  log "netpay lifecycle: the sandbox and the bare actix-web server on CPU $SERVER_CPU"
  start sb "$SERVER_CPU" "$SB" --port 0 --log-level warn "${CLOCK[@]}"
  start bare "$SERVER_CPU" "$TOOLS/bare-actix" --port 0
  LC_AUTH=$(token_auth "${URL[sb]}")
  local server r
  for server in sb bare; do
    log "warm-up lifecycle $server (${WARMUP}s)"
    lifecycle_round $server "$WARMUP" >/dev/null
  done
  for r in $(seq 1 "$ROUNDS"); do
    for server in sb bare; do
      log "round $r/$ROUNDS lifecycle $server (${DURATION}s)"
      lifecycle_round $server "$DURATION" >>"$WORK/lifecycle_$server.jsonl"
    done
  done
  stop sb; stop bare
}

# 8. RSS after 10k…100k orders created and paid (each payment notification delivered to the
# sink): with the default --order-retention (10 000) and with 100 — notifications kept up to
# the default --notification-retention (10 000) — and with 100 and no settled notification
# kept, which leaves the orders alone.
order_memory_measure() {
  local bounds retention notifications auth done_n n
  start sink "$LOAD_CPU" "$TOOLS/sink" --port 0
  for bounds in 10000:10000 100:10000 100:0; do
    retention=${bounds%:*} notifications=${bounds#*:}
    log "memory with --order-retention $retention --notification-retention $notifications"
    start sb "$SERVER_CPU" "$SB" --port 0 --log-level warn "${CLOCK[@]}" \
      --callback-url "${URL[sink]}/notify" --order-retention $retention \
      --notification-retention $notifications
    auth=$(token_auth "${URL[sb]}")
    done_n=0
    for n in 10000 20000 50000 100000; do
      taskset -c "$LOAD_CPU" "$LIFECYCLE" orders --base "${URL[sb]}" --authorization "$auth" \
        --n $((n - done_n)) --concurrency $CONNECTIONS >/dev/null
      done_n=$n
      echo "{\"retention\":$retention,\"notificationRetention\":$notifications,\"orders\":$n,\"rssKb\":$(rss_kb "${PID[sb]}"),\"anonKb\":$(anon_kb "${PID[sb]}")}" >>"$WORK/order_memory.jsonl"
    done
    stop sb
  done
  stop sink
}

lm() { jq ".$2" "$WORK/lifecycle_$1.jsonl" | median; } # median over the rounds of one metric
omem() { # omem ORDER_RETENTION NOTIFICATION_RETENTION ORDERS → MB
  fmt "$(jq -s --argjson r "$1" --argjson nr "$2" --argjson n "$3" \
    '.[] | select(.retention == $r and .notificationRetention == $nr and .orders == $n) | .rssKb / 1024' \
    "$WORK/order_memory.jsonl")" 0
}
omem_steps() { # omem_steps ORDER_RETENTION NOTIFICATION_RETENTION → "a / b / c / d"
  echo "$(omem "$1" "$2" 10000) / $(omem "$1" "$2" 20000) / $(omem "$1" "$2" 50000) / $(omem "$1" "$2" 100000)"
}
omem_grow() { # omem_grow ORDER_RETENTION NOTIFICATION_RETENTION → per cent from 50k to 100k
  local from to
  from=$(jq -s --argjson r "$1" --argjson nr "$2" '.[] | select(.retention == $r and .notificationRetention == $nr and .orders == 50000) | .rssKb' "$WORK/order_memory.jsonl")
  to=$(jq -s --argjson r "$1" --argjson nr "$2" '.[] | select(.retention == $r and .notificationRetention == $nr and .orders == 100000) | .rssKb' "$WORK/order_memory.jsonl")
  fmt "$(num "($to - $from) * 100 / $from")" 1
}

# The report's rows 7 and 8.
lifecycle_rows() {
  local sb ba sb50 ba50 sb99 ba99 n50 n99 sbcpu bacpu
  sb=$(lm sb lifecyclesPerSec) ba=$(lm bare lifecyclesPerSec)
  sb50=$(lm sb p50Ms) ba50=$(lm bare p50Ms) sb99=$(lm sb p99Ms) ba99=$(lm bare p99Ms)
  n50=$(lm sb notifyP50Ms) n99=$(lm sb notifyP99Ms)
  sbcpu=$(lm sb serverCpuUsPerLifecycle) bacpu=$(lm bare serverCpuUsPerLifecycle)
  echo "| 7 | netpay lifecycle — create → pay → payment notification at the merchant → query → refund, 5 HTTP round trips — lifecycles/s ($CONNECTIONS at a time) | $(fmt "$sb" 0) | bare actix-web, the same 5 round trips: $(fmt "$ba" 0) | $(fmt "$(num "$sb / $ba")" 2) | — | — |"
  echo "| 7 | lifecycle p50 / p99 (pay sent → notification at the sink, p50 / p99) | $(fmt "$sb50" 2) / $(fmt "$sb99" 2) ms ($(fmt "$n50" 2) / $(fmt "$n99" 2) ms) | bare $(fmt "$ba50" 2) / $(fmt "$ba99" 2) ms | $(fmt "$(num "$sb50 / $ba50")" 2) / $(fmt "$(num "$sb99 / $ba99")" 2) | — | — |"
  echo "| 7 | server CPU per lifecycle (share of its CPU busy) | $(fmt "$sbcpu" 1) µs ($(fmt "$(num "$sbcpu * $sb / 10000")" 0) %) | bare $(fmt "$bacpu" 1) µs ($(fmt "$(num "$bacpu * $ba / 10000")" 0) %) | $(fmt "$(num "$sbcpu / $bacpu")" 2) | — | — |"
  echo "| 8 | RSS after 10k / 20k / 50k / 100k orders created and paid, notifications delivered (\`--order-retention\` and \`--notification-retention\` 10 000) | $(omem_steps 10000 10000) MB | \`--order-retention 100\`: $(omem_steps 100 10000) MB; and \`--notification-retention 0\`: $(omem_steps 100 0) MB | 50k → 100k: $(omem_grow 10000 10000) % / $(omem_grow 100 10000) % / $(omem_grow 100 0) % | — | — |"
}

# The report's raw lines of sections 7 and 8.
lifecycle_raw() {
  local server
  for server in sb bare; do sed "s/^/lifecycle_$server /" "$WORK/lifecycle_$server.jsonl"; done
  sed 's/^/order_memory /' "$WORK/order_memory.jsonl"
}
