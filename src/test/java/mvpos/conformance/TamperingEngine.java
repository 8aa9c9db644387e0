package mvpos.conformance;

import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.consensus.ChainView;
import mvpos.consensus.ConsensusEngine;
import mvpos.consensus.PoaEngine;
import mvpos.consensus.SealRejection;
import mvpos.crypto.KeyPair;
import mvpos.crypto.RandomSource;

/**
 * A faulty engine for tests: proof of authority whose {@code seal()} also moves the timestamp one
 * millisecond (and seals that), as a careless engine writer might. Its authorities are every staker
 * when genesis names none.
 */
public final class TamperingEngine implements ConsensusEngine {
    public static final String NAME = "tampering-poa";
    private final PoaEngine poa;

    public TamperingEngine() {
        this(new PoaEngine());
    }

    private TamperingEngine(PoaEngine poa) {
        this.poa = poa;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, String> parameters() {
        return poa.parameters();
    }

    @Override
    public ConsensusEngine configure(Genesis genesis) {
        // Every staker an authority, in address order, when genesis names none (as a devnet gives it).
        java.util.TreeMap<String, String> params = new java.util.TreeMap<>(genesis.engineParams());
        params.putIfAbsent(PoaEngine.AUTHORITIES, String.join(",", genesis.accounts().entrySet().stream()
                .filter(e -> e.getValue().stake() > 0).map(e -> e.getKey().toString()).toList()));
        return new TamperingEngine(poa.configure(genesis.withEngine(PoaEngine.NAME, params)));
    }

    @Override
    public long slotAt(long millis) {
        return poa.slotAt(millis);
    }

    @Override
    public Optional<Claim> claim(ChainView chain, Header parent, long nowMillis, KeyPair validator) {
        return poa.claim(chain, parent, nowMillis, validator);
    }

    @Override
    public Optional<Header> seal(ChainView chain, Header unsealed, KeyPair validator, RandomSource random, long attempts) {
        Header moved = new Header(unsealed.chainId(), unsealed.height(), unsealed.parentHash(), unsealed.timestamp() + 1,
                unsealed.slot(), unsealed.proposer(), unsealed.bodyRoot(), unsealed.stateRoot(), unsealed.engine(),
                unsealed.engineData(), unsealed.seal());
        return poa.seal(chain, moved, validator, random, attempts);
    }

    @Override
    public Optional<SealRejection> verifySeal(ChainView chain, Header parent, Header header, long nowMillis) {
        return poa.verifySeal(chain, parent, header, nowMillis);
    }

    @Override
    public BigInteger weight(Header header) {
        return poa.weight(header);
    }
}
