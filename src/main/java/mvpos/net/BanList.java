package mvpos.net;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import mvpos.chain.Clock;

/**
 * Keys (node identities, addresses) refused until a time of an injected {@link Clock}. Thread-safe.
 *
 * @param <K> what is banned
 */
final class BanList<K> {
    private final Clock clock;
    private final Map<K, Long> bannedUntil = new HashMap<>();

    BanList(Clock clock) {
        this.clock = clock;
    }

    /** Bans {@code key} for {@code millis} from now (a longer ban already in force stays). */
    synchronized void ban(K key, long millis) {
        long now = clock.millis();
        bannedUntil.values().removeIf(until -> until <= now);
        bannedUntil.merge(key, now + millis, Math::max);
    }

    /** When the ban of {@code key} ends, in clock milliseconds; empty when it is not banned. */
    synchronized OptionalLong bannedUntil(K key) {
        Long until = bannedUntil.get(key);
        if (until == null) {
            return OptionalLong.empty();
        }
        if (until <= clock.millis()) {
            bannedUntil.remove(key);
            return OptionalLong.empty();
        }
        return OptionalLong.of(until);
    }
}
