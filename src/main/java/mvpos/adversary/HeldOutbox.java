package mvpos.adversary;

import java.util.ArrayList;
import java.util.List;
import mvpos.chain.Block;
import mvpos.chain.Transaction;
import mvpos.chain.Vote;
import mvpos.node.Outbox;

/**
 * Delivery under an adversary's control: an {@link Outbox} in front of the network that, while holding,
 * keeps the blocks and votes a strategy announces instead of sending them, and sends them later on
 * {@link #release} (all, in the order made) or {@link #releaseFirst} (the oldest few, as a selfish miner
 * publishes one block to match an honest one). Each block made by the coalition can also be posted to a
 * {@link Coalition}'s private channel. Transactions always go out (slashing evidence included).
 */
public final class HeldOutbox implements Outbox {
    private final Outbox network;
    private final List<Object> held = new ArrayList<>();
    private boolean holding;

    public HeldOutbox(Outbox network) {
        this.network = network;
    }

    /** From now on, keep blocks and votes instead of sending them. */
    public void hold() {
        holding = true;
    }

    /** Send everything held, oldest first, and stop holding. */
    public int release() {
        int count = releaseFirst(held.size());
        holding = false;
        return count;
    }

    /** Send the {@code count} oldest held messages (fewer if fewer are held); keep holding the rest. */
    public int releaseFirst(int count) {
        int n = Math.min(count, held.size());
        List<Object> out = new ArrayList<>(held.subList(0, n));
        held.subList(0, n).clear();
        for (Object message : out) {
            switch (message) {
                case Block block -> network.announce(block);
                case Vote vote -> network.announce(vote);
                default -> throw new IllegalStateException("only blocks and votes are held");
            }
        }
        return n;
    }

    /** How many blocks and votes wait. */
    public int heldCount() {
        return held.size();
    }

    public boolean holding() {
        return holding;
    }

    @Override
    public void announce(Block block) {
        if (holding) {
            held.add(block);
        } else {
            network.announce(block);
        }
    }

    @Override
    public void announce(Vote vote) {
        if (holding) {
            held.add(vote);
        } else {
            network.announce(vote);
        }
    }

    @Override
    public void announce(Transaction transaction) {
        network.announce(transaction);
    }
}
