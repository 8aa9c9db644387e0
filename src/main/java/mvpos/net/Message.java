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

    /**
     * A message of the chain's consensus engine's own protocol (a BFT engine's proposal, prevote or
     * precommit): bytes only that engine reads ({@link mvpos.consensus.EngineProtocol}). At most
     * {@link #MAX_BYTES} bytes.
     */
    record EngineMessage(byte[] payload) implements Message {
        /** The longest engine message (a proposal carries a whole block). */
        public static final int MAX_BYTES = 4 * 1024 * 1024 - 1024;

        public EngineMessage {
            if (payload.length > MAX_BYTES) {
                throw new IllegalArgumentException("an engine message of " + payload.length + " bytes, over " + MAX_BYTES);
            }
            payload = payload.clone();
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }

        /** The payload's length, without a copy. */
        public int size() {
            return payload.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof EngineMessage m && java.util.Arrays.equals(m.payload, payload);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return "EngineMessage[" + payload.length + " bytes]";
        }
    }
}
