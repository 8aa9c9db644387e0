package mvpos.testing;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Waits for a positive event that other threads or processes will bring about (a node reaching a
 * height, a message arriving), or fails saying what did not happen. The wait is a deadline, not a
 * verdict: on a slow machine the event comes later and the test still passes; a test never sleeps
 * for "nothing happened" and never asserts how fast something happened.
 */
public final class Eventually {
    /** A condition or a query that may throw (an HTTP request, a call onto an event loop). */
    @FunctionalInterface
    public interface Check<T> {
        T get() throws Exception;
    }

    private static final long POLL_MILLIS = 10;

    private Eventually() {
    }

    /** Polls {@code condition} until it holds; fails after {@code wait} with "not {what} within ...". */
    public static void holds(Check<Boolean> condition, Duration wait, String what) throws Exception {
        value(() -> condition.get() ? Optional.of(true) : Optional.empty(), wait, () -> what);
    }

    /**
     * Polls {@code query} until it returns a value, and returns it; fails after {@code wait} with
     * "not {what} within ..." ({@code what} is asked only then, so it can describe the last state).
     */
    public static <T> T value(Check<Optional<T>> query, Duration wait, Supplier<String> what) throws Exception {
        return value(query, wait, Duration.ofMillis(POLL_MILLIS), what);
    }

    /** As {@link #value(Check, Duration, Supplier)}, asking every {@code poll} (for queries that cost a process or a request). */
    public static <T> T value(Check<Optional<T>> query, Duration wait, Duration poll, Supplier<String> what)
            throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Optional<T> value = query.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not " + what.get() + " within " + wait);
            }
            Thread.sleep(poll.toMillis());
        }
    }
}
