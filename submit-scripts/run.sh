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
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
jar="$root/spark-jobs/target/train-job.jar"
bundled_spark_home="$root/spark-jobs/target/spark-home"
master="${SPARK_MASTER:-local[*]}"
driver_memory="${DRIVER_MEMORY:-4g}"
read -r -a driver_java_options <<< "${DRIVER_JAVA_OPTIONS:-}"
export SPARK_CONF_DIR="${SPARK_CONF_DIR:-$root/cluster-conf/local}"
# Read by OpenMP when ND4J loads in this JVM: idle threads must not spin on the working cores.
export OMP_WAIT_POLICY=PASSIVE

if [[ "${1:-}" == "--help" || "${1:-}" == "-h" || $# -eq 0 ]]; then
  sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  echo
  set -- --help
fi

# Build on first use, and again when a source file or pom is newer than the jar (after a git pull).
if [[ ! -f "$jar" || ! -d "$bundled_spark_home/jars" ]] \
   || [[ -n "$(find "$root/pom.xml" "$root/model-lib" "$root/spark-jobs/pom.xml" "$root/spark-jobs/src" \
              -newer "$jar" \( -name '*.java' -o -name 'pom.xml' -o -path '*/resources/*' \) -print -quit)" ]]; then
  echo "Building train-job.jar (first run or changed sources, a few minutes)..." >&2
  "$here/ensure-build-tools.sh"
  (cd "$root" && mvn -B -q package -DskipTests) >&2
fi

if [[ -n "${SPARK_HOME:-}" ]]; then
  exec "$SPARK_HOME/bin/spark-submit" --master "$master" --driver-memory "$driver_memory" \
    --driver-java-options "${DRIVER_JAVA_OPTIONS:-}" "$jar" "$@"
fi

# The module options Spark needs on Java 17: spark-submit adds them to the JVMs it launches,
# but here this JVM is the driver.
java_opens=(
  -XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false
  -Dio.netty.tryReflectionSetAccessible=true
)
export SPARK_HOME="$bundled_spark_home" SPARK_SCALA_VERSION=2.12
if [[ "$master" == local* ]]; then
  export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"   # everything stays on this machine
fi
# The configuration folder goes first on the class path, as spark-class does, for log4j2.properties.
exec java "${java_opens[@]}" -Xmx"$driver_memory" "${driver_java_options[@]}" \
  -cp "$SPARK_CONF_DIR:$bundled_spark_home/jars/*" \
  org.apache.spark.deploy.SparkSubmit --master "$master" "$jar" "$@"
