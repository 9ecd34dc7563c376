#!/usr/bin/env bash
# Runs a sweep file on a cluster kind: sweep.sh [--cluster local|standalone|yarn] experiments/FILE.yaml [--out URI] [--dry-run].
# Every point becomes a training run in its own folder, then report.html/csv/md. A stopped sweep is
# started again with the same command: finished points are skipped, partial ones resumed.
set -euo pipefail
# shellcheck source=common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"
cluster_main sweep "$@"
