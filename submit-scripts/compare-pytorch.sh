#!/usr/bin/env bash
# Training (or inference) throughput and peak memory of train-job.jar's benchmark next to CPU
# PyTorch on the same net, batch and cores, alternating the two so that the machine's drift hits
# both alike. Prints every run as a JSON line (with peak_rss_mb), then the medians and the median
# per-round ratios.
#
#   submit-scripts/compare-pytorch.sh [--model M] [--batch B] [--iterations I] [--warmup-steps W] [--rounds N] [--inference]
# M: resnet<6n+2> (option A), resnet<6n+2>-B (projections) or wrn-<6n+4>-<k>; default resnet20-B.
# W: untimed steps before the timed ones, both sides. Default 60 (and 30 timed): the JVM's compiler
# needs about 60 steps to reach the speed a training run of thousands of steps has, PyTorch about 2.
# --warmup-steps 5 --iterations 20 times the first seconds of a run instead (BENCHMARKS.md has both).
# Check first that nothing else runs (uptime, pgrep java): another process halves any figure.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rounds=3 model=resnet20-B batch=128 iterations=30 warmup=60 mode=()
while (($#)); do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --model) model="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    --iterations) iterations="$2"; shift 2 ;;
    --warmup-steps) warmup="$2"; shift 2 ;;
    --inference) mode=(--inference); shift ;;
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "Unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [[ ! "$model" =~ ^(resnet[0-9]+(-B)?|wrn-[0-9]+-[0-9]+)$ ]]; then
  echo "--model is resnet<6n+2>, resnet<6n+2>-B or wrn-<6n+4>-<k>, not '$model'" >&2; exit 2
fi

missing=()
/usr/bin/python3 -c 'import torch' 2>/dev/null || missing+=(python3-torch)
[[ -x /usr/bin/time ]] || missing+=(time)
if ((${#missing[@]})); then
  echo "Installing Debian's ${missing[*]} for the comparison..." >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi
# The same OpenMP settings for both sides: the project's launchers' (PyTorch gains from the short
# spin as much as the project does: 540 -> 612 images/s on ResNet-20, AVX-512 machine).
export OMP_WAIT_POLICY=PASSIVE GOMP_SPINCOUNT="${GOMP_SPINCOUNT:-100000}"

results="$(mktemp)"
rss="$(mktemp)"
trap 'rm -f "$results" "$rss"' EXIT
# Runs a benchmark under GNU time and adds its peak resident memory to its JSON line.
measure() {
  local framework="$1"; shift
  local line
  line="$(/usr/bin/time -f '%M' -o "$rss" "$@" 2>/dev/null | grep '^{')"
  /usr/bin/python3 -c 'import json,sys; r=json.loads(sys.argv[1]); r["framework"]=r.get("framework",sys.argv[2]); r["peak_rss_mb"]=round(int(open(sys.argv[3]).read().split()[-1])/1024,1); print(json.dumps(r))' \
    "$line" "$framework" "$rss" | tee -a "$results"
}
for ((round = 1; round <= rounds; round++)); do
  measure dl4j "$here/run.sh" benchmark --model "$model" --batch "$batch" --iterations "$iterations" --warmup-steps "$warmup" "${mode[@]}" --json
  measure pytorch /usr/bin/python3 "$here/benchmark-pytorch.py" --model "$model" --batch "$batch" \
    --iterations "$iterations" --warmup-steps "$warmup" "${mode[@]}"
done

/usr/bin/python3 - "$results" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
ours = [r for r in runs if r["framework"] == "dl4j"]
theirs = [r for r in runs if r["framework"] != "dl4j"]
speed = [a["images_per_second"] / b["images_per_second"] for a, b in zip(ours, theirs)]
memory = [a["peak_rss_mb"] / b["peak_rss_mb"] for a, b in zip(ours, theirs)]
median = lambda rows, key: statistics.median(r[key] for r in rows)
print(f"dl4j median {median(ours, 'images_per_second'):.1f} images/s, {median(ours, 'peak_rss_mb'):.0f} MB peak; "
      f"pytorch median {median(theirs, 'images_per_second'):.1f} images/s, {median(theirs, 'peak_rss_mb'):.0f} MB peak")
print(f"speed ratio per round {', '.join(f'{r:.2f}' for r in speed)}, median {statistics.median(speed):.2f}; "
      f"memory ratio median {statistics.median(memory):.2f}")
PY
