#!/usr/bin/env bash
# Runs test_sandbox.py against Podman's Docker-compatible API, for machines without a Docker
# daemon (rootful Podman, as on a CI machine running as root).
#
#   recipes/testcontainers/python/run-with-podman.sh IMAGE [pytest arguments...]
#
# IMAGE must already be in Podman's storage (podman build, buildah): nothing is pulled. The
# Python packages of requirements.txt come from PyPI into a virtual environment under a
# temporary directory, or under $VENV when set (kept between runs).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
image="${1:?usage: run-with-podman.sh IMAGE [pytest arguments...]}"
shift

if ! command -v podman >/dev/null 2>&1; then
  echo "error: podman is not installed (Debian: apt-get install podman)" >&2
  exit 2
fi
if ! podman image exists "$image"; then
  echo "error: no image $image in Podman's storage (podman images lists them)" >&2
  exit 2
fi
# The Docker API resolves a short name as Docker Hub's; a local image is localhost/NAME.
image="$(podman image inspect --format '{{index .RepoTags 0}}' "$image")"

work="$(mktemp -d)"
service_pid=""
cleanup() {
  if [[ -n "$service_pid" ]]; then
    kill "$service_pid" 2>/dev/null || true
    wait "$service_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Podman's defaults fail on some hosts; a containers.conf of our own works around the two seen
# (unless CONTAINERS_CONF names one already):
# - without CAP_SYS_RESOURCE, the runtime cannot raise the file and process limits to
#   Podman's defaults: ask for what this process already has instead;
# - crun refuses cgroups v1 and v2 mounted together (hybrid): runc takes them.
if [[ -z "${CONTAINERS_CONF:-}" ]]; then
  cap_eff="$(awk '/^CapEff:/ {print $2}' /proc/self/status)"
  {
    echo "[containers]"
    if ((((0x$cap_eff >> 24) & 1) == 0)); then
      echo "default_ulimits = [\"nofile=$(ulimit -Hn):$(ulimit -Hn)\", \"nproc=4096:4096\"]"
    fi
    echo "[engine]"
    if [[ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ]] && command -v runc >/dev/null 2>&1; then
      echo 'runtime = "runc"'
    fi
  } >"$work/containers.conf"
  export CONTAINERS_CONF="$work/containers.conf"
fi

socket="$work/podman.sock"
# Its log goes to a file: without systemd it reports an error about health-check timers for
# every container.
podman system service --time=0 "unix://$socket" 2>"$work/podman.log" &
service_pid=$!
for _ in $(seq 100); do
  [[ -S "$socket" ]] && break
  sleep 0.1
done
if [[ ! -S "$socket" ]]; then
  echo "error: podman system service did not open $socket" >&2
  cat "$work/podman.log" >&2
  exit 1
fi

export DOCKER_HOST="unix://$socket"
# Ryuk, the reaper, is an image from Docker Hub; the test removes its container itself.
export TESTCONTAINERS_RYUK_DISABLED=true
# Podman runs on this machine: reach containers through their published ports on localhost.
# (A /.dockerenv file, which some machine images keep, would make testcontainers take itself
# for a container and look for a gateway instead.)
export TESTCONTAINERS_CONNECTION_MODE=docker_host
export CHINAUMS_MOCK_IMAGE="$image"
# The host's address on Podman's default network: Podman 4 does not know host-gateway.
if [[ -z "${CALLBACK_HOST_GATEWAY:-}" ]]; then
  CALLBACK_HOST_GATEWAY="$(podman network inspect podman --format '{{range .Subnets}}{{.Gateway}}{{end}}')"
  export CALLBACK_HOST_GATEWAY
fi

venv="${VENV:-$work/venv}"
if [[ ! -x "$venv/bin/pytest" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
fi
# No cache directory: it would land in whatever directory pytest takes for the root.
"$venv/bin/python" -m pytest -p no:cacheprovider "$here/test_sandbox.py" "$@"
