package mvpos.net;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** {@link mvpos.testing.Eventually} for conditions that throw nothing checked. */
final class Eventually {
    private Eventually() {
    }

    static void holds(BooleanSupplier condition, Duration wait, String what) throws InterruptedException {
        try {
            mvpos.testing.Eventually.holds(condition::getAsBoolean, wait, what);
        } catch (InterruptedException | RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
