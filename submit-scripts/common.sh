# Sourced by run.sh, train.sh, evaluate.sh, benchmark.sh, sweep.sh and standalone-cluster.sh: the one
# launcher they share.
#
#   ensure_jar             builds train-job.jar when it is missing or older than a source file
#   submit_job MASTER ARGS  runs train-job.jar with ARGS on MASTER, through $SPARK_HOME/bin/spark-submit
#                          when SPARK_HOME is set, else through Spark's own launcher on the bundled jars
#   cluster_main SUBCOMMAND ARGS   the --cluster front end of train.sh, evaluate.sh, benchmark.sh
#
# Inputs of submit_job (globals, all optional): SPARK_CONF_DIR, driver_memory, driver_java_options
# (array), spark_args (array of spark-submit options such as --conf k=v), dry_run (1: print only).

submit_scripts_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project_root="$(dirname "$submit_scripts_dir")"
jar="$project_root/spark-jobs/target/train-job.jar"
bundled_spark_home="$project_root/spark-jobs/target/spark-home"

# The module options Spark needs on Java 17: spark-submit adds them to the JVMs it launches,
# but with the bundled launcher this JVM is the driver.
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

die() {
  echo "$(basename "$0"): $*" >&2
  exit 2
}

# Build on first use, and again when a source file or pom is newer than the jar (after a git pull).
ensure_jar() {
  local root="$project_root"
  if [[ ! -f "$jar" || ! -d "$bundled_spark_home/jars" ]] \
     || [[ -n "$(find "$root/pom.xml" "$root/model-lib" "$root/spark-jobs/pom.xml" "$root/spark-jobs/src" \
                -newer "$jar" \( -name '*.java' -o -name 'pom.xml' -o -path '*/resources/*' \) -print -quit)" ]]; then
    if [[ "${RESNET_SPARK_NO_BUILD:-}" == 1 ]]; then
      [[ -f "$jar" ]] || die "$jar is missing: build it with 'mvn -B package -DskipTests' in $root"
      return 0
    fi
    echo "Building train-job.jar (first run or changed sources, a few minutes)..." >&2
    "$submit_scripts_dir/ensure-build-tools.sh"
    (cd "$root" && mvn -B -q package -DskipTests) >&2
    [[ -f "$jar" ]] || die "the build did not produce $jar"
  fi
  if [[ ! -f /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 && ! -f /usr/lib64/libjemalloc.so.2 ]]; then
    # spark-env.sh preloads it when present; without it the same run needs about twice the memory.
    echo "Note: jemalloc is not installed (Debian: apt-get install libjemalloc2); without it ND4J's native" \
      "memory is about 2x larger on this machine (BENCHMARKS.md, Zen 5: 1338 MB against 642 MB)." >&2
  fi
}

