package mvpos.chain;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import mvpos.codec.CanonicalDecoder;
import mvpos.codec.CanonicalEncoder;
import mvpos.crypto.Sha256;

/**
 * A header and its body: the transactions and the finality votes it carries, both committed to by
 * the header's {@code bodyRoot}. Only chains with a finality gadget carry votes (as Ethereum blocks
 * carry attestations); the state transition counts them.
 */
public record Block(Header header, List<Transaction> transactions, List<Vote> votes) {
    private static final String TAG = "mvpos.block.v1";
    private static final String TAG_WITH_VOTES = "mvpos.block.v2";
    private static final byte[] TX_ROOT_TAG = "mvpos.txroot.v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] VOTE_ROOT_TAG = "mvpos.voteroot.v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] BODY_ROOT_TAG = "mvpos.bodyroot.v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    public Block {
        transactions = List.copyOf(transactions);
        votes = List.copyOf(votes);
    }

    /** A block without votes. */
    public Block(Header header, List<Transaction> transactions) {
        this(header, transactions, List.of());
    }

    /** The commitment to a list of transactions: SHA-256 over their count and their hashes, in order. */
    public static byte[] txRoot(List<Transaction> transactions) {
        if (transactions.isEmpty()) {
            return EMPTY_TX_ROOT.clone();
        }
        return computeTxRoot(transactions);
    }

    private static final byte[] EMPTY_TX_ROOT = computeTxRoot(List.of());

    private static byte[] computeTxRoot(List<Transaction> transactions) {
        MessageDigest digest = Sha256.newDigest();
        digest.update(TX_ROOT_TAG);
        digest.update(java.nio.ByteBuffer.allocate(Integer.BYTES).putInt(transactions.size()).array());
        for (Transaction tx : transactions) {
            digest.update(tx.hash());
        }
        return digest.digest();
    }

    /**
     * The commitment to a block's body: without votes, {@link #txRoot} of its transactions; with votes,
     * SHA-256 of a tag, that transactions root and the votes root (SHA-256 over their count and their
     * hashes, in order).
     */
    public static byte[] bodyRoot(List<Transaction> transactions, List<Vote> votes) {
        byte[] txRoot = txRoot(transactions);
        if (votes.isEmpty()) {
            return txRoot;
        }
        MessageDigest digest = Sha256.newDigest();
        digest.update(VOTE_ROOT_TAG);
        digest.update(java.nio.ByteBuffer.allocate(Integer.BYTES).putInt(votes.size()).array());
        for (Vote vote : votes) {
            digest.update(vote.hash());
        }
        byte[] voteRoot = digest.digest();
        digest.update(BODY_ROOT_TAG);
        digest.update(txRoot);
        digest.update(voteRoot);
        return digest.digest();
    }

    public byte[] hash() {
        return header.hash();
    }

    public long height() {
        return header.height();
    }

    /**
     * The canonical encoding: without votes, tag {@value #TAG}, the header, the transaction count and
     * each transaction; with votes, tag {@value #TAG_WITH_VOTES} and then the vote count and each vote.
     */
    public byte[] encode() {
        CanonicalEncoder out = CanonicalEncoder.tagged(votes.isEmpty() ? TAG : TAG_WITH_VOTES)
                .writeBytes(header.encode()).writeInt(transactions.size());
        for (Transaction tx : transactions) {
            out.writeBytes(tx.encode());
        }
        if (!votes.isEmpty()) {
            out.writeInt(votes.size());
            for (Vote vote : votes) {
                out.writeBytes(vote.encode());
            }
        }
        return out.toBytes();
    }

    public static Block decode(byte[] bytes) {
        CanonicalDecoder in = CanonicalDecoder.taggedAnyOf(bytes, TAG, TAG_WITH_VOTES);
        boolean withVotes = in.tag().equals(TAG_WITH_VOTES);
        Header header = Header.decode(in.readBytes());
        int count = in.readInt();
        if (count < 0) {
            throw new mvpos.codec.MalformedEncodingException("negative transaction count " + count);
        }
        List<Transaction> txs = new ArrayList<>(Math.min(count, 10_000));
        for (int i = 0; i < count; i++) {
            txs.add(Transaction.decode(in.readBytes()));
        }
        List<Vote> votes = List.of();
        if (withVotes) {
            int voteCount = in.readInt();
            if (voteCount <= 0) {
                throw new mvpos.codec.MalformedEncodingException("a block with votes has " + voteCount + " of them");
            }
            votes = new ArrayList<>(Math.min(voteCount, 10_000));
            for (int i = 0; i < voteCount; i++) {
                votes.add(Vote.decode(in.readBytes()));
            }
        }
        in.end();
        return new Block(header, txs, votes);
    }
}
