#!/usr/bin/env bash
# Runs the merchant examples (Python, Java) against the sandbox binary.
#
#   examples/run.sh            # both
#   examples/run.sh python     # one of them
#
# The binary is $CHINAUMS_MOCK_BIN, default ${CARGO_TARGET_DIR:-target}/debug/chinaums-mock,
# built with `cargo build` when missing. Exits non-zero if any example fails.
set -euo pipefail
cd "$(dirname "$0")/.."

default_bin="${CARGO_TARGET_DIR:-target}/debug/chinaums-mock"
bin="${CHINAUMS_MOCK_BIN:-$default_bin}"
if [[ ! -x "$bin" && -z "${CHINAUMS_MOCK_BIN:-}" ]]; then
  echo "==> building $bin"
  cargo build --bin chinaums-mock
fi
if [[ ! -x "$bin" ]]; then
  echo "error: no sandbox binary at $bin (set CHINAUMS_MOCK_BIN or run cargo build)" >&2
  exit 2
fi
# Absolute, so the examples find it whatever they resolve relative paths against.
CHINAUMS_MOCK_BIN="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
export CHINAUMS_MOCK_BIN

run_python() {
  command -v python3 >/dev/null || { echo "error: python3 (3.8+) not found" >&2; return 1; }
  python3 -m unittest examples/python/test_chinaums_sandbox.py -v
}

run_java() {
  command -v java >/dev/null || { echo "error: java (JDK 17+) not found" >&2; return 1; }
  java examples/java/ChinaumsSandboxTest.java
}

examples=("$@")
[[ ${#examples[@]} -gt 0 ]] || examples=(python java)
failed=()
for example in "${examples[@]}"; do
  case "$example" in
    python | java) ;;
    *) echo "error: unknown example '$example' (python, java)" >&2; exit 2 ;;
  esac
  echo "==> examples/$example against $CHINAUMS_MOCK_BIN"
  if "run_$example"; then
    echo "==> examples/$example: passed"
  else
    echo "==> examples/$example: FAILED" >&2
    failed+=("$example")
  fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "==> failed: ${failed[*]}" >&2
  exit 1
fi
echo "==> all examples passed"
