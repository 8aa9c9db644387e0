package mvpos.net;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How far along each connected peer's chain is, as far as this node believes it. A peer's
 * <em>claims</em> (its Status, a block whose ancestors it has not sent) are believed until tested: when
 * a range asked of a peer on the strength of its claim goes unanswered, the claim is refuted, and the
 * peer's claims are ignored for a while that doubles with each refutation (from
 * {@link Gossip#SYNC_TIMEOUT_MILLIS} twice, to at most {@link #MAX_IGNORE_MILLIS}); what it has
 * <em>shown</em> (blocks this node could add or already had) is always believed. A peer that leaves is
 * forgotten. So a peer that claims height 2^62 and sends nothing makes the node look syncing for one
 * sync timeout, then ever more rarely, and not at all once it is gone.
 *
 * <p>Written on the node's loop (with the loop's time), read from any thread. The peer most ahead is
 * chosen by height, then by name (never by the map's order), so a simulation that asks for it gets the
 * same answer every run.
 */
final class PeerHeights {
    /** Longest time the claims of a peer whose claims went unanswered are ignored. */
    static final long MAX_IGNORE_MILLIS = 10 * 60_000;

    /**
     * One peer: its latest claim, the highest block it has shown, how many of its claims went
     * unanswered in a row, and until when (loop time) its claims are ignored.
     */
    record Entry(long claimed, long shown, int refutations, long ignoreClaimsUntil) {
        long believed(long now) {
            return now < ignoreClaimsUntil ? shown : Math.max(claimed, shown);
        }
    }

    /** By peer name: a hash map, as a node on a large network updates it once per block it adds. */
    private final Map<String, Entry> peers = new ConcurrentHashMap<>();
    private volatile long lastNow;

    /** The loop's time is {@code now}: ignore periods end by it. */
    void advance(long now) {
        lastNow = now;
    }

    /** The peer's chain is at {@code height}, it says (its Status: its latest word replaces the last). */
    void claim(PeerId peer, long height, long now) {
        lastNow = now;
        peers.compute(peer.name(), (k, e) -> e == null ? new Entry(height, 0, 0, Long.MIN_VALUE)
                : new Entry(height, e.shown(), e.refutations(), e.ignoreClaimsUntil()));
    }

    /** The peer's chain reaches at least {@code height}, a block it sent says (one this node cannot place yet). */
    void claimAtLeast(PeerId peer, long height, long now) {
        lastNow = now;
        peers.compute(peer.name(), (k, e) -> e == null ? new Entry(height, 0, 0, Long.MIN_VALUE)
                : new Entry(Math.max(height, e.claimed()), e.shown(), e.refutations(), e.ignoreClaimsUntil()));
    }

    /** The peer sent a block at {@code height} that this node added or had: shown, so believed. */
    void shown(PeerId peer, long height, long now) {
        lastNow = now;
        peers.compute(peer.name(), (k, e) -> e == null ? new Entry(0, height, 0, Long.MIN_VALUE)
                : new Entry(e.claimed(), Math.max(height, e.shown()), e.refutations(), e.ignoreClaimsUntil()));
    }

    /** The peer answered a request for blocks: its past refutations are forgiven. */
    void answered(PeerId peer) {
        peers.computeIfPresent(peer.name(), (k, e) -> new Entry(e.claimed(), e.shown(), 0, e.ignoreClaimsUntil()));
    }

    /** Blocks asked of the peer on the strength of its claim did not come: the claim is dropped. */
    void refute(PeerId peer, long now) {
        lastNow = now;
        peers.computeIfPresent(peer.name(), (k, e) -> {
            int refutations = e.refutations() + 1;
            long ignore = Math.min(MAX_IGNORE_MILLIS, Gossip.SYNC_TIMEOUT_MILLIS << Math.min(refutations, 20));
            return new Entry(e.shown(), e.shown(), refutations, now + ignore);
        });
    }

    /** The peer left: nothing it said counts any more. */
    void forget(PeerId peer) {
        peers.remove(peer.name());
    }

    /** How far the peer's chain goes, as believed now (0 for a peer never heard of). */
    long believed(PeerId peer, long now) {
        lastNow = now;
        Entry e = peers.get(peer.name());
        return e == null ? 0 : e.believed(now);
    }

    /** The highest chain believed of any connected peer (0 before any); any thread. */
    long highest() {
        long now = lastNow;
        return peers.values().stream().mapToLong(e -> e.believed(now)).max().orElse(0);
    }

    /** The peer believed furthest beyond {@code height}, ties to the first by name; empty when none is. */
    Optional<PeerId> mostAhead(long height, long now) {
        lastNow = now;
        String best = null;
        long bestHeight = height;
        for (Map.Entry<String, Entry> e : peers.entrySet()) {
            long believed = e.getValue().believed(now);
            if (believed > bestHeight || best != null && believed == bestHeight && e.getKey().compareTo(best) < 0) {
                best = e.getKey();
                bestHeight = believed;
            }
        }
        return Optional.ofNullable(best).map(PeerId::new);
    }
}
