package mvpos.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mvpos.chain.Block;
import mvpos.node.NodeCore;
import mvpos.sim.Devnet;

/**
 * The engine a conformance run checks: its name (an engine on the class path, found by
 * {@link java.util.ServiceLoader}) and the genesis parameters to give it beyond those a devnet fills in.
 * Every check runs it in seeded devnets of {@link #VALIDATORS} validators and {@link #SLOT_MILLIS} ms
 * slots, in virtual time.
 */
public record EngineUnderTest(String engine, Map<String, String> params) {
    public static final int VALIDATORS = 4;
    public static final long SLOT_MILLIS = 100;

    public EngineUnderTest {
        params = Map.copyOf(params);
    }

    /** A seeded devnet of this engine; {@code heads} receives every head event. */
    public Devnet devnet(long seed, List<Devnet.HeadEvent> heads) throws Exception {
        return new Devnet(Devnet.Config.seeded(engine, VALIDATORS, SLOT_MILLIS, seed).withEngineParams(params),
                heads::add);
    }

    public Devnet devnet(long seed) throws Exception {
        return devnet(seed, new ArrayList<>());
    }

    /** The canonical chain of a node, from its store, genesis first. */
    static List<Block> chainOf(NodeCore node) throws Exception {
        List<Block> chain = new ArrayList<>();
        for (long h = 0; h <= node.head().height(); h++) {
            chain.add(node.blockAt(h).orElseThrow());
        }
        return chain;
    }
}
