#!/usr/bin/env bash
# Runs train-job.jar: submit-scripts/run.sh <subcommand> [options]
#
# With SPARK_HOME set, through $SPARK_HOME/bin/spark-submit; otherwise through Spark's own
# launcher (org.apache.spark.deploy.SparkSubmit) on the Spark jars the build collects in
# spark-jobs/target/spark-home. Same arguments either way. Builds the jar first if it is missing.
#
# Environment:
#   SPARK_MASTER    Spark master URL (default: local[*], Spark local mode on this machine)
#   SPARK_CONF_DIR  Spark configuration folder (default: cluster-conf/local)
#   DRIVER_MEMORY   driver JVM heap (default: 4g); ND4J's arrays live off-heap beside it
#   DRIVER_JAVA_OPTIONS  extra options for the driver JVM, e.g.
#                   -Dorg.bytedeco.javacpp.platform.extension=-onednn (force the portable build)
#   SPARK_HOME      a Spark 3.5 (Scala 2.12) installation to submit through (optional)
# On a cluster: train.sh, evaluate.sh, benchmark.sh --cluster local|standalone|yarn.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=common.sh
source "$here/common.sh"

master="${SPARK_MASTER:-local[*]}"
driver_memory="${DRIVER_MEMORY:-4g}"
read -r -a driver_java_options <<< "${DRIVER_JAVA_OPTIONS:-}"
spark_args=()
export SPARK_CONF_DIR="${SPARK_CONF_DIR:-$project_root/cluster-conf/local}"

if [[ "${1:-}" == "--help" || "${1:-}" == "-h" || $# -eq 0 ]]; then
  sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  echo
  set -- --help
fi

ensure_jar
submit_job "$master" "$@"
