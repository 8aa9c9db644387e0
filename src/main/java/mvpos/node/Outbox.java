package mvpos.node;

import mvpos.chain.Block;
import mvpos.chain.Transaction;
import mvpos.chain.Vote;

/**
 * Where a validator's output goes: the network layer announces what it is given to the node's peers.
 * A strategy decides what to give it and when (an honest one: everything, at once).
 */
public interface Outbox {
    void announce(Block block);

    void announce(Vote vote);

    void announce(Transaction transaction);

    /** An outbox that sends nothing (a node alone). */
    Outbox NONE = new Outbox() {
        @Override
        public void announce(Block block) {
        }

        @Override
        public void announce(Vote vote) {
        }

        @Override
        public void announce(Transaction transaction) {
        }
    };
}
