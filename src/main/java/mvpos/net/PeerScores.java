package mvpos.net;

import java.util.LinkedHashMap;
import java.util.Map;
import mvpos.crypto.HashKey;

/**
 * Misbehaviour scores by node identity (the node id of its hello), not by connection or address: a
 * peer keeps its score when it reconnects, and peers sharing an address (a loopback testnet, a NAT)
 * are scored apart. The least recently penalized are forgotten past {@link #MAX_REMEMBERED}.
 * Thread-safe.
 */
final class PeerScores {
    /** Node identities whose score is remembered. */
    static final int MAX_REMEMBERED = 1_024;

    private final Map<HashKey, Integer> scores = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<HashKey, Integer> eldest) {
            return size() > MAX_REMEMBERED;
        }
    };

    /** Adds {@code points} to the node's score and returns the new score. */
    synchronized int add(HashKey node, int points) {
        return scores.merge(node, points, Integer::sum);
    }

    /** Forgets a node's score (it was banned: the ban is what it pays). */
    synchronized void forget(HashKey node) {
        scores.remove(node);
    }
}
