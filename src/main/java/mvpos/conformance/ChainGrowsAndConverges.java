package mvpos.conformance;

import static mvpos.conformance.ConformanceFailure.expect;

import java.util.Arrays;
import java.util.List;
import mvpos.chain.Block;
import mvpos.chain.Header;
import mvpos.sim.Devnet;

/** The chain grows, every block links to the one before in a later slot, and honest nodes agree. */
final class ChainGrowsAndConverges implements ConformanceCheck {
    static final long BLOCKS = 30;

    @Override
    public String name() {
        return "growth-and-convergence";
    }

    @Override
    public String description() {
        return BLOCKS + " blocks on a devnet of 4: linked, slots rising, sealed by this engine, every node on one "
                + "chain and one state, more than one proposer";
    }

    @Override
    public void run(EngineUnderTest engine) throws Exception {
        Devnet devnet = engine.devnet(11);
        Devnet.Summary summary = devnet.run(BLOCKS, 0);
        expect(summary.highestHead() >= BLOCKS, "the chain reached height " + summary.highestHead() + ", not " + BLOCKS);
        expect(summary.agree(), "only " + summary.nodesOnTheSameHead() + " of " + summary.nodes()
                + " nodes on one head after the run");
        List<Block> chain = EngineUnderTest.chainOf(devnet.node(0));
        for (int i = 1; i < chain.size(); i++) {
            Header header = chain.get(i).header();
            expect(Arrays.equals(header.parentHash(), chain.get(i - 1).hash()), "block " + i + " does not link to block "
                    + (i - 1));
            expect(header.slot() > chain.get(i - 1).header().slot(), "block " + i + "'s slot " + header.slot()
                    + " is not after its parent's");
            expect(header.engine().equals(engine.engine()), "block " + i + " names engine '" + header.engine() + "'");
        }
        for (int n = 1; n < devnet.size(); n++) {
            expect(EngineUnderTest.chainOf(devnet.node(n)).equals(chain), "node " + n + "'s chain differs from node 0's");
            expect(Arrays.equals(devnet.node(n).headState().root(), devnet.node(0).headState().root()),
                    "node " + n + "'s state differs from node 0's");
        }
        long proposers = chain.stream().skip(1).map(b -> b.header().proposer()).distinct().count();
        expect(proposers > 1, "one validator proposed every block");
    }
}
