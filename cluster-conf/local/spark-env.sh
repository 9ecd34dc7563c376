#!/usr/bin/env bash
# Sourced by Spark's scripts (spark-submit, spark-class) and by submit-scripts/ before they start a JVM.
# OpenMP reads this when ND4J's native library loads: idle threads sleep instead of spinning.
export OMP_WAIT_POLICY=PASSIVE
# In local mode the driver is the only JVM: its heap is run.sh's DRIVER_MEMORY (train.sh
# --driver-memory), and ND4J's arrays live off-heap beside it, capped by default at the heap's size.
# To cap them yourself: DRIVER_JAVA_OPTIONS="-Dorg.bytedeco.javacpp.maxbytes=8g".
