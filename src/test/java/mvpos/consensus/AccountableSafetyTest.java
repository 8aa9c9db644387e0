package mvpos.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import mvpos.chain.Account;
import mvpos.chain.Block;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.chain.SlashingConditions;
import mvpos.chain.Vote;
import mvpos.crypto.Address;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import mvpos.state.BucketedState;
import mvpos.state.State;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Casper FFG's accountable safety on two forks from genesis and four validators of equal stake: two
 * conflicting checkpoints are never both justified (so never both finalized) unless more than 1/3 of
 * the stake voted on both sides, and then at least 1/3 of the stake is provably slashable from the
 * votes themselves.
 */
class AccountableSafetyTest {
    private static final String CHAIN = "safety-test";
    private static final long EPOCH = 2;
    private final List<KeyPair> validators = new ArrayList<>();
    private final Genesis genesis;
    private final BlockTree tree;
    private final State state;
    private final List<Block> forkA = new ArrayList<>();
    private final List<Block> forkB = new ArrayList<>();

    AccountableSafetyTest() {
        HashDrbg random = new HashDrbg(12);
        TreeMap<Address, Account> accounts = new TreeMap<>();
        for (int i = 0; i < 4; i++) {
            KeyPair key = KeyPair.generate(random);
            validators.add(key);
            accounts.put(key.address(), new Account(0, 0, 25));
        }
        genesis = new Genesis(CHAIN, 0, 0, 1_000, accounts, "poa", Map.of("authorities", validators.get(0).address()
                .toString())).withFinality(CasperFfg.NAME, Map.of(CasperFfg.EPOCH_LENGTH, Long.toString(EPOCH)));
        state = BucketedState.of(accounts);
        Block genesisBlock = new Block(genesis.header(state.root()), List.of());
        tree = new BlockTree(genesis, genesisBlock, state, (k, m, s) -> true);
        forkA.add(genesisBlock);
        forkB.add(genesisBlock);
        extend(forkA, 1);
        extend(forkB, 2);
    }

    private void extend(List<Block> fork, int salt) {
        for (int i = 0; i < 3 * EPOCH; i++) {
            Header parent = fork.get(fork.size() - 1).header();
            Header header = new Header(CHAIN, parent.height() + 1, parent.hash(), parent.timestamp() + 1_000,
                    parent.slot() + 1, validators.get(0).address(), Block.txRoot(List.of()), state.root(), "poa",
                    new byte[0], new byte[] {(byte) salt});
            Block block = new Block(header, List.of());
            tree.add(block, block.hash(), state, Map.of(), BigInteger.ONE);
            fork.add(block);
        }
    }

    /** An honest validator's votes on one fork: genesis -> epoch 1 -> epoch 2. */
    private List<Vote> votesOn(List<Block> fork, int validator) {
        byte[] cp0 = fork.get(0).hash();
        byte[] cp1 = fork.get((int) EPOCH).hash();
        byte[] cp2 = fork.get((int) (2 * EPOCH)).hash();
        return List.of(Vote.sign(validators.get(validator), CHAIN, 0, cp0, 1, cp1),
                Vote.sign(validators.get(validator), CHAIN, 1, cp1, 2, cp2));
    }

    /** The validators any two of whose recorded votes are slashable together. */
    private static Set<Address> provablySlashable(List<Vote> votes) {
        Set<Address> slashable = new HashSet<>();
        for (int i = 0; i < votes.size(); i++) {
            for (int j = i + 1; j < votes.size(); j++) {
                if (SlashingConditions.isSlashable(votes.get(i), votes.get(j))) {
                    slashable.add(votes.get(i).validator());
                }
            }
        }
        return slashable;
    }

    /**
     * Each validator is honest on fork A (0), honest on fork B (1), faulty: votes on both (2), or
     * silent (3). A single node that sees every vote is the worst case.
     */
    @Property(tries = 200)
    void conflictingCheckpointsNeedMoreThanAThirdOfTheStakeToBeSlashable(
            @ForAll @IntRange(min = 0, max = 3) int v0, @ForAll @IntRange(min = 0, max = 3) int v1,
            @ForAll @IntRange(min = 0, max = 3) int v2, @ForAll @IntRange(min = 0, max = 3) int v3) {
        int[] roles = {v0, v1, v2, v3};
        List<Vote> all = new ArrayList<>();
        for (int v = 0; v < 4; v++) {
            if (roles[v] == 0 || roles[v] == 2) {
                all.addAll(votesOn(forkA, v));
            }
            if (roles[v] == 1 || roles[v] == 2) {
                all.addAll(votesOn(forkB, v));
            }
        }
        CasperFfg ffg = new CasperFfg(genesis, tree);
        all.forEach(ffg::addVote);
        boolean conflict = ffg.isJustified(forkA.get((int) (2 * EPOCH)).hash())
                && ffg.isJustified(forkB.get((int) (2 * EPOCH)).hash());
        long faulty = java.util.Arrays.stream(roles).filter(r -> r == 2).count();
        if (faulty * 3 < 4) { // less than 1/3 of the stake faulty
            assertThat(conflict).as("conflicting checkpoints justified with %d faulty of 4", faulty).isFalse();
        }
        if (conflict) {
            assertThat(provablySlashable(all).size() * 3).as("slashable validators of 4")
                    .isGreaterThanOrEqualTo(4);
        }
    }

    @org.junit.jupiter.api.Test
    void twoFaultyOfFourCanFinalizeConflictingCheckpointsAndAreThenBothSlashable() {
        List<Vote> seenByA = new ArrayList<>(votesOn(forkA, 0));
        List<Vote> seenByB = new ArrayList<>(votesOn(forkB, 1));
        for (int faulty : new int[] {2, 3}) {
            seenByA.addAll(votesOn(forkA, faulty));
            seenByB.addAll(votesOn(forkB, faulty));
        }
        CasperFfg nodeOnA = new CasperFfg(genesis, tree);
        CasperFfg nodeOnB = new CasperFfg(genesis, tree);
        seenByA.forEach(nodeOnA::addVote);
        seenByB.forEach(nodeOnB::addVote);
        assertThat(nodeOnA.finalized()).isEqualTo(new CasperFfg.Checkpoint(1, forkA.get((int) EPOCH).hash()));
        assertThat(nodeOnB.finalized()).isEqualTo(new CasperFfg.Checkpoint(1, forkB.get((int) EPOCH).hash()));

        List<Vote> recorded = new ArrayList<>(seenByA);
        recorded.addAll(seenByB);
        assertThat(provablySlashable(recorded)).containsExactlyInAnyOrder(validators.get(2).address(),
                validators.get(3).address());
    }
}
