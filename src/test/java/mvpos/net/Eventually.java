package mvpos.net;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition that other threads (a network, a node) will make true, or fails saying what. */
final class Eventually {
    private Eventually() {
    }

    static void holds(BooleanSupplier condition, Duration wait, String what) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not " + what + " within " + wait);
            }
            Thread.sleep(10);
        }
    }
}
