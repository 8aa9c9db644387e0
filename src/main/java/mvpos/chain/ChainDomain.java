package mvpos.chain;

import java.util.Arrays;
import java.util.Objects;
import mvpos.crypto.Hex;

/**
 * What every signature on a chain commits to: its chain id and the hash of its genesis block. Every
 * signed message (a transaction, a finality vote, a block's seal, a proposer's reveal) starts with
 * both, so that a signature made for one chain is worthless on any other, even one with the same
 * chain id (every devnet is called {@code mvpos-devnet}): its genesis block commits to the initial
 * accounts and to every rule, so two chains never share it.
 *
 * <p>Only the chain id is stored with a transaction or a vote; the genesis hash is implied by the
 * chain that checks it.
 */
public record ChainDomain(String chainId, byte[] genesisHash) {
    public ChainDomain {
        Objects.requireNonNull(chainId, "chainId");
        if (genesisHash.length != 32) {
            throw new IllegalArgumentException("a genesis hash has 32 bytes, not " + genesisHash.length);
        }
        genesisHash = genesisHash.clone();
    }

    @Override
    public byte[] genesisHash() {
        return genesisHash.clone();
    }

    /** Writes the domain first in a signed message: the chain id, then the genesis hash. */
    public mvpos.codec.CanonicalEncoder writeTo(mvpos.codec.CanonicalEncoder out) {
        return out.writeString(chainId).writeBytes(genesisHash);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChainDomain d && d.chainId.equals(chainId) && Arrays.equals(d.genesisHash, genesisHash);
    }

    @Override
    public int hashCode() {
        return chainId.hashCode() * 31 + Arrays.hashCode(genesisHash);
    }

    @Override
    public String toString() {
        return chainId + "/" + Hex.encode(genesisHash).substring(0, 16);
    }
}
