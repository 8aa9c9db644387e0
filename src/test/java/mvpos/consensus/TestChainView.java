package mvpos.consensus;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mvpos.chain.Block;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.crypto.Ed25519;
import mvpos.state.BucketedState;
import mvpos.state.State;

/**
 * A {@link ChainView} for engine unit tests: headers and states put in by hand, signatures checked
 * directly (and counted, so a test can see a check was made).
 */
public final class TestChainView implements ChainView {
    private final Genesis genesis;
    private final mvpos.chain.ChainDomain domain;
    private final Map<ByteBuffer, Header> headers = new HashMap<>();
    private final Map<ByteBuffer, State> states = new HashMap<>();
    private final Header genesisHeader;
    public int signatureChecks;

    public TestChainView(Genesis genesis) {
        this.genesis = genesis;
        mvpos.state.GenesisState genesisState = mvpos.state.GenesisState.of(genesis);
        this.domain = genesisState.domain();
        this.genesisHeader = genesisState.block().header();
        add(genesisHeader, genesisState.state());
    }

    public Header genesisHeader() {
        return genesisHeader;
    }

    /** Makes a header (and the state after it) known. */
    public TestChainView add(Header header, State stateAfter) {
        headers.put(ByteBuffer.wrap(header.hash()), header);
        if (stateAfter != null) {
            states.put(ByteBuffer.wrap(header.hash()), stateAfter);
        }
        return this;
    }

    @Override
    public Genesis genesis() {
        return genesis;
    }

    @Override
    public mvpos.chain.ChainDomain domain() {
        return domain;
    }

    @Override
    public Optional<Header> header(byte[] hash) {
        return Optional.ofNullable(headers.get(ByteBuffer.wrap(hash)));
    }

    @Override
    public Optional<State> stateAfter(byte[] hash) {
        return Optional.ofNullable(states.get(ByteBuffer.wrap(hash)));
    }

    @Override
    public boolean verifySignature(byte[] publicKey, byte[] message, byte[] signature) {
        signatureChecks++;
        return Ed25519.verify(publicKey, message, signature);
    }
}
