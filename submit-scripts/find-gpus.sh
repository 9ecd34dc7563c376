#!/usr/bin/env bash
# Spark's GPU discovery script: prints the GPUs of this machine as Spark's resource JSON,
#   {"name": "gpu", "addresses": ["0", "1"]}
# from `nvidia-smi --query-gpu=index`. Spark runs it when a worker or executor starts
# (spark.worker.resource.gpu.discoveryScript, spark.executor.resource.gpu.discoveryScript); the
# training task then binds ND4J to the address Spark assigned it. Fails, with the reason on stderr,
# when nvidia-smi is missing or fails: an executor that asked for GPUs must not start without them.
#   find-gpus.sh [--help]
set -euo pipefail

if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 0
fi
if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "find-gpus.sh: nvidia-smi not found on PATH ($PATH): no NVIDIA driver on $(hostname)?" >&2
  exit 1
fi
if ! output="$(nvidia-smi --query-gpu=index --format=csv,noheader 2>&1)"; then
  echo "find-gpus.sh: nvidia-smi failed on $(hostname): $output" >&2
  exit 1
fi
addresses=()
while IFS= read -r line; do
  index="${line//[[:space:]]/}"
  [[ -z "$index" ]] && continue
  if [[ ! "$index" =~ ^[0-9]+$ ]]; then
    echo "find-gpus.sh: unexpected nvidia-smi output line '$line' (expected a GPU index)" >&2
    exit 1
  fi
  addresses+=("\"$index\"")
done <<< "$output"
joined="$(IFS=,; echo "${addresses[*]:-}")"
echo "{\"name\": \"gpu\", \"addresses\": [${joined//,/, }]}"
