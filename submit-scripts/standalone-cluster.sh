#!/usr/bin/env bash
# A Spark standalone cluster on this machine, from Spark's own Master and Worker classes on the
# build's Spark jars (or $SPARK_HOME/jars): for trying the product out and for the tests.
#
#   standalone-cluster.sh start [--workers N] [--cores C] [--memory SIZE] [options]
#   standalone-cluster.sh stop|status [--dir DIR]
#
# start    starts one Master and N Workers (separate JVMs talking RPC), waits until every worker
#          has registered, and prints the master URL (also in DIR/master-url, where train.sh
#          --cluster standalone finds it)
# stop     ends the processes this script started (checked by PID and command line), and the
#          executors their workers launched; nothing else
# status   lists them; exit code 0 when the master and every worker run, 1 otherwise
#
# Options:
#   --workers N        workers (default 2)
#   --cores C          cores each worker offers (default 1)
#   --memory SIZE      executor memory each worker offers (default 2g; spark.executor.memory must fit)
#   --gpus N           GPUs each worker offers, found by find-gpus.sh (default: none)
#   --host HOST        address everything binds to (default 127.0.0.1: this machine only)
#   --port PORT        master port (default 7077)
#   --webui-port PORT  master web UI port (default 8080; 0 picks a free one)
#   --dir DIR          logs (master.log, worker-N.log), PIDs, work folders and master-url
#                      (default: $STANDALONE_DIR, else ${TMPDIR:-/tmp}/resnet-spark-standalone-$UID)
#   --conf-dir DIR     Spark configuration folder (default cluster-conf/standalone)
#   --timeout SECONDS  how long start waits for the cluster and stop for the processes (default 60)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=common.sh
source "$here/common.sh"

usage() {
  sed -n '2,27p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

action="${1:-}"
case "$action" in
  start|stop|status) shift ;;
  -h|--help) usage; exit 0 ;;
  "") usage >&2; exit 2 ;;
  *) die "unknown action '$action': use start, stop or status (--help for the options)" ;;
esac

workers=2 cores=1 memory=2g gpus="" host=127.0.0.1 port=7077 webui_port=8080 timeout=60
dir="$(standalone_dir)"
conf_dir="$project_root/cluster-conf/standalone"
while (($#)); do
  (($# >= 2)) || [[ "$1" == -h || "$1" == --help ]] || die "$1 needs a value"
  case "$1" in
    --workers) workers="$2" ;;
    --cores) cores="$2" ;;
    --memory) memory="$2" ;;
    --gpus) gpus="$2" ;;
    --host) host="$2" ;;
    --port) port="$2" ;;
    --webui-port) webui_port="$2" ;;
    --dir) dir="$2" ;;
    --conf-dir) conf_dir="$2" ;;
    --timeout) timeout="$2" ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option '$1' (--help lists them)" ;;
  esac
  shift 2
done
for number in "$workers" "$cores" "$port" "$webui_port" "$timeout" ${gpus:+"$gpus"}; do
  [[ "$number" =~ ^[0-9]+$ ]] || die "expected a whole number, got '$number'"
done
((workers >= 1 && cores >= 1)) || die "--workers and --cores must be at least 1"
[[ "$memory" =~ ^[0-9]+[mMgG]$ ]] || die "--memory takes a size such as 2g or 1500m, not '$memory'"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
# Every JVM started here carries this marker, so stop never touches a process it did not start.
marker="-Dresnet-spark.standalone.dir=$dir"

