package mvpos.conformance;

import static mvpos.conformance.ConformanceFailure.expect;

import java.util.Arrays;
import java.util.List;
import mvpos.chain.Block;
import mvpos.chain.MemoryChainStore;
import mvpos.node.NodeCore;
import mvpos.sim.Devnet;

/**
 * A node restarted on its store rebuilds what the engine needs from it: the same head and state, and
 * it goes on accepting the chain's next blocks (an engine that keeps state outside the chain fails).
 */
final class RestartRebuilds implements ConformanceCheck {
    @Override
    public String name() {
        return "restart";
    }

    @Override
    public String description() {
        return "a node fed 20 blocks, closed and opened again on its store, has the same head and state and "
                + "accepts the next 10 blocks";
    }

    @Override
    public void run(EngineUnderTest engine) throws Exception {
        Devnet devnet = engine.devnet(9);
        devnet.run(30, 0);
        List<Block> chain = EngineUnderTest.chainOf(devnet.node(0));
        long now = devnet.events().millis();
        MemoryChainStore store = new MemoryChainStore();
        NodeCore first = NodeCore.open(devnet.genesis(), store);
        int half = Math.min(20, chain.size() - 1);
        for (int h = 1; h <= half; h++) {
            NodeCore.BlockResult result = first.addBlock(chain.get(h), now);
            expect(result instanceof NodeCore.Added, "a fresh node refused block " + h + ": " + result);
        }
        NodeCore restarted = NodeCore.open(devnet.genesis(), store);
        expect(Arrays.equals(restarted.head().hash(), first.head().hash()), "the restarted node's head is block "
                + restarted.head().height() + ", not " + first.head().height());
        expect(Arrays.equals(restarted.headState().root(), first.headState().root()),
                "the restarted node's state differs");
        for (int h = half + 1; h < chain.size(); h++) {
            NodeCore.BlockResult result = restarted.addBlock(chain.get(h), now);
            expect(result instanceof NodeCore.Added, "after a restart the node refused block " + h + ": " + result);
        }
        expect(Arrays.equals(restarted.head().hash(), chain.get(chain.size() - 1).hash()),
                "after a restart the node did not follow the chain to its head");
    }
}
