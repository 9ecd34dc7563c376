#!/usr/bin/env bash
# Runs the 'train' job of train-job.jar on a cluster kind: train.sh --cluster local|standalone|yarn [options].
# --help lists the launcher's options and the job's; everything the launcher does not know goes to the job.
set -euo pipefail
# shellcheck source=common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"
cluster_main train "$@"
