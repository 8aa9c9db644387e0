package mvpos.chain;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import mvpos.codec.CanonicalDecoder;
import mvpos.codec.CanonicalEncoder;
import mvpos.crypto.Sha256;

/** A header and the transactions it commits to through its {@code txRoot}. */
public record Block(Header header, List<Transaction> transactions) {
    private static final String TAG = "mvpos.block.v1";
    private static final byte[] TX_ROOT_TAG = "mvpos.txroot.v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    public Block {
        transactions = List.copyOf(transactions);
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

    public byte[] hash() {
        return header.hash();
    }

    public long height() {
        return header.height();
    }

    public byte[] encode() {
        CanonicalEncoder out = CanonicalEncoder.tagged(TAG).writeBytes(header.encode()).writeInt(transactions.size());
        for (Transaction tx : transactions) {
            out.writeBytes(tx.encode());
        }
        return out.toBytes();
    }

    public static Block decode(byte[] bytes) {
        CanonicalDecoder in = CanonicalDecoder.tagged(bytes, TAG);
        Header header = Header.decode(in.readBytes());
        int count = in.readInt();
        if (count < 0) {
            throw new mvpos.codec.MalformedEncodingException("negative transaction count " + count);
        }
        List<Transaction> txs = new ArrayList<>(Math.min(count, 10_000));
        for (int i = 0; i < count; i++) {
            txs.add(Transaction.decode(in.readBytes()));
        }
        in.end();
        return new Block(header, txs);
    }
}
