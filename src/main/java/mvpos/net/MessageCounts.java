package mvpos.net;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many messages of each kind a node received: a counter per kind of {@link Message} (no map lookup
 * per message, which a node on a large network pays for every copy of a block it already has), and by
 * simple name for any other class. Any thread may read them.
 */
final class MessageCounts {
    /** The kinds of message, in the order of {@link #KIND}'s indexes. */
    private static final Class<?>[] KINDS = Message.class.getPermittedSubclasses();

    /** A message class's index in {@link #KINDS}, looked up once per class (-1: not a kind of its own). */
    private static final ClassValue<Integer> KIND = new ClassValue<>() {
        @Override
        protected Integer computeValue(Class<?> type) {
            for (int i = 0; i < KINDS.length; i++) {
                if (KINDS[i] == type) {
                    return i;
                }
            }
            return -1;
        }
    };

    private final LongAdder[] receivedByKind = newCounters();
    private final Map<String, LongAdder> received = new ConcurrentHashMap<>();

    private static LongAdder[] newCounters() {
        LongAdder[] counters = new LongAdder[KINDS.length];
        for (int i = 0; i < counters.length; i++) {
            counters[i] = new LongAdder();
        }
        return counters;
    }

    void count(Class<?> kind) {
        int index = KIND.get(kind);
        if (index >= 0) {
            receivedByKind[index].increment();
        } else {
            received.computeIfAbsent(kind.getSimpleName(), k -> new LongAdder()).increment();
        }
    }

    /** How many messages of each kind this node received (every kind named, 0 when none came). */
    Map<String, Long> received() {
        Map<String, Long> counts = none();
        for (int i = 0; i < KINDS.length; i++) {
            long sum = receivedByKind[i].sum();
            if (sum > 0) {
                counts.put(KINDS[i].getSimpleName(), sum);
            }
        }
        received.forEach((kind, count) -> counts.put(kind, count.sum()));
        return counts;
    }

    /** Every kind of message, each with a count of 0. */
    static Map<String, Long> none() {
        Map<String, Long> counts = new TreeMap<>();
        for (Class<?> kind : Message.class.getPermittedSubclasses()) {
            counts.put(kind.getSimpleName(), 0L);
        }
        return counts;
    }
}
