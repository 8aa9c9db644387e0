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

    /** Where the sender's chain is: sent to each new peer, so that the one behind can ask for what it lacks. */
    record Status(long height, byte[] headHash) implements Message {
        public Status {
            headHash = headHash.clone();
        }

        @Override
        public byte[] headHash() {
            return headHash.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Status s && s.height == height && java.util.Arrays.equals(s.headHash, headHash);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(height) * 31 + java.util.Arrays.hashCode(headHash);
        }

        @Override
        public String toString() {
            return "Status[height " + height + "]";
        }
    }

    /** Asks for the sender's canonical blocks from {@code fromHeight}, at most {@code count} of them. */
    record GetBlocks(long fromHeight, int count) implements Message {
    }

    /** Asks for the addresses of the peers the receiver is connected to (peer exchange). */
    record GetPeers() implements Message {
    }

    /** Addresses ("host:port") of peers the sender is connected to, at most 64. */
    record Peers(List<String> addresses) implements Message {
        public Peers {
            addresses = List.copyOf(addresses);
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
