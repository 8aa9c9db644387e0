package mvpos.net;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import mvpos.crypto.HashKey;

/**
 * The rule against a flood of duplicates on one connection: an honest peer sends each block, vote and
 * transaction at most once (it relays only what was new to it), so the same gossip message arriving
 * twice on one connection is dropped before it costs the node anything, and every
 * {@link #REPEATS_PER_PENALTY}-th repeat is worth a penalty (a peer replaying messages in a loop is
 * banned after a few hundred; a rare honest repeat, say of a vote the node forgot after finality,
 * never adds up to one).
 *
 * <p>It remembers the last {@link #REMEMBERED} message ids. One per connection, used on its event
 * loop only.
 */
final class RepeatedGossip {
    /** How many recent message ids a connection remembers. */
    static final int REMEMBERED = 4096;
    /** Repeats dropped for each penalty. */
    static final int REPEATS_PER_PENALTY = 64;

    private final Set<HashKey> seen = new HashSet<>();
    private final ArrayDeque<HashKey> order = new ArrayDeque<>();
    private long repeats;

    /** What to do with a message that just arrived. */
    sealed interface Verdict permits Deliver, Drop {
    }

    /** New on this connection (or not gossip): hand it to the node. */
    record Deliver() implements Verdict {
    }

    /** Sent before on this connection: drop it; {@code penalty} says whether this repeat costs the peer. */
    record Drop(long repeats, boolean penalty) implements Verdict {
    }

    private static final Deliver DELIVER = new Deliver();

    Verdict check(Message message) {
        Optional<HashKey> id = idOf(message);
        if (id.isEmpty()) {
            return DELIVER;
        }
        if (seen.contains(id.get())) {
            repeats++;
            return new Drop(repeats, repeats % REPEATS_PER_PENALTY == 0);
        }
        seen.add(id.get());
        order.addLast(id.get());
        if (order.size() > REMEMBERED) {
            seen.remove(order.removeFirst());
        }
        return DELIVER;
    }

    /** The id of a gossip message (block, vote or transaction hash); empty for requests and answers. */
    private static Optional<HashKey> idOf(Message message) {
        return switch (message) {
            case Message.NewBlock block -> Optional.of(HashKey.of(block.block().hash()));
            case Message.NewVote vote -> Optional.of(HashKey.of(vote.vote().hash()));
            case Message.NewTransaction tx -> Optional.of(HashKey.of(tx.transaction().hash()));
            default -> Optional.empty();
        };
    }
}
