package mvpos.lobby;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the lobby's defences did, counted where it happens and said in one summary line now and then:
 * a flood of refused or silent connections costs a line per report, never a line (or a stack trace)
 * per connection. Thread-safe.
 */
final class ConnectionReport {
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicLong paused = new AtomicLong();
    private final AtomicLong acceptFailures = new AtomicLong();
    private final AtomicReference<String> lastAcceptFailure = new AtomicReference<>("");

    void refused() {
        refused.incrementAndGet();
    }

    void timedOut() {
        timedOut.incrementAndGet();
    }

    /** Reading from a client stopped because it is not reading what it was sent. */
    void backedUp() {
        paused.incrementAndGet();
    }

    void acceptFailed(String reason) {
        acceptFailures.incrementAndGet();
        lastAcceptFailure.set(reason);
    }

    /** One line saying what happened since the last call, or empty when nothing did. */
    Optional<String> drain(ClientSlots slots, String registrationTimeout) {
        List<String> parts = new ArrayList<>();
        long n = refused.getAndSet(0);
        if (n > 0) {
            parts.add("refused " + n + " connection" + (n == 1 ? "" : "s") + " over the limits (" + slots.maxPerAddress()
                    + " per address, " + slots.maxTotal() + " in all)");
        }
        n = timedOut.getAndSet(0);
        if (n > 0) {
            parts.add("closed " + n + " client" + (n == 1 ? "" : "s") + " that gave no balance within "
                    + registrationTimeout);
        }
        n = paused.getAndSet(0);
        if (n > 0) {
            parts.add("stopped reading " + n + " time" + (n == 1 ? "" : "s") + " from clients not reading their replies");
        }
        n = acceptFailures.getAndSet(0);
        if (n > 0) {
            parts.add("could not accept connections " + n + " time" + (n == 1 ? "" : "s") + " ("
                    + lastAcceptFailure.get() + "); accepting paused 1 s each time");
        }
        return parts.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", parts));
    }
}
