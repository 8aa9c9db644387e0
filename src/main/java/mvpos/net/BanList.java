package mvpos.net;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import mvpos.chain.Clock;

/** Addresses refused until a time of an injected {@link Clock}. Thread-safe. */
final class BanList {
    private final Clock clock;
    private final Map<InetAddress, Long> bannedUntil = new HashMap<>();

    BanList(Clock clock) {
        this.clock = clock;
    }

    /** Bans {@code address} for {@code millis} from now (a longer ban already in force stays). */
    synchronized void ban(InetAddress address, long millis) {
        long now = clock.millis();
        bannedUntil.values().removeIf(until -> until <= now);
        bannedUntil.merge(address, now + millis, Math::max);
    }

    /** When the ban of {@code address} ends, in clock milliseconds; empty when it is not banned. */
    synchronized OptionalLong bannedUntil(InetAddress address) {
        Long until = bannedUntil.get(address);
        if (until == null) {
            return OptionalLong.empty();
        }
        if (until <= clock.millis()) {
            bannedUntil.remove(address);
            return OptionalLong.empty();
        }
        return OptionalLong.of(until);
    }
}
