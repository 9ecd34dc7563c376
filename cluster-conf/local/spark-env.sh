#!/usr/bin/env bash
# Sourced by Spark's scripts (spark-submit, spark-class) and by submit-scripts/ before they start a JVM.
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
# In local mode the driver is the only JVM: its heap is run.sh's DRIVER_MEMORY (train.sh
# --driver-memory), and ND4J's arrays live off-heap beside it, capped by default at the heap's size.
# To cap them yourself: DRIVER_JAVA_OPTIONS="-Dorg.bytedeco.javacpp.maxbytes=8g". JavaCPP's check of
# the whole process's size (maxphysicalbytes) is off unless given, as it costs a /proc read per array
# (NativeRuntime); to have it: DRIVER_JAVA_OPTIONS="-Dorg.bytedeco.javacpp.maxphysicalbytes=12g".
