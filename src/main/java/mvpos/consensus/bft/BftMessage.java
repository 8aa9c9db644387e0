package mvpos.consensus.bft;

import java.util.Arrays;
import mvpos.chain.Block;
import mvpos.chain.SignedStatement;
import mvpos.codec.CanonicalDecoder;
import mvpos.codec.CanonicalEncoder;
import mvpos.codec.MalformedEncodingException;

/**
 * What validators of the {@code bft} engine say to each other (Buchman, Kwon and Milosevic, "The latest
 * gossip on BFT consensus", 2018): the round's proposer's PROPOSAL of a block (with the round in which it
 * was last seen valid, or -1), and everyone's PREVOTE and PRECOMMIT for a block or for nil. Each is a
 * {@link SignedStatement} for a position made of the height and the round, so that two different ones for
 * one position are slashable evidence.
 *
 * <p>Encoding: tag {@value #TAG}, the statement, then for a proposal the block.
 */
public sealed interface BftMessage {
    String TAG = "mvpos.bft.message.v1";
    String PROPOSAL = "bft.proposal";
    String PREVOTE = "bft.prevote";
    String PRECOMMIT = "bft.precommit";
    /** Rounds per height in a position: a position is height * ROUNDS + round. */
    long ROUNDS = 1L << 20;

    SignedStatement statement();

    default long height() {
        return statement().position() / ROUNDS;
    }

    default int round() {
        return (int) (statement().position() % ROUNDS);
    }

    byte[] encode();

    /** The position of a round in a statement, and the slot of a block proposed in it. */
    static long position(long height, int round) {
        return height * ROUNDS + round;
    }

    /** A proposal: {@code statement}'s value is the block's hash followed by the valid round (8 bytes). */
    record Proposal(SignedStatement statement, Block block) implements BftMessage {
        public static byte[] value(byte[] blockHash, int validRound) {
            return java.nio.ByteBuffer.allocate(blockHash.length + 8).put(blockHash).putLong(validRound).array();
        }

        public int validRound() {
            byte[] value = statement.value();
            return (int) java.nio.ByteBuffer.wrap(value, value.length - 8, 8).getLong();
        }

        /** Whether the statement names this block. */
        public boolean namesItsBlock() {
            byte[] value = statement.value();
            return value.length == 40 && Arrays.equals(Arrays.copyOf(value, 32), block.hash());
        }

        @Override
        public byte[] encode() {
            return CanonicalEncoder.tagged(TAG).writeBytes(statement.encode()).writeBytes(block.encode()).toBytes();
        }
    }

    /** A prevote or precommit: the value is a block hash, or empty for nil. */
    record Vote(SignedStatement statement) implements BftMessage {
        public boolean isPrevote() {
            return PREVOTE.equals(statement.kind());
        }

        @Override
        public byte[] encode() {
            return CanonicalEncoder.tagged(TAG).writeBytes(statement.encode()).writeBytes(new byte[0]).toBytes();
        }
    }

    /** Reads a message; throws {@link MalformedEncodingException} on anything else. */
    static BftMessage decode(byte[] bytes) {
        CanonicalDecoder in = CanonicalDecoder.tagged(bytes, TAG);
        SignedStatement statement = SignedStatement.decode(in.readBytes());
        byte[] block = in.readBytes();
        in.end();
        if (statement.position() < 0) {
            throw new MalformedEncodingException("a negative position");
        }
        return switch (statement.kind()) {
            case PROPOSAL -> {
                if (statement.value().length != 40) {
                    throw new MalformedEncodingException("a proposal's value has " + statement.value().length + " bytes");
                }
                Proposal proposal = new Proposal(statement, Block.decode(block));
                if (!proposal.namesItsBlock() || proposal.validRound() < -1
                        || proposal.validRound() >= proposal.round()) {
                    throw new MalformedEncodingException("a proposal whose statement does not name its block and an"
                            + " earlier valid round");
                }
                yield proposal;
            }
            case PREVOTE, PRECOMMIT -> {
                if (block.length != 0 || statement.value().length != 0 && statement.value().length != 32) {
                    throw new MalformedEncodingException("a vote with a block, or a value of "
                            + statement.value().length + " bytes");
                }
                yield new Vote(statement);
            }
            default -> throw new MalformedEncodingException("unknown bft message kind '" + statement.kind() + "'");
        };
    }
}
