#!/usr/bin/env bash
# Runs a sweep file: every point as a training run in its own folder, then report.html/csv/md.
#   submit-scripts/sweep.sh experiments/batch-size-smoke.yaml [--out URI] [--dry-run]
# Stopped sweeps are started again with the same command: finished points are skipped and
# partial ones resumed from their last checkpoint. Environment as for run.sh (SPARK_MASTER, ...).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" || $# -eq 0 ]]; then
  sed -n '2,5p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  echo
  exec "$here/run.sh" sweep --help
fi
exec "$here/run.sh" sweep "$@"
