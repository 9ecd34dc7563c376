#!/usr/bin/env bash
# Sourced by Spark's scripts (spark-submit, spark-class) on the machine that submits, before the
# driver JVM starts. Executors get their environment from spark.executorEnv.* in spark-defaults.conf.

# OpenMP reads this when ND4J's native library loads in the driver: idle threads sleep, not spin.
export OMP_WAIT_POLICY=PASSIVE
# ND4J's native operations allocate and free blocks of many MB on every training step. glibc's
# malloc keeps the freed ones in fragmented arenas (ResNet-56 at batch 128: 5.4 GB resident);
# jemalloc hands them back at the same speed (1.9 GB). Used when installed (Debian: libjemalloc2).
for jemalloc in /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/lib64/libjemalloc.so.2; do
  if [[ -f "$jemalloc" && "${LD_PRELOAD:-}" != *jemalloc* ]]; then
    export LD_PRELOAD="$jemalloc${LD_PRELOAD:+:$LD_PRELOAD}"
    export MALLOC_CONF="${MALLOC_CONF:-background_thread:true,dirty_decay_ms:1000}"
    break
  fi
done
# Where Spark finds the ResourceManager and HDFS; set it here if your shell does not:
#   export HADOOP_CONF_DIR=/etc/hadoop/conf
