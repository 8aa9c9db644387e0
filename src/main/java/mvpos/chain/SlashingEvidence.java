package mvpos.chain;

import java.util.Optional;
import mvpos.codec.CanonicalDecoder;
import mvpos.codec.CanonicalEncoder;
import mvpos.codec.MalformedEncodingException;
import mvpos.crypto.Address;

/**
 * The proof a {@link TxKind#SLASH} transaction carries as its data: two votes that break a Casper FFG
 * rule (a double or a surround vote), or two headers that one proposer sealed for one slot
 * (equivocation), or two statements of one validator that give two values for one position of an
 * engine's protocol (a BFT double prevote or precommit).
 *
 * <p>Encoding: tag {@value #TAG}, a 32-bit kind ({@value #VOTES} votes, {@value #HEADERS} headers),
 * then the two objects' own encodings, each length-prefixed.
 */
public sealed interface SlashingEvidence {
    String TAG = "mvpos.slashing.evidence.v1";
    int VOTES = 1;
    int HEADERS = 2;
    int STATEMENTS = 3;
    /** The longest evidence a transaction may carry. */
    int MAX_BYTES = 16 * 1024;

    /** Who the evidence accuses: the voter, or the proposer. */
    Address offender();

    /**
     * Why this does not prove an offence on the chain of {@code domain} (another chain, no rule broken,
     * a signature that does not verify for that chain), or empty when it does.
     */
    Optional<String> whyNotProof(ChainDomain domain);

    byte[] encode();

    /** Reads evidence; throws {@link MalformedEncodingException} on bytes that are not evidence. */
    static SlashingEvidence decode(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new MalformedEncodingException("evidence of " + bytes.length + " bytes, more than " + MAX_BYTES);
        }
        CanonicalDecoder in = CanonicalDecoder.tagged(bytes, TAG);
        int kind = in.readInt();
        byte[] first = in.readBytes();
        byte[] second = in.readBytes();
        in.end();
        return switch (kind) {
            case VOTES -> new VotePair(Vote.decode(first), Vote.decode(second));
            case HEADERS -> new HeaderPair(Header.decode(first), Header.decode(second));
            case STATEMENTS -> new StatementPair(SignedStatement.decode(first), SignedStatement.decode(second));
            default -> throw new MalformedEncodingException("unknown evidence kind " + kind);
        };
    }

    /** Two votes of one validator that are a double vote or a surround vote. */
    record VotePair(Vote first, Vote second) implements SlashingEvidence {
        @Override
        public Address offender() {
            return first.validator();
        }

        @Override
        public Optional<String> whyNotProof(ChainDomain domain) {
            String chainId = domain.chainId();
            if (!first.chainId().equals(chainId) || !second.chainId().equals(chainId)) {
                return Optional.of("votes of chain '" + first.chainId() + "' and '" + second.chainId() + "', not '"
                        + chainId + "'");
            }
            if (!SlashingConditions.isSlashable(first, second)) {
                return Optional.of("the votes are neither a double vote nor a surround vote of one validator");
            }
            if (!first.hasValidSignature(domain) || !second.hasValidSignature(domain)) {
                return Optional.of("a vote's signature is not its validator's");
            }
            return Optional.empty();
        }

        @Override
        public byte[] encode() {
            return CanonicalEncoder.tagged(TAG).writeInt(VOTES).writeBytes(first.encode()).writeBytes(second.encode())
                    .toBytes();
        }
    }

    /** Two different headers sealed by one proposer for one slot. */
    record HeaderPair(Header first, Header second) implements SlashingEvidence {
        @Override
        public Address offender() {
            return first.proposer();
        }

        @Override
        public Optional<String> whyNotProof(ChainDomain domain) {
            String chainId = domain.chainId();
            if (!first.chainId().equals(chainId) || !second.chainId().equals(chainId)) {
                return Optional.of("headers of chain '" + first.chainId() + "' and '" + second.chainId() + "', not '"
                        + chainId + "'");
            }
            if (!SlashingConditions.isEquivocation(first, second)) {
                return Optional.of("the headers are not two different blocks of one proposer for one slot");
            }
            byte[] genesisHash = domain.genesisHash();
            Optional<SignedSeal.Problem> problem = SignedSeal.check(first, genesisHash, SignedSeal.Verifier.ED25519)
                    .or(() -> SignedSeal.check(second, genesisHash, SignedSeal.Verifier.ED25519));
            return problem.map(p -> "a header's seal is not its proposer's signature: " + p.detail());
        }

        @Override
        public byte[] encode() {
            return CanonicalEncoder.tagged(TAG).writeInt(HEADERS).writeBytes(first.encode())
                    .writeBytes(second.encode()).toBytes();
        }
    }

    /** Two statements of one validator with two values for one kind and position (a double prevote, say). */
    record StatementPair(SignedStatement first, SignedStatement second) implements SlashingEvidence {
        @Override
        public Address offender() {
            return first.signer();
        }

        @Override
        public Optional<String> whyNotProof(ChainDomain domain) {
            if (!first.conflictsWith(second)) {
                return Optional.of("the statements are not two values of one signer for one kind and position");
            }
            return first.whyNotSigned(domain).or(() -> second.whyNotSigned(domain));
        }

        @Override
        public byte[] encode() {
            return CanonicalEncoder.tagged(TAG).writeInt(STATEMENTS).writeBytes(first.encode())
                    .writeBytes(second.encode()).toBytes();
        }
    }
}
