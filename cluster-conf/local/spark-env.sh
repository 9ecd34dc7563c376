#!/usr/bin/env bash
# Sourced by Spark's scripts (spark-submit, spark-class) before they start a JVM.
# OpenMP reads this when ND4J's native library loads: idle threads sleep instead of spinning.
export OMP_WAIT_POLICY=PASSIVE