# PID from a pid file when that process still runs and is one this script started.
ours() {
  local pid_file="$1" pid
  [[ -f "$pid_file" ]] || return 1
  pid="$(cat "$pid_file")"
  [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' '\n' < "/proc/$pid/cmdline" | grep -qxF -- "$marker" || return 1
  echo "$pid"
}

# Executors the workers launched: their working folder is under DIR/work-N/.
executor_pids() {
  local proc cwd
  for proc in /proc/[0-9]*; do
    cwd="$(readlink "$proc/cwd" 2>/dev/null)" || continue
    if [[ "$cwd" == "$dir"/work-* ]] && tr '\0' '\n' < "$proc/cmdline" 2>/dev/null \
         | grep -qx 'org.apache.spark.executor.CoarseGrainedExecutorBackend'; then
      echo "${proc#/proc/}"
    fi
  done
}

stop_cluster() {
  local -a pids=()
  local pid_file pid
  for pid_file in "$dir"/worker-*.pid "$dir"/master.pid; do
    if pid="$(ours "$pid_file")"; then
      pids+=("$pid")
    fi
  done
  while read -r pid; do
    [[ -n "$pid" ]] && pids+=("$pid")
  done < <(executor_pids)
  if ((${#pids[@]} == 0)); then
    echo "No cluster processes of $dir are running."
  else
    echo "Stopping ${#pids[@]} processes: ${pids[*]}"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    local deadline=$((SECONDS + timeout)) alive
    while :; do
      alive=()
      for pid in "${pids[@]}"; do
        [[ -d "/proc/$pid" ]] && alive+=("$pid")
      done
      ((${#alive[@]} == 0)) && break
      if ((SECONDS >= deadline)); then
        echo "Killing ${alive[*]} (still running after ${timeout}s)"
        kill -KILL "${alive[@]}" 2>/dev/null || true
        break
      fi
      sleep 0.5
    done
  fi
  rm -f "$dir"/*.pid "$dir/master-url"
}

status_cluster() {
  local ok=0 pid_file pid name
  if [[ -f "$dir/master-url" ]]; then
    echo "master URL: $(cat "$dir/master-url")"
  fi
  if ! compgen -G "$dir/*.pid" >/dev/null; then
    echo "no cluster started from $dir"
    return 1
  fi
  for pid_file in "$dir/master.pid" "$dir"/worker-*.pid; do
    name="$(basename "$pid_file" .pid)"
    if pid="$(ours "$pid_file")"; then
      echo "$name: running (pid $pid, log $dir/$name.log)"
    else
      echo "$name: not running (log $dir/$name.log)"
      ok=1
    fi
  done
  local executors
  executors="$(executor_pids | tr '\n' ' ')"
  echo "executors: ${executors:-none}"
  return "$ok"
}

# wait_for_log FILE PATTERN COUNT WHAT PID: waits until FILE has COUNT lines matching PATTERN.
wait_for_log() {
  local file="$1" pattern="$2" count="$3" what="$4" pid="$5" deadline=$((SECONDS + timeout))
  until [[ "$(grep -c -- "$pattern" "$file" 2>/dev/null || true)" -ge "$count" ]]; do
    if [[ ! -d "/proc/$pid" ]]; then
      echo "standalone-cluster.sh: the master stopped while waiting for $what; its log $file ends with:" >&2
      tail -n 20 "$file" >&2
      return 1
    fi
    if ((SECONDS >= deadline)); then
      echo "standalone-cluster.sh: no $what within ${timeout}s; see $file and $dir/worker-*.log" >&2
      return 1
    fi
    sleep 0.3
  done
}

start_cluster() {
  if ours "$dir/master.pid" >/dev/null; then
    die "a cluster already runs from $dir (master $(cat "$dir/master-url" 2>/dev/null)); stop it first"
  fi
  [[ -f "$conf_dir/spark-defaults.conf" ]] || die "no spark-defaults.conf in $conf_dir"
  local spark_home="${SPARK_HOME:-$bundled_spark_home}"
  if [[ ! -d "$spark_home/jars" ]]; then
    [[ -z "${SPARK_HOME:-}" ]] || die "SPARK_HOME=$SPARK_HOME has no jars/ folder"
    ensure_jar
  fi
  rm -rf "$dir"/*.pid "$dir"/*.log "$dir"/work-* "$dir/master-url"

  export SPARK_CONF_DIR="$conf_dir"
  if [[ -f "$conf_dir/spark-env.sh" ]]; then
    set -a
    # shellcheck disable=SC1091
    source "$conf_dir/spark-env.sh"
    set +a
  fi
  # A Worker starts executors with Spark's launcher code: it needs a Spark home with jars/.
  export SPARK_HOME="$spark_home" SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP="$host"
  export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}" GOMP_SPINCOUNT="${GOMP_SPINCOUNT:-100000}"
  local -a java_command=(java "${java_opens[@]}" -Xmx512m "$marker" -cp "$conf_dir:$spark_home/jars/*")
  local url="spark://$host:$port"

  nohup "${java_command[@]}" org.apache.spark.deploy.master.Master \
    --host "$host" --port "$port" --webui-port "$webui_port" > "$dir/master.log" 2>&1 < /dev/null &
  local master_pid=$!
  echo "$master_pid" > "$dir/master.pid"
  if ! wait_for_log "$dir/master.log" "I have been elected leader" 1 "master" "$master_pid"; then
    stop_cluster >&2
    exit 1
  fi

  local -a gpu_options=()
  if [[ -n "$gpus" ]]; then
    gpu_options=("-Dspark.worker.resource.gpu.amount=$gpus" "-Dspark.worker.resource.gpu.discoveryScript=$here/find-gpus.sh")
  fi
  local i
  for ((i = 1; i <= workers; i++)); do
    mkdir -p "$dir/work-$i"
    nohup "${java_command[@]}" "${gpu_options[@]}" org.apache.spark.deploy.worker.Worker \
      --host "$host" --cores "$cores" --memory "$memory" --webui-port 0 --work-dir "$dir/work-$i" \
      "$url" > "$dir/worker-$i.log" 2>&1 < /dev/null &
    echo $! > "$dir/worker-$i.pid"
  done
  if ! wait_for_log "$dir/master.log" "Registering worker" "$workers" "registration of $workers workers" "$master_pid"; then
    stop_cluster >&2
    exit 1
  fi
  echo "$url" > "$dir/master-url"
  echo "Spark standalone master $url with $workers workers x $cores cores x $memory (logs and PIDs in $dir)"
}

case "$action" in
  start) start_cluster ;;
  stop) stop_cluster ;;
  status) status_cluster ;;
esac
