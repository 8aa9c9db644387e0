package mvpos.conformance;

import static mvpos.conformance.ConformanceFailure.expect;

import java.util.Arrays;
import java.util.List;
import mvpos.chain.Block;
import mvpos.chain.Header;
import mvpos.node.BlockRejection;
import mvpos.node.NodeCore;
import mvpos.sim.Devnet;

/** A block whose seal or engine data was tampered with is refused as a bad seal, and the head stays. */
final class BadSealsRefused implements ConformanceCheck {
    @Override
    public String name() {
        return "bad-seals-refused";
    }

    @Override
    public String description() {
        return "a flipped seal bit, an empty seal and longer engine data are each refused (BAD_SEAL), the head unmoved";
    }

    @Override
    public void run(EngineUnderTest engine) throws Exception {
        Devnet devnet = engine.devnet(3);
        devnet.run(8, 0);
        NodeCore node = devnet.node(1);
        Block head = node.head();
        Block good = node.blockAt(head.height() - 1).orElseThrow(); // its parent is known to every node
        Header h = good.header();
        byte[] seal = h.seal();
        expect(seal.length > 0, "the engine's blocks carry an empty seal");
        seal[seal.length / 2] ^= 0x10;
        byte[] longer = Arrays.copyOf(h.engineData(), h.engineData().length + 1);
        List<Block> tampered = List.of(
                new Block(h.withSeal(seal), good.transactions(), good.votes()),
                new Block(h.withSeal(new byte[0]), good.transactions(), good.votes()),
                new Block(new Header(h.chainId(), h.height(), h.parentHash(), h.timestamp(), h.slot(), h.proposer(),
                        h.bodyRoot(), h.stateRoot(), h.engine(), longer, h.seal()), good.transactions(), good.votes()));
        String[] what = {"a flipped seal bit", "an empty seal", "longer engine data"};
        for (int i = 0; i < tampered.size(); i++) {
            NodeCore.BlockResult result = node.addBlock(tampered.get(i), devnet.events().millis());
            expect(result instanceof NodeCore.Invalid invalid
                            && invalid.rejection().reason() == BlockRejection.Reason.BAD_SEAL,
                    "a block with " + what[i] + " was not refused as a bad seal: " + result);
            expect(node.head().equals(head), "a block with " + what[i] + " moved the head");
        }
    }
}
