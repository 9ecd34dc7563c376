#!/usr/bin/env bash
# Sourced by Spark's scripts (spark-submit, spark-class, start-worker.sh) and by submit-scripts/
# before they start a JVM, on the machine where the JVM starts.

# OpenMP reads this when ND4J's native library loads: idle threads sleep instead of spinning.
export OMP_WAIT_POLICY=PASSIVE
# GOMP_SPINCOUNT: before sleeping they spin briefly (100000 rounds, a millisecond or so), so that
# back-to-back oneDNN primitives find them awake (PASSIVE alone: ResNet-20 8% slower on 2 cores).
export GOMP_SPINCOUNT="${GOMP_SPINCOUNT:-100000}"
# ND4J's native operations allocate and free blocks of many MB on every training step. glibc's
# malloc keeps the freed ones in fragmented arenas (ResNet-56 at batch 128: 5.4 GB resident);
# jemalloc needs 2.5 GB and is faster. Used when installed (Debian: libjemalloc2). Its settings:
# big blocks in the ordinary arenas, freed pages returned at once by a background thread (dirty_decay_ms:0).
for jemalloc in /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/lib64/libjemalloc.so.2; do
  if [[ -f "$jemalloc" && "${LD_PRELOAD:-}" != *jemalloc* ]]; then
    export LD_PRELOAD="$jemalloc${LD_PRELOAD:+:$LD_PRELOAD}"
    export MALLOC_CONF="${MALLOC_CONF:-background_thread:true,dirty_decay_ms:0,oversize_threshold:0}"
    break
  fi
done
# Spark's launcher code (which a Worker uses to start executors) needs these when no Spark
# distribution set them; standalone-cluster.sh points SPARK_HOME at the build's Spark jars.
export SPARK_SCALA_VERSION="${SPARK_SCALA_VERSION:-2.12}"

# Workers started by Spark's sbin/start-worker.sh read these (standalone-cluster.sh passes options):
#   SPARK_WORKER_CORES=8          cores the worker offers (spark.executor.cores each executor takes)
#   SPARK_WORKER_MEMORY=48g       heap it hands out: spark.executor.memory per executor, not the overhead
#   SPARK_WORKER_OPTS="-Dspark.worker.resource.gpu.amount=4 -Dspark.worker.resource.gpu.discoveryScript=/opt/resnet-spark/submit-scripts/find-gpus.sh"
# On machines with several addresses, bind to the cluster's network:
#   SPARK_LOCAL_IP=10.0.0.12
