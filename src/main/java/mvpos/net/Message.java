package mvpos.net;

import java.util.List;
import mvpos.chain.Block;
import mvpos.chain.Transaction;

/** What nodes say to each other. */
public sealed interface Message {

    /** A block the sender produced or accepted. */
    record NewBlock(Block block) implements Message {
    }

    /** Asks for the known block with this hash (a node that received an orphan asks for its parent). */
    record GetBlock(byte[] hash) implements Message {
        public GetBlock {
            hash = hash.clone();
        }

        @Override
        public byte[] hash() {
            return hash.clone();
        }

        /** Equal when the hashes hold the same bytes (a record would compare the arrays' identity). */
        @Override
        public boolean equals(Object o) {
            return o instanceof GetBlock other && java.util.Arrays.equals(hash, other.hash);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(hash);
        }

        @Override
        public String toString() {
            return "GetBlock[" + mvpos.crypto.Hex.encode(hash) + "]";
        }
    }

    /** A finality vote. */
    record NewVote(mvpos.chain.Vote vote) implements Message {
    }

    /** A pending transaction. */
    record NewTransaction(Transaction transaction) implements Message {
    }

    /** Blocks sent in answer to a request, lowest first. */
    record Blocks(List<Block> blocks) implements Message {
        public Blocks {
            blocks = List.copyOf(blocks);
        }
    }
}
