package mvpos.consensus.bft;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import mvpos.chain.SignedStatement;
import mvpos.codec.CanonicalDecoder;
import mvpos.codec.CanonicalEncoder;
import mvpos.codec.MalformedEncodingException;
import mvpos.consensus.ChainView;
import mvpos.crypto.Address;
import mvpos.crypto.Ed25519;

/**
 * The proof that a block was committed: the precommits for it of validators holding more than two
 * thirds of the stake, all from one round. The {@code bft} engine puts the certificate of a block's parent
 * in the block (Tendermint's "LastCommit"), so every block but the head carries the proof of its parent.
 *
 * <p>Encoding: tag {@value #TAG}, the round, the number of precommits, then each precommit's public key and
 * signature.
 */
public record CommitCertificate(int round, List<Signer> precommits) {
    public static final String TAG = "mvpos.bft.commit.v1";
    /** Most precommits a certificate may carry. */
    public static final int MAX_PRECOMMITS = 10_000;

    /** One validator's precommit: its public key and its signature. */
    public record Signer(byte[] publicKey, byte[] signature) {
        public Signer {
            if (publicKey.length != Ed25519.PUBLIC_KEY_BYTES || signature.length != Ed25519.SIGNATURE_BYTES) {
                throw new MalformedEncodingException("a precommit with a " + publicKey.length + "-byte key and a "
                        + signature.length + "-byte signature");
            }
            publicKey = publicKey.clone();
            signature = signature.clone();
        }
    }

    public CommitCertificate {
        precommits = List.copyOf(precommits);
        if (round < 0 || round >= BftMessage.ROUNDS || precommits.size() > MAX_PRECOMMITS) {
            throw new MalformedEncodingException("a certificate of round " + round + " with " + precommits.size()
                    + " precommits");
        }
    }

    /** A certificate made of these precommit statements (all for one block and round). */
    public static CommitCertificate of(int round, List<SignedStatement> precommits) {
        List<Signer> signers = new ArrayList<>();
        for (SignedStatement statement : precommits) {
            signers.add(new Signer(statement.publicKey(), statement.signature()));
        }
        return new CommitCertificate(round, signers);
    }

    public byte[] encode() {
        CanonicalEncoder out = CanonicalEncoder.tagged(TAG).writeInt(round).writeInt(precommits.size());
        for (Signer signer : precommits) {
            out.writeBytes(signer.publicKey).writeBytes(signer.signature);
        }
        return out.toBytes();
    }

    public static CommitCertificate decode(byte[] bytes) {
        CanonicalDecoder in = CanonicalDecoder.tagged(bytes, TAG);
        int round = in.readInt();
        int count = in.readInt();
        if (count < 0 || count > MAX_PRECOMMITS) {
            throw new MalformedEncodingException("a certificate of " + count + " precommits");
        }
        List<Signer> signers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            signers.add(new Signer(in.readBytes(), in.readBytes()));
        }
        in.end();
        return new CommitCertificate(round, signers);
    }

    /**
     * Why this does not prove that the block {@code blockHash} at {@code height} was committed by
     * {@code validators} (the validators of that height), or empty when it does: each precommit from a
     * different validator of that height, each signature valid, their stake a quorum.
     */
    public Optional<String> whyNotCommit(ChainView chain, BftValidators validators, long height, byte[] blockHash) {
        byte[] signed = SignedStatement.signedBytes(chain.domain(), BftMessage.PRECOMMIT,
                BftMessage.position(height, round), blockHash);
        Set<Address> seen = new HashSet<>();
        long weight = 0;
        for (Signer signer : precommits) {
            Address address = Address.of(signer.publicKey);
            if (!validators.contains(address)) {
                return Optional.of("a precommit of " + address + ", not a validator of height " + height);
            }
            if (!seen.add(address)) {
                return Optional.of("two precommits of " + address);
            }
            if (!chain.verifySignature(signer.publicKey, signed, signer.signature)) {
                return Optional.of("the precommit of " + address + " is not its signature of block " + height
                        + " in round " + round);
            }
            weight += validators.weightOf(address);
        }
        if (!validators.isQuorum(weight)) {
            return Optional.of("precommits of " + weight + " stake, not more than two thirds of "
                    + validators.totalStake());
        }
        return Optional.empty();
    }
}
