#!/usr/bin/env bash
# Sourced by Spark's scripts (spark-submit, spark-class) on the machine that submits, before the
# driver JVM starts. Executors get their environment from spark.executorEnv.* in spark-defaults.conf.

# OpenMP reads this when ND4J's native library loads in the driver: idle threads sleep, not spin.
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
# Where Spark finds the ResourceManager and HDFS; set it here if your shell does not:
#   export HADOOP_CONF_DIR=/etc/hadoop/conf
