package mvpos.adversary;

import java.util.function.LongBinaryOperator;

/**
 * The tutorial lobby's lottery seeds its generator with the clock (the Unix second of the draw), and
 * the draw time is public (every round, a fixed interval after the last). A validator that knows the
 * round to within {@code window} seconds runs the draw itself for each second of the window, and enters
 * (proposes a block) only if it wins for at least one of them; it stays out of rounds it would lose.
 */
public final class LotteryPredictor {
    private final int window;

    public LotteryPredictor(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("the window holds at least one second");
        }
        this.window = window;
    }

    /**
     * Whether to enter a round drawn at some second from {@code earliest} to {@code earliest + window - 1}:
     * {@code draw.applyAsLong(second, poolSize)} is the winning ticket, and this validator's {@code own}
     * tickets come first in a pool of {@code poolSize}.
     */
    public boolean shouldEnter(long earliest, long own, long poolSize, LongBinaryOperator draw) {
        for (long second = earliest; second < earliest + window; second++) {
            if (draw.applyAsLong(second, poolSize) < own) {
                return true;
            }
        }
        return false;
    }

    public int window() {
        return window;
    }
}
