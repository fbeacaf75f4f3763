#!/usr/bin/env bash
# Installs every Debian package the project builds, tests and demos with. Idempotent: does
# nothing when all are present. Run as root (or it re-runs itself with sudo).
set -euo pipefail

PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  librdkafka-dev libsimdjson-dev libfmt-dev libspdlog-dev libcli11-dev libcurl4-openssl-dev
  libre2-dev libjemalloc-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # real components the tests and the demo run
  graphite-carbon graphite-web python3-whisper kcat etcd-server etcd-client haproxy
  # test oracles and the baseline
  golang-go python3 python3-kafka python3-simplejson
  # misc tools used by scripts and tests
  curl procps iproute2 file time
  # deployment checks (tests/deploy): compose validation, unit verification
  docker-compose systemd
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  exec sudo "$0" "$@"
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
