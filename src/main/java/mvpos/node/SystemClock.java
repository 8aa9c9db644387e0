package mvpos.node;

import mvpos.chain.Clock;

/** The wall clock, for real nodes and servers. Core code only ever sees the {@link Clock} interface. */
public final class SystemClock implements Clock {
    public static final SystemClock INSTANCE = new SystemClock();

    private SystemClock() {
    }

    @Override
    public long millis() {
        return System.currentTimeMillis();
    }
}
