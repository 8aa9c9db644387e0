package mvpos.sim;

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

    /**
     * The events waiting, as a binary heap ordered by (time, sequence) over parallel arrays: no object per
     * event beyond the event itself (a run of 10,000 nodes schedules millions of deliveries).
     */
    private long[] times = new long[1024];
    private long[] sequences = new long[1024];
    private Event[] waiting = new Event[1024];
    private int size;
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
        push(now + delayMillis, sequence++, event);
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
        while (size > 0 && !stop.getAsBoolean()) {
            long time = times[0];
            if (time > untilMillis) {
                now = untilMillis;
                return;
            }
            Event next = pop();
            if (realTime) {
                waitForWallClock(time);
            }
            now = time;
            executed++;
            next.run();
        }
    }

    private void push(long time, long seq, Event event) {
        if (size == times.length) {
            int grown = size * 2;
            times = java.util.Arrays.copyOf(times, grown);
            sequences = java.util.Arrays.copyOf(sequences, grown);
            waiting = java.util.Arrays.copyOf(waiting, grown);
        }
        int at = size++;
        while (at > 0) {
            int parent = (at - 1) >>> 1;
            if (!before(time, seq, times[parent], sequences[parent])) {
                break;
            }
            move(parent, at);
            at = parent;
        }
        place(at, time, seq, event);
    }

    /** Removes and returns the first event (the heap's root). */
    private Event pop() {
        Event first = waiting[0];
        int last = --size;
        long time = times[last];
        long seq = sequences[last];
        Event event = waiting[last];
        waiting[last] = null;
        if (last > 0) {
            int at = 0;
            int half = last >>> 1;
            while (at < half) {
                int child = 2 * at + 1;
                int right = child + 1;
                if (right < last && before(times[right], sequences[right], times[child], sequences[child])) {
                    child = right;
                }
                if (!before(times[child], sequences[child], time, seq)) {
                    break;
                }
                move(child, at);
                at = child;
            }
            place(at, time, seq, event);
        }
        return first;
    }

    private static boolean before(long time, long seq, long otherTime, long otherSeq) {
        return time < otherTime || time == otherTime && seq < otherSeq;
    }

    private void move(int from, int to) {
        times[to] = times[from];
        sequences[to] = sequences[from];
        waiting[to] = waiting[from];
    }

    private void place(int at, long time, long seq, Event event) {
        times[at] = time;
        sequences[at] = seq;
        waiting[at] = event;
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
        return size;
    }
}
