package org.resnetspark.spark;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorAdded;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.resnetspark.training.RunRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happened to the cluster during a job: executors that joined and left (with Spark's reason)
 * and tasks that failed and were re-run. Each loss is logged on the driver as it happens, so the
 * console of a run that survived a lost worker says so; {@link #history()} is the record for the
 * run folder. Installed by {@link SparkJobs#start} on every job's context.
 */
public final class ClusterEvents extends SparkListener {

    private static final Logger log = LoggerFactory.getLogger(ClusterEvents.class);
    private static final Map<SparkContext, ClusterEvents> INSTALLED = new ConcurrentHashMap<>();

    private final List<RunRecord.ClusterEvent> events = new ArrayList<>();
    private final Set<String> executors = ConcurrentHashMap.newKeySet();
    private int executorsLost;
    private int tasksFailed;

    /** Registers the listener on the context (once) and returns it. */
    public static ClusterEvents install(SparkContext sc) {
        return INSTALLED.computeIfAbsent(sc, context -> {
            ClusterEvents events = new ClusterEvents();
            context.addSparkListener(events);
            return events;
        });
    }

    /** The listener installed on this context, if any. */
    public static ClusterEvents of(SparkContext sc) {
        return INSTALLED.get(sc);
    }

    /** For run.json: what the listener on this context saw, or nothing without one. */
    public static RunRecord.ClusterHistory history(SparkContext sc) {
        ClusterEvents events = of(sc);
        return events == null ? null : events.history();
    }

    @Override
    public void onApplicationEnd(org.apache.spark.scheduler.SparkListenerApplicationEnd end) {
        INSTALLED.values().remove(this);
    }

    @Override
    public synchronized void onExecutorAdded(SparkListenerExecutorAdded added) {
        boolean replacement = executorsLost > 0;
        executors.add(added.executorId());
        if (replacement) {
            log.warn("Executor {} joined on {} ({} executors now)", added.executorId(), added.executorInfo().executorHost(),
                    executors.size());
            record("executor_added", added.time(), added.executorId(), added.executorInfo().executorHost(), null);
        }
    }

    @Override
    public synchronized void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
        executors.remove(removed.executorId());
        executorsLost++;
        log.warn("Executor {} lost: {}. Spark re-runs its tasks and rebuilds its cached data on the {} executor(s) left",
                removed.executorId(), removed.reason(), executors.size());
        record("executor_lost", removed.time(), removed.executorId(), null, removed.reason());
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.reason() instanceof TaskFailedReason failed) {
            tasksFailed++;
            record("task_failed", end.taskInfo().finishTime(), end.taskInfo().executorId(), end.taskInfo().host(),
                    "stage " + end.stageId() + " task " + end.taskInfo().index() + ": " + firstLine(failed.toErrorString()));
        }
    }

    private void record(String type, long millis, String executor, String host, String detail) {
        if (events.size() < 1000) {
            events.add(new RunRecord.ClusterEvent(type, Instant.ofEpochMilli(millis).toString(), executor, host, detail));
        }
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    public synchronized int executorsLost() {
        return executorsLost;
    }

    public synchronized int tasksFailed() {
        return tasksFailed;
    }

    /** Counts and the events (executors lost and joined, failed tasks), oldest first. */
    public synchronized RunRecord.ClusterHistory history() {
        return new RunRecord.ClusterHistory(executorsLost, tasksFailed, List.copyOf(events));
    }
}
