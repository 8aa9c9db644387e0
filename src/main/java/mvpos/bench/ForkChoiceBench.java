package mvpos.bench;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import mvpos.chain.Account;
import mvpos.chain.Block;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.consensus.BlockTree;
import mvpos.consensus.forkchoice.LatestMessages;
import mvpos.consensus.forkchoice.LmdGhost;
import mvpos.crypto.Address;
import mvpos.crypto.HashDrbg;
import mvpos.state.GenesisState;

/**
 * How long LMD-GHOST takes to choose a head: a tree of {@code blocks} blocks (each on one of the last
 * eight, so the tree forks), validators of random stake with Casper FFG (weights from the registry),
 * each validator's latest message on a random recent block, and a proposer boost. Each measured head
 * computation follows one new latest message, so none is served from a previous answer. Seeded.
 */
public final class ForkChoiceBench {
    /** What was measured. */
    public record Result(int validators, int blocks, int computations, double medianMillis, double p99Millis,
                         double maxMillis) {
        public String line() {
            return Measure.format("lmd-ghost head: %,d validators, %,d blocks in the tree: median %.3f ms, "
                    + "p99 %.3f ms, max %.3f ms over %,d head computations", validators, blocks, medianMillis,
                    p99Millis, maxMillis, computations);
        }
    }

    private ForkChoiceBench() {
    }

    public static Result run(int validators, int blocks, int computations, long seed) {
        HashDrbg random = new HashDrbg(seed);
        TreeMap<Address, Account> accounts = new TreeMap<>();
        List<Address> voters = new ArrayList<>(validators);
        for (int i = 0; i < validators; i++) {
            byte[] bytes = new byte[Address.LENGTH];
            random.nextBytes(bytes);
            Address address = new Address(bytes);
            voters.add(address);
            accounts.put(address, new Account(0, 0, 1_000 + random.nextLong(31_000)));
        }
        Genesis genesis = new Genesis("fork-choice-bench", 0, 0, 1_000, accounts, "poa", Map.of())
                .withFinality("ffg", Map.of("epochLength", "32"));
        GenesisState genesisState = GenesisState.of(genesis);
        BlockTree tree = new BlockTree(genesis, genesisState.domain(), genesisState.block(), genesisState.state(),
                (key, message, signature) -> true);
        LatestMessages messages = new LatestMessages();
        tree.setForkChoice(new LmdGhost(messages, LmdGhost.DEFAULT_PROPOSER_BOOST, 32));
        List<BlockTree.Entry> added = new ArrayList<>(List.of(tree.head()));
        for (int i = 1; i <= blocks; i++) {
            BlockTree.Entry parent = added.get(Math.max(0, added.size() - 1 - (int) random.nextLong(8)));
            Header header = new Header(genesis.chainId(), parent.height() + 1, parent.hash(), i * 1_000L, i,
                    voters.get(0), Block.txRoot(List.of()), new byte[32], "poa", new byte[0], new byte[0]);
            Block block = new Block(header, List.of());
            added.add(tree.add(block, block.hash(), genesisState.state(), Map.of(), BigInteger.ONE));
        }
        for (Address voter : voters) {
            messages.offer(voter, 1, recent(added, random).hash());
        }
        BlockTree.Entry last = added.get(added.size() - 1);
        messages.boost(last.hash(), last.header().slot());
        for (int warm = 0; warm < 200; warm++) {
            messages.offer(voters.get((int) random.nextLong(validators)), 2 + warm, recent(added, random).hash());
            tree.refreshHead();
        }
        long[] nanos = new long[computations];
        for (int i = 0; i < computations; i++) {
            messages.offer(voters.get((int) random.nextLong(validators)), 1_000 + i, recent(added, random).hash());
            long start = System.nanoTime();
            tree.refreshHead();
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return new Result(validators, tree.size(), computations, nanos[computations / 2] / 1e6,
                nanos[Math.min(computations - 1, computations * 99 / 100)] / 1e6, nanos[computations - 1] / 1e6);
    }

    private static BlockTree.Entry recent(List<BlockTree.Entry> added, HashDrbg random) {
        return added.get(Math.max(0, added.size() - 1 - (int) random.nextLong(Math.min(64, added.size()))));
    }
}
