package mvpos.conformance;

import static mvpos.conformance.ConformanceFailure.expect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mvpos.chain.Account;
import mvpos.chain.Block;
import mvpos.crypto.Address;
import mvpos.node.NodeCore;
import mvpos.sim.Devnet;

/**
 * A partition (one node against three) forks the chain; once healed, fork choice brings every node to
 * one chain, the heavier side's head canonical, with the state reorganised in memory and in the store.
 */
final class PartitionReorganises implements ConformanceCheck {
    @Override
    public String name() {
        return "fork-resolution";
    }

    @Override
    public String description() {
        return "a 1-3 partition of 40 slots forks; after healing every node holds one chain (the heavier side's), "
                + "with a reorganisation of state in memory and in the store";
    }

    @Override
    public void run(EngineUnderTest engine) throws Exception {
        long slot = EngineUnderTest.SLOT_MILLIS;
        Devnet devnet = engine.devnet(21);
        devnet.advance(5 * slot);
        List<Integer> reorgs = new ArrayList<>();
        for (int n = 0; n < devnet.size(); n++) {
            devnet.node(n).onHeadChanged(change -> reorgs.add(change.reorgDepth()));
        }
        devnet.network().partition(new int[] {0, 1, 1, 1});
        devnet.advance(40 * slot);
        NodeCore alone = devnet.node(0);
        NodeCore majority = devnet.node(1);
        Block aloneHead = alone.head();
        Block majorityHead = majority.head();
        if (alone.engine().neverForks()) {
            neverForked(devnet, alone, majority, reorgs);
            return;
        }
        expect(!Arrays.equals(aloneHead.hash(), majorityHead.hash()), "the two sides of the partition did not fork");
        int heavier = alone.headWeight().compareTo(majority.headWeight());
        devnet.network().heal();
        devnet.advance(10 * slot);
        Devnet.Summary summary = devnet.settle();
        expect(summary.agree(), "the nodes did not converge after healing");
        List<Block> chain = EngineUnderTest.chainOf(alone);
        if (heavier != 0) {
            Block winner = heavier > 0 ? aloneHead : majorityHead;
            Block loser = heavier > 0 ? majorityHead : aloneHead;
            expect(chain.contains(winner), "the heavier side's head is not canonical");
            expect(!chain.contains(loser), "the lighter side's head was not abandoned");
        }
        expect(reorgs.stream().anyMatch(depth -> depth > 0), "no node reorganised");
        for (int n = 0; n < devnet.size(); n++) {
            NodeCore node = devnet.node(n);
            expect(EngineUnderTest.chainOf(node).equals(chain), "node " + n + " holds another chain");
            expect(Arrays.equals(node.headState().root(), node.head().header().stateRoot()),
                    "node " + n + "'s state does not match its head's state root");
            Map<Address, Account> accounts = new HashMap<>();
            node.headState().forEachAccount(accounts::put);
            expect(node.store().accounts().equals(accounts), "node " + n + "'s stored accounts differ from its state");
        }
    }

    /**
     * An engine whose added blocks are final: the partition did not fork the chain (one side's head is on
     * the other's chain, at most one side went on), and after healing every node holds that chain without
     * ever having reorganised.
     */
    private static void neverForked(Devnet devnet, NodeCore alone, NodeCore majority, List<Integer> reorgs)
            throws Exception {
        List<Block> aloneChain = EngineUnderTest.chainOf(alone);
        List<Block> majorityChain = EngineUnderTest.chainOf(majority);
        List<Block> longer = aloneChain.size() >= majorityChain.size() ? aloneChain : majorityChain;
        List<Block> shorter = longer == aloneChain ? majorityChain : aloneChain;
        expect(longer.subList(0, shorter.size()).equals(shorter), "the partition forked an engine that never forks");
        devnet.network().heal();
        devnet.advance(20 * EngineUnderTest.SLOT_MILLIS);
        Devnet.Summary summary = devnet.settle();
        expect(summary.agree(), "the nodes did not converge after healing");
        List<Block> chain = EngineUnderTest.chainOf(alone);
        expect(chain.subList(0, longer.size()).equals(longer), "the chain after healing does not extend the partition's");
        expect(chain.size() > longer.size(), "the chain did not grow after healing");
        for (int n = 0; n < devnet.size(); n++) {
            expect(EngineUnderTest.chainOf(devnet.node(n)).equals(chain), "node " + n + " holds another chain");
        }
        expect(reorgs.stream().allMatch(depth -> depth == 0), "a node reorganised, on an engine that never forks");
    }
}
