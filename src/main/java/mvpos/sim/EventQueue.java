package mvpos.sim;

import java.util.PriorityQueue;

/**
 * Virtual time for a simulation: events run one at a time in order of (time, sequence number), the
 * sequence number being the order in which they were scheduled, so ties never depend on hash codes or
 * object identity and a run is the same every time.
 *
 * <p>In real-time mode the queue waits, before each event, until the wall clock has caught up with the
 * event's virtual time, so the same simulation can be watched live.
 */
public final class EventQueue implements mvpos.chain.Clock {

    /** Work to run at a virtual instant. */
    @FunctionalInterface
    public interface Event {
        void run() throws Exception;
    }

    private record Scheduled(long time, long sequence, Event event) implements Comparable<Scheduled> {
        @Override
        public int compareTo(Scheduled other) {
            int byTime = Long.compare(time, other.time);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }

    private final PriorityQueue<Scheduled> queue = new PriorityQueue<>();
    private final boolean realTime;
    private final long wallStartNanos;
    private final long startMillis;
    private long now;
    private long sequence;
    private long executed;

    /**
     * @param startMillis the virtual time of the first instant
     * @param realTime    whether to pace events by the wall clock
     */
    public EventQueue(long startMillis, boolean realTime) {
        this.startMillis = startMillis;
        this.now = startMillis;
        this.realTime = realTime;
        this.wallStartNanos = realTime ? System.nanoTime() : 0;
    }

    /** The current virtual time. */
    @Override
    public long millis() {
        return now;
    }

    /** Schedules an event {@code delayMillis} from now (0 runs it after the events already due now). */
    public void schedule(long delayMillis, Event event) {
        if (delayMillis < 0) {
            throw new IllegalArgumentException("an event cannot be scheduled in the past: " + delayMillis);
        }
        queue.add(new Scheduled(now + delayMillis, sequence++, event));
    }

    /** Schedules an event at a virtual instant (now, if that instant has passed). */
    public void scheduleAt(long timeMillis, Event event) {
        schedule(Math.max(0, timeMillis - now), event);
    }

    /**
     * Runs events in order until {@code stop} says so, the queue is empty, or virtual time passes
     * {@code untilMillis}.
     */
    public void run(long untilMillis, java.util.function.BooleanSupplier stop) throws Exception {
        while (!queue.isEmpty() && !stop.getAsBoolean()) {
            Scheduled next = queue.peek();
            if (next.time() > untilMillis) {
                now = untilMillis;
                return;
            }
            queue.poll();
            if (realTime) {
                waitForWallClock(next.time());
            }
            now = next.time();
            executed++;
            next.event().run();
        }
    }

    private void waitForWallClock(long virtualMillis) throws InterruptedException {
        long dueNanos = wallStartNanos + (virtualMillis - startMillis) * 1_000_000L;
        long wait = dueNanos - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
        }
    }

    /** Events run so far. */
    public long executed() {
        return executed;
    }

    /** Events waiting. */
    public int pending() {
        return queue.size();
    }
}
