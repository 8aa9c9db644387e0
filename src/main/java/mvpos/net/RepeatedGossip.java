package mvpos.net;

import java.util.LinkedHashSet;
import java.util.Optional;
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

    /** The ids remembered, oldest first. */
    private final LinkedHashSet<HashKey> seen = new LinkedHashSet<>();
    private long repeats;

    /** What to do with a message that just arrived. */
    sealed interface Verdict permits Deliver, Drop {
    }

    /** New on this connection (or not gossip): hand it to the node. */
    record Deliver() implements Verdict {
    }

    /** Sent before on this connection: drop it. {@code repeats}: how many so far on the connection. */
    record Drop(long repeats) implements Verdict {
        /** Whether this repeat costs the peer a penalty. */
        boolean penalty() {
            return repeats % REPEATS_PER_PENALTY == 0;
        }
    }

    private static final Deliver DELIVER = new Deliver();

    Verdict check(Message message) {
        Optional<HashKey> id = idOf(message);
        if (id.isEmpty()) {
            return DELIVER;
        }
        if (!seen.add(id.get())) {
            return new Drop(++repeats);
        }
        if (seen.size() > REMEMBERED) {
            seen.removeFirst();
        }
        return DELIVER;
    }

    /** The id of a gossip message (block, vote or transaction hash); empty for requests and answers. */
    private static Optional<HashKey> idOf(Message message) {
        return switch (message) {
            case Message.NewBlock block -> Optional.of(HashKey.of(block.block().hash()));
            case Message.NewVote vote -> Optional.of(HashKey.of(vote.vote().hash()));
            case Message.NewTransaction tx -> Optional.of(HashKey.of(tx.transaction().hash()));
            case Message.EngineMessage m -> Optional.of(HashKey.of(mvpos.crypto.Sha256.hash(m.payload())));
            default -> Optional.empty();
        };
    }
}
