#!/usr/bin/env bash
# Installs what building and running need, when it is missing: a JDK 17 or newer, Maven and
# jemalloc (cluster-conf/*/spark-env.sh preload it: it keeps ND4J's memory 2x smaller); with
# --for-tests also Chromium (the report tests render the HTML report in headless Chromium) and
# PyTorch (python3-torch: the weight import/export tests compare logits with PyTorch's own).
# Uses apt-get (Debian, Ubuntu) as root or through sudo; elsewhere it says what to install.
set -euo pipefail

java_major() {
  java -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }'
}

missing=()
if ! command -v javac >/dev/null 2>&1 || [[ "$(java_major)" -lt 17 ]]; then
  missing+=(openjdk-17-jdk-headless)
fi
if ! command -v mvn >/dev/null 2>&1; then
  missing+=(maven)
fi
# Either place will do (ls of both fails when one is missing, and it reinstalled every time).
if [[ ! -e /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 && ! -e /usr/lib64/libjemalloc.so.2 ]]; then
  missing+=(libjemalloc2)
fi
if [[ "${1:-}" == "--for-tests" ]] && ! command -v chromium >/dev/null 2>&1; then
  missing+=(chromium)
fi
if [[ "${1:-}" == "--for-tests" ]] && ! /usr/bin/python3 -c 'import torch' >/dev/null 2>&1; then
  missing+=(python3-torch)
fi
((${#missing[@]} == 0)) && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Please install a JDK 17+, Maven 3.8+, jemalloc, Chromium and PyTorch for /usr/bin/python3 (missing: ${missing[*]}), then run this again." >&2
  exit 1
fi
as_root=()
if [[ "$(id -u)" -ne 0 ]]; then
  as_root=(sudo)
fi
echo "Installing ${missing[*]} ..." >&2
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "${missing[@]}" >&2
