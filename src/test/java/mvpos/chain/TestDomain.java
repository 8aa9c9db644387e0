package mvpos.chain;

import java.nio.charset.StandardCharsets;
import mvpos.crypto.Sha256;

/** Signing domains for tests that sign without a genesis: the chain id, and a genesis hash derived from it. */
public final class TestDomain {
    private TestDomain() {
    }

    /** A domain for {@code chainId} whose genesis hash is SHA-256 of the id (each id gets its own). */
    public static ChainDomain of(String chainId) {
        return new ChainDomain(chainId, Sha256.hash(("test genesis of " + chainId).getBytes(StandardCharsets.UTF_8)));
    }
}
