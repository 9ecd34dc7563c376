#!/usr/bin/env bash
# Sourced by Spark's scripts (spark-submit, spark-class) on the machine that submits, before the
# driver JVM starts. Executors get their environment from spark.executorEnv.* in spark-defaults.conf.

# OpenMP reads this when ND4J's native library loads in the driver: idle threads sleep, not spin.
export OMP_WAIT_POLICY=PASSIVE
# Where Spark finds the ResourceManager and HDFS; set it here if your shell does not:
#   export HADOOP_CONF_DIR=/etc/hadoop/conf
