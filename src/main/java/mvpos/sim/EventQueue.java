package mvpos.sim;

/**
 * Virtual time for a simulation: events run one at a time in order of (time, sequence number), the
 * sequence number being the order in which they were scheduled, so ties never depend on hash codes or
 * object identity and a run is the same every time.
 *
 * <p>Events are kept per instant: each virtual millisecond that has events due gets an {@link Instant},
 * a first-in first-out list of them (scheduling order is sequence order, so within an instant the order
 * is the list's), and the instants wait in a heap ordered by time. A network of thousands of nodes has
 * hundreds of thousands of deliveries in flight but only as many instants as there are distinct
 * delays, so running the next event reads the front of one list instead of reordering a heap of every
 * event.
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

    /** The events due at one virtual millisecond, in the order they were scheduled. */
    private static final class Instant {
        long time;
        Event[] events = new Event[8];
        int first;
        int end;

        void add(Event event) {
            if (end == events.length) {
                if (first > events.length / 2) {
                    System.arraycopy(events, first, events, 0, end - first);
                    java.util.Arrays.fill(events, end - first, end, null);
                    end -= first;
                    first = 0;
                } else {
                    events = java.util.Arrays.copyOf(events, events.length * 2);
                }
            }
            events[end++] = event;
        }

        Event take() {
            Event event = events[first];
            events[first++] = null;
            return event;
        }

        boolean isEmpty() {
            return first == end;
        }
    }

    /** The instants with events due, except the one being run: a binary heap by time. */
    private Instant[] heap = new Instant[64];
    private int instants;
    /** Every instant with events due, by time (the one being run included). */
    private final InstantsByTime byTime = new InstantsByTime();
    /** The instant whose events are being run (null between instants). */
    private Instant current;
    /** Drained instants, to be used again. */
    private final java.util.ArrayDeque<Instant> spare = new java.util.ArrayDeque<>();
    private long size;
    private final boolean realTime;
    private final long wallStartNanos;
    private final long startMillis;
    private long now;
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
        long time = now + delayMillis;
        Instant instant = byTime.get(time);
        if (instant == null) {
            instant = spare.isEmpty() ? new Instant() : spare.pop();
            instant.time = time;
            byTime.put(time, instant);
            push(instant);
        }
        instant.add(event);
        size++;
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
            if (current == null) {
                if (heap[0].time > untilMillis) {
                    now = untilMillis;
                    return;
                }
                current = pop();
            }
            long time = current.time;
            Event next = current.take();
            size--;
            if (current.isEmpty()) {
                // Done with this instant: an event it runs that is due now starts a new one.
                byTime.remove(time);
                current.first = 0;
                current.end = 0;
                spare.push(current);
                current = null;
            }
            if (realTime) {
                waitForWallClock(time);
            }
            now = time;
            executed++;
            next.run();
        }
    }

    private void push(Instant instant) {
        if (instants == heap.length) {
            heap = java.util.Arrays.copyOf(heap, instants * 2);
        }
        int at = instants++;
        while (at > 0) {
            int parent = (at - 1) >>> 1;
            if (heap[parent].time <= instant.time) {
                break;
            }
            heap[at] = heap[parent];
            at = parent;
        }
        heap[at] = instant;
    }

    /** Removes and returns the earliest instant. */
    private Instant pop() {
        Instant first = heap[0];
        int last = --instants;
        Instant moved = heap[last];
        heap[last] = null;
        if (last > 0) {
            int at = 0;
            int half = last >>> 1;
            while (at < half) {
                int child = 2 * at + 1;
                if (child + 1 < last && heap[child + 1].time < heap[child].time) {
                    child++;
                }
                if (heap[child].time >= moved.time) {
                    break;
                }
                heap[at] = heap[child];
                at = child;
            }
            heap[at] = moved;
        }
        return first;
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
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    /** Instants by their time: open addressing over a power-of-two table, linear probing. */
    private static final class InstantsByTime {
        private long[] keys = new long[64];
        private Instant[] values = new Instant[64];
        private int count;

        private int slot(long time, int mask) {
            long h = time * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32)) & mask;
        }

        Instant get(long time) {
            int mask = keys.length - 1;
            for (int i = slot(time, mask); values[i] != null; i = (i + 1) & mask) {
                if (keys[i] == time) {
                    return values[i];
                }
            }
            return null;
        }

        void put(long time, Instant instant) {
            if ((count + 1) * 2 > keys.length) {
                grow();
            }
            int mask = keys.length - 1;
            int i = slot(time, mask);
            while (values[i] != null) {
                i = (i + 1) & mask;
            }
            keys[i] = time;
            values[i] = instant;
            count++;
        }

        /** Removes a time that is present, shifting back the entries that probed past it. */
        void remove(long time) {
            int mask = keys.length - 1;
            int i = slot(time, mask);
            while (keys[i] != time || values[i] == null) {
                i = (i + 1) & mask;
            }
            values[i] = null;
            count--;
            for (int j = (i + 1) & mask; values[j] != null; j = (j + 1) & mask) {
                int home = slot(keys[j], mask);
                // Entry j may move to the hole at i when its home is not cyclically within (i, j].
                if (i <= j ? home <= i || home > j : home <= i && home > j) {
                    keys[i] = keys[j];
                    values[i] = values[j];
                    values[j] = null;
                    i = j;
                }
            }
        }

        private void grow() {
            long[] oldKeys = keys;
            Instant[] oldValues = values;
            keys = new long[oldKeys.length * 2];
            values = new Instant[oldKeys.length * 2];
            count = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldValues[i] != null) {
                    put(oldKeys[i], oldValues[i]);
                }
            }
        }
    }
}
