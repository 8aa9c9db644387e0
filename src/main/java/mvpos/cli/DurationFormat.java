package mvpos.cli;

import java.time.Duration;

/** Writes a duration back the way {@link DurationConverter} reads it. */
final class DurationFormat {
    private DurationFormat() {
    }

    static String of(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
