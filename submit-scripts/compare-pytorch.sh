#!/usr/bin/env bash
# Training throughput of train-job.jar's benchmark next to CPU PyTorch on the same net, batch and
# cores, alternating the two so that the machine's drift hits both alike. Prints every run as a
# JSON line, then the median images/s of each and the median of the per-round ratios.
#
#   submit-scripts/compare-pytorch.sh [--rounds N] [--depth D] [--batch B] [--iterations I]
# Check first that nothing else runs (uptime, pgrep java): another process halves any figure.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rounds=3 depth=20 batch=128 iterations=20
while (($#)); do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --depth) depth="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    --iterations) iterations="$2"; shift 2 ;;
    -h|--help) sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "Unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done

if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "Installing Debian's python3-torch for the comparison..." >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch >&2
fi
export OMP_WAIT_POLICY=PASSIVE

results="$(mktemp)"
for ((round = 1; round <= rounds; round++)); do
  "$here/run.sh" benchmark --model "resnet$depth" --batch "$batch" --iterations "$iterations" --json 2>/dev/null \
    | grep '^{' | sed 's/^{/{"framework":"dl4j",/' | tee -a "$results"
  /usr/bin/python3 "$here/benchmark-pytorch.py" --depth "$depth" --batch "$batch" --iterations "$iterations" \
    | tee -a "$results"
done

/usr/bin/python3 - "$results" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
dl4j = [r["images_per_second"] for r in runs if r["framework"] == "dl4j"]
torch = [r["images_per_second"] for r in runs if r["framework"] != "dl4j"]
ratios = [d / t for d, t in zip(dl4j, torch)]
print(f"dl4j median {statistics.median(dl4j):.1f} images/s, pytorch median {statistics.median(torch):.1f} images/s, "
      f"ratio per round {', '.join(f'{r:.2f}' for r in ratios)}, median ratio {statistics.median(ratios):.2f}")
PY
rm -f "$results"