# submit_job MASTER JOB_ARGS...: replaces this shell with the driver (or prints it with dry_run=1).
submit_job() {
  local master="$1"
  shift
  local memory="${driver_memory:-4g}"
  local -a command conf_driver_options training_options=()
  # The configuration's driver options (spark-submit applies them; with the bundled launcher this
  # JVM is the driver), then DRIVER_JAVA_OPTIONS.
  read -r -a conf_driver_options <<< "$(conf_value spark.driver.extraJavaOptions)"
  # Training serializes the parameters every averaging round (1-7 MB up to ResNet-56), and G1 keeps
  # an object of half a region or more apart, where each one can start a concurrent collection:
  # 25 in a two-epoch local[2] run of ResNet-20-B at a 4 GB heap's 2 MB regions, 3 at 16 MB (epoch 2
  # 352 -> 379 images/s). The executors get them in spark-defaults.conf; not the other jobs, whose
  # peak memory they raise (one-process benchmark of ResNet-20-B 547 -> 614 MB).
  if [[ "${1:-}" == train || "${1:-}" == sweep ]]; then
    training_options=(-XX:G1HeapRegionSize=16m)
  fi
  if [[ -n "${SPARK_HOME:-}" ]]; then
    [[ -x "$SPARK_HOME/bin/spark-submit" ]] || die "SPARK_HOME=$SPARK_HOME has no bin/spark-submit"
    command=("$SPARK_HOME/bin/spark-submit" --master "$master" --driver-memory "$memory")
    # Only with options to add, after the configuration's: --driver-java-options replaces
    # spark.driver.extraJavaOptions, and an empty one would drop them.
    if ((${#training_options[@]} + ${#driver_java_options[@]})); then
      command+=(--driver-java-options "${conf_driver_options[*]} ${training_options[*]} ${driver_java_options[*]}")
    fi
    command+=("${spark_args[@]}" "$jar" "$@")
  else
    local hadoop_conf=()
    if [[ "$master" == yarn* ]]; then
      [[ -n "${HADOOP_CONF_DIR:-}${YARN_CONF_DIR:-}" ]] \
        || die "YARN needs HADOOP_CONF_DIR or YARN_CONF_DIR: the folder with the cluster's yarn-site.xml and core-site.xml"
      # As spark-class does: the cluster's configuration on the class path (Spark's YARN support is bundled).
      for dir in "${HADOOP_CONF_DIR:-}" "${YARN_CONF_DIR:-}"; do
        [[ -z "$dir" ]] || hadoop_conf+=("$dir")
      done
    fi
    # What spark-class does before starting a JVM: read the configuration folder's spark-env.sh.
    if [[ -f "$SPARK_CONF_DIR/spark-env.sh" ]]; then
      set -a
      # shellcheck disable=SC1091
      source "$SPARK_CONF_DIR/spark-env.sh"
      set +a
    fi
    # Spark's launcher code (used by standalone Workers too) needs a Spark home with jars/.
    export SPARK_HOME="$bundled_spark_home" SPARK_SCALA_VERSION=2.12
    if [[ "$master" == local* ]]; then
      export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"   # everything stays on this machine
    fi
    # The configuration folder goes first on the class path, as spark-class does, for log4j2.properties.
    command=(java "${java_opens[@]}" "${conf_driver_options[@]}" "${training_options[@]}" -Xmx"$memory" "${driver_java_options[@]}"
             -cp "$SPARK_CONF_DIR:$(IFS=:; echo "${hadoop_conf[*]}${hadoop_conf[*]:+:}")$bundled_spark_home/jars/*"
             org.apache.spark.deploy.SparkSubmit --master "$master" --driver-memory "$memory" "${spark_args[@]}" "$jar" "$@")
  fi
  if [[ "${dry_run:-0}" == 1 ]]; then
    echo "SPARK_CONF_DIR=$SPARK_CONF_DIR"
    printf '%q' "${command[0]}"
    printf ' %q' "${command[@]:1}"
    echo
    exit 0
  fi
  # Read by OpenMP when ND4J loads in the driver: idle threads must not spin on the working cores,
  # beyond a short spin that lets back-to-back oneDNN primitives find them awake (see spark-env.sh).
  export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}" GOMP_SPINCOUNT="${GOMP_SPINCOUNT:-100000}"
  exec "${command[@]}"
}

cluster_usage() {
  local subcommand="$1"
  cat <<EOF
Usage: $(basename "$0") [--cluster local|standalone|yarn] [launcher options] [$subcommand options]

Runs '$subcommand' of train-job.jar with the Spark configuration folder of the cluster kind
(cluster-conf/<cluster>/: spark-defaults.conf, spark-env.sh, log4j2.properties). Every option
not listed here goes to the job unchanged. Submits through \$SPARK_HOME/bin/spark-submit when
SPARK_HOME is set, otherwise through Spark's own launcher on the jars the build collects
(YARN too, given HADOOP_CONF_DIR or YARN_CONF_DIR).

Launcher options:
  --cluster KIND        local (default): Spark local mode, one worker per core of this machine
                        standalone: a Spark standalone master (see standalone-cluster.sh)
                        yarn: YARN, client mode unless --deploy-mode cluster
  --master URL          the master URL (default: local[*]; standalone: \$SPARK_MASTER, else the
                        cluster standalone-cluster.sh started, else spark://localhost:7077; yarn: yarn)
  --deploy-mode MODE    client (default) or cluster (the driver runs on the cluster)
  --gpus N              GPUs per executor, one task per GPU: sets spark.executor.resource.gpu.amount=N,
                        spark.task.resource.gpu.amount=1, the discovery script find-gpus.sh, and
                        spark.task.cpus=spark.executor.cores/N (unless given with --spark-conf)
  --driver-memory SIZE  driver heap (default: 4g; env DRIVER_MEMORY)
  --spark-conf KEY=VALUE  any Spark setting, over the configuration folder's (repeatable)
  --conf-dir DIR        another configuration folder instead of cluster-conf/<cluster>
  --print-command       print the Spark command (and SPARK_CONF_DIR) instead of running it
  -h, --help            this text, then the job's own options

Environment: SPARK_HOME, SPARK_MASTER, DRIVER_MEMORY, DRIVER_JAVA_OPTIONS (extra driver JVM
options), STANDALONE_DIR (the folder standalone-cluster.sh keeps its state in).
EOF
}

# conf_value KEY [--given-only]: the value of a Spark setting from --spark-conf (the last one wins),
# else (without --given-only) from $SPARK_CONF_DIR/spark-defaults.conf; empty when unset.
conf_value() {
  local key="$1" value="" i
  for ((i = 0; i < ${#spark_args[@]}; i++)); do
    if [[ "${spark_args[i]}" == --conf && "${spark_args[i + 1]:-}" == "$key="* ]]; then
      value="${spark_args[i + 1]#*=}"
    fi
  done
  if [[ -z "$value" && "${2:-}" != --given-only && -f "$SPARK_CONF_DIR/spark-defaults.conf" ]]; then
    value="$(awk -v key="$key" '$1 == key { $1 = ""; sub(/^[ \t]+/, ""); v = $0 } END { print v }' \
               "$SPARK_CONF_DIR/spark-defaults.conf")"
  fi
  echo "$value"
}

# Spark's jars reach YARN's containers from an archive uploaded to the cluster once and reused by
# every run (spark.yarn.archive), not zipped and uploaded again by each spark-submit. YarnLibraries
# prints the archive's URI (nothing if it could not upload: Spark then uploads as usual).
keep_spark_jars_on_yarn() {
  local jars_dir="${SPARK_HOME:-$bundled_spark_home}/jars" archive
  # A Spark without its own Hadoop client (and no SPARK_DIST_CLASSPATH) cannot reach the cluster from here.
  if ! compgen -G "$jars_dir/hadoop-client-*.jar" > /dev/null && [[ -z "${SPARK_DIST_CLASSPATH:-}" ]]; then
    return 0
  fi
  local class_path="$SPARK_CONF_DIR:${HADOOP_CONF_DIR:-}:${YARN_CONF_DIR:-}:$jars_dir/*:${SPARK_DIST_CLASSPATH:-}:$jar"
  archive="$(java "${java_opens[@]}" -cp "$class_path" org.resnetspark.spark.YarnLibraries "$jars_dir" | tail -n 1)" || archive=""
  if [[ -n "$archive" ]]; then
    spark_args+=(--conf "spark.yarn.archive=$archive")
  fi
}

# The state folder of standalone-cluster.sh (its master URL, logs and PIDs).
standalone_dir() {
  echo "${STANDALONE_DIR:-${TMPDIR:-/tmp}/resnet-spark-standalone-$(id -u)}"
}

# cluster_main SUBCOMMAND ARGS...: the body of train.sh, evaluate.sh and benchmark.sh.
cluster_main() {
  local subcommand="$1"
  shift
  local cluster=local master="" deploy_mode="" gpus="" conf_dir="" help=0
  driver_memory="${DRIVER_MEMORY:-4g}"
  read -r -a driver_java_options <<< "${DRIVER_JAVA_OPTIONS:-}"
  spark_args=()
  dry_run=0
  local -a job_args=()
  while (($#)); do
    case "$1" in
      --cluster) (($# >= 2)) || die "--cluster needs a value: local, standalone or yarn"; cluster="$2"; shift 2 ;;
      --cluster=*) cluster="${1#*=}"; shift ;;
      --master) (($# >= 2)) || die "--master needs a URL"; master="$2"; shift 2 ;;
      --master=*) master="${1#*=}"; shift ;;
      --deploy-mode) (($# >= 2)) || die "--deploy-mode needs client or cluster"; deploy_mode="$2"; shift 2 ;;
      --deploy-mode=*) deploy_mode="${1#*=}"; shift ;;
      --gpus) (($# >= 2)) || die "--gpus needs a number"; gpus="$2"; shift 2 ;;
      --gpus=*) gpus="${1#*=}"; shift ;;
      --driver-memory) (($# >= 2)) || die "--driver-memory needs a size, e.g. 4g"; driver_memory="$2"; shift 2 ;;
      --driver-memory=*) driver_memory="${1#*=}"; shift ;;
      --spark-conf) (($# >= 2)) || die "--spark-conf needs KEY=VALUE"; [[ "$2" == *=* ]] || die "--spark-conf needs KEY=VALUE, not '$2'"
                    spark_args+=(--conf "$2"); shift 2 ;;
      --conf-dir) (($# >= 2)) || die "--conf-dir needs a folder"; conf_dir="$2"; shift 2 ;;
      --print-command) dry_run=1; shift ;;
      -h|--help) help=1; shift ;;
      *) job_args+=("$1"); shift ;;
    esac
  done
  if ((help)); then
    cluster_usage "$subcommand"
    echo
    echo "Options of '$subcommand' (passed to the job):"
    cluster=local master="local[1]" job_args=(--help)
  fi
  case "$cluster" in
    local) master="${master:-local[*]}" ;;
    standalone)
      if [[ -z "$master" ]]; then
        if [[ -n "${SPARK_MASTER:-}" ]]; then
          master="$SPARK_MASTER"
        elif [[ -f "$(standalone_dir)/master-url" ]]; then
          master="$(cat "$(standalone_dir)/master-url")"
        else
          master="spark://localhost:7077"
        fi
      fi
      [[ "$master" == spark://* ]] || die "--cluster standalone needs a spark://HOST:PORT master, not '$master'" ;;
    yarn) master="${master:-yarn}"
      [[ "$master" == yarn ]] || die "--cluster yarn takes no --master URL (Spark finds the ResourceManager in HADOOP_CONF_DIR)" ;;
    *) die "unknown --cluster '$cluster': use local, standalone or yarn" ;;
  esac
  if [[ -n "$deploy_mode" ]]; then
    [[ "$deploy_mode" == client || "$deploy_mode" == cluster ]] || die "--deploy-mode is client or cluster, not '$deploy_mode'"
    [[ "$deploy_mode" == client || "$cluster" == yarn || -n "${SPARK_HOME:-}" ]] \
      || die "--deploy-mode cluster needs YARN (--cluster yarn) or a Spark installation (SPARK_HOME)"
    spark_args+=(--deploy-mode "$deploy_mode")
  fi
  if [[ -n "$gpus" ]]; then
    [[ "$gpus" =~ ^[1-9][0-9]*$ ]] || die "--gpus needs a whole number of GPUs per executor, not '$gpus'"
    [[ "$cluster" != local ]] || die "--gpus schedules GPUs on a cluster; in local mode the job uses the machine's GPU directly"
  fi
  export SPARK_CONF_DIR="${conf_dir:-$project_root/cluster-conf/$cluster}"
  [[ -f "$SPARK_CONF_DIR/spark-defaults.conf" ]] || die "no spark-defaults.conf in the configuration folder $SPARK_CONF_DIR"
  if [[ -n "$gpus" ]]; then
    # One task per GPU: the executor's cores are shared out so that CPUs allow exactly N tasks too.
    local gpu_args=(--conf "spark.executor.resource.gpu.amount=$gpus" --conf spark.task.resource.gpu.amount=1
                    --conf "spark.executor.resource.gpu.discoveryScript=$submit_scripts_dir/find-gpus.sh")
    local cores
    cores="$(conf_value spark.executor.cores)"
    if [[ -n "$cores" && -z "$(conf_value spark.task.cpus --given-only)" ]]; then
      ((cores % gpus == 0)) || die "spark.executor.cores=$cores does not share out over --gpus $gpus (one task per GPU): use a multiple of $gpus"
      gpu_args+=(--conf "spark.task.cpus=$((cores / gpus))")
    fi
    # The discovery script must exist at this path on every node (the same checkout everywhere).
    spark_args=("${gpu_args[@]}" "${spark_args[@]}")
  fi
  if [[ "$dry_run" == 1 ]]; then
    [[ -f "$jar" ]] || echo "(train-job.jar is not built yet: the real run builds it first)" >&2
  else
    ensure_jar
    if [[ "$cluster" == yarn && -z "$(conf_value spark.yarn.archive)$(conf_value spark.yarn.jars)" ]]; then
      keep_spark_jars_on_yarn
    fi
  fi
  submit_job "$master" "$subcommand" "${job_args[@]}"
}
