package mvpos.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import mvpos.chain.Account;
import mvpos.chain.Block;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.chain.Vote;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import mvpos.state.BucketedState;
import mvpos.state.State;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Justification and finalization on hand-built vote sets: four validators staking 10, 20, 30 and 40
 * (2/3 of 100 is 66.7), epochs of 4 slots, one block per slot.
 */
class CasperFfgTest {
    private static final String CHAIN = "ffg-test";
    private static final long EPOCH = 4;
    private final List<KeyPair> validators = new ArrayList<>();
    private final KeyPair outsider;
    private final Genesis genesis;
    private final BlockTree tree;
    private final State state;
    private final List<Block> chain = new ArrayList<>();

    CasperFfgTest() {
        HashDrbg random = new HashDrbg(4);
        TreeMap<mvpos.crypto.Address, Account> accounts = new TreeMap<>();
        for (int i = 1; i <= 4; i++) {
            KeyPair key = KeyPair.generate(random);
            validators.add(key);
            accounts.put(key.address(), new Account(0, 0, 10L * i));
        }
        outsider = KeyPair.generate(random);
        genesis = new Genesis(CHAIN, 0, 0, 1_000, accounts, "poa", Map.of("authorities", validators.get(0).address().toString()))
                .withFinality(CasperFfg.NAME, Map.of(CasperFfg.EPOCH_LENGTH, Long.toString(EPOCH)));
        state = BucketedState.of(accounts);
        Block genesisBlock = new Block(genesis.header(state.root()), List.of());
        tree = new BlockTree(genesis, genesisBlock, state, (k, m, s) -> true);
        chain.add(genesisBlock);
        extend(chain, 12, 0);
    }

    /** Adds {@code count} blocks on top of the last of {@code blocks}, one per slot; {@code salt} tells forks apart. */
    private void extend(List<Block> blocks, int count, int salt) {
        for (int i = 0; i < count; i++) {
            Header parent = blocks.get(blocks.size() - 1).header();
            Header header = new Header(CHAIN, parent.height() + 1, parent.hash(), parent.timestamp() + 1_000,
                    parent.slot() + 1, validators.get(0).address(), Block.txRoot(List.of()), state.root(), "poa",
                    new byte[0], new byte[] {(byte) salt});
            Block block = new Block(header, List.of());
            tree.add(block, block.hash(), state, Map.of(), BigInteger.ONE);
            blocks.add(block);
        }
    }

    /** The checkpoint block of an epoch on the main chain (one block per slot: the block at slot e*4). */
    private byte[] cp(long epoch) {
        return chain.get((int) (epoch * EPOCH)).hash();
    }

    private Vote vote(int validator, long source, long target) {
        return Vote.sign(validators.get(validator), CHAIN, source, cp(source), target, cp(target));
    }

    @Test
    void twoThirdsOfStakeJustifyAndTheNextEpochFinalizes() {
        CasperFfg ffg = new CasperFfg(genesis, tree);
        // 40 + 20 = 60 < 66.7: not yet.
        assertThat(ffg.addVote(vote(3, 0, 1))).isEqualTo(new CasperFfg.Counted(false, false));
        assertThat(ffg.addVote(vote(1, 0, 1))).isEqualTo(new CasperFfg.Counted(false, false));
        assertThat(ffg.isJustified(cp(1))).isFalse();
        // + 10 = 70: justified.
        assertThat(ffg.addVote(vote(0, 0, 1))).isEqualTo(new CasperFfg.Counted(true, false));
        assertThat(ffg.latestJustified()).isEqualTo(new CasperFfg.Checkpoint(1, cp(1)));
        assertThat(ffg.finalized().epoch()).isZero(); // genesis: 0 -> 1 also finalizes genesis, already final

        // 1 -> 2 by 40 + 30 = 70: epoch 2 justified, epoch 1 finalized.
        ffg.addVote(vote(3, 1, 2));
        assertThat(ffg.addVote(vote(2, 1, 2))).isEqualTo(new CasperFfg.Counted(true, true));
        assertThat(ffg.latestJustified()).isEqualTo(new CasperFfg.Checkpoint(2, cp(2)));
        assertThat(ffg.finalized()).isEqualTo(new CasperFfg.Checkpoint(1, cp(1)));
    }

    @Test
    void aLinkThatSkipsAnEpochJustifiesButDoesNotFinalize() {
        CasperFfg ffg = new CasperFfg(genesis, tree);
        for (int v : new int[] {1, 2, 3}) {
            ffg.addVote(vote(v, 0, 1));
        }
        for (int v : new int[] {1, 2, 3}) {
            ffg.addVote(vote(v, 1, 3));
        }
        assertThat(ffg.latestJustified().epoch()).isEqualTo(3);
        assertThat(ffg.finalized().epoch()).isZero();
    }

    @Test
    void aLinkFromAnUnjustifiedSourceCountsOnceTheSourceIsJustified() {
        CasperFfg ffg = new CasperFfg(genesis, tree);
        for (int v : new int[] {1, 2, 3}) {
            ffg.addVote(vote(v, 1, 2));
        }
        assertThat(ffg.isJustified(cp(2))).isFalse();
        for (int v : new int[] {1, 2, 3}) {
            ffg.addVote(vote(v, 0, 1));
        }
        assertThat(ffg.latestJustified().epoch()).isEqualTo(2);
        assertThat(ffg.finalized().epoch()).isEqualTo(1);
    }

    @Test
    void badVotesAreRefusedAndDuplicatesNotCountedTwice() {
        CasperFfg ffg = new CasperFfg(genesis, tree);
        Vote good = vote(3, 0, 1);
        assertThat(ffg.addVote(good)).isInstanceOf(CasperFfg.Counted.class);
        assertThat(ffg.addVote(good)).isInstanceOf(CasperFfg.Duplicate.class);
        assertThat(ffg.addVote(Vote.sign(outsider, CHAIN, 0, cp(0), 1, cp(1))))
                .isInstanceOfSatisfying(CasperFfg.Refused.class, r -> assertThat(r.reason()).contains("no stake"));
        assertThat(ffg.addVote(Vote.sign(validators.get(2), "other", 0, cp(0), 1, cp(1))))
                .isInstanceOf(CasperFfg.Refused.class);
        assertThat(ffg.addVote(Vote.sign(validators.get(2), CHAIN, 1, cp(1), 1, cp(1))))
                .isInstanceOf(CasperFfg.Refused.class);
        // A target that is not a checkpoint of its epoch (a block of epoch 2 named as epoch 1's).
        assertThat(ffg.addVote(Vote.sign(validators.get(2), CHAIN, 0, cp(0), 1, cp(2))))
                .isInstanceOf(CasperFfg.Refused.class);
        // 40 + 10 (the refused ones did not count): still short of 2/3.
        ffg.addVote(vote(0, 0, 1));
        assertThat(ffg.isJustified(cp(1))).isFalse();
    }

    @Test
    void aVoteForAnUnknownBlockWaitsForIt() {
        CasperFfg ffg = new CasperFfg(genesis, tree);
        List<Block> later = new ArrayList<>(chain);
        Header parent = later.get(later.size() - 1).header();
        Header unknown = new Header(CHAIN, parent.height() + 1, parent.hash(), parent.timestamp() + 1_000, 16,
                validators.get(0).address(), Block.txRoot(List.of()), state.root(), "poa", new byte[0], new byte[0]);
        Block block = new Block(unknown, List.of());
        for (int v : new int[] {1, 2, 3}) {
            assertThat(ffg.addVote(Vote.sign(validators.get(v), CHAIN, 0, cp(0), 4, block.hash())))
                    .isInstanceOf(CasperFfg.Waiting.class);
        }
        assertThat(ffg.retryWaiting()).isFalse();
        tree.add(block, block.hash(), state, Map.of(), BigInteger.ONE);
        assertThat(ffg.retryWaiting()).isTrue();
        assertThat(ffg.latestJustified()).isEqualTo(new CasperFfg.Checkpoint(4, block.hash()));
    }

    @Property(tries = 40)
    void theOrderOfVotesDoesNotChangeWhatIsJustifiedOrFinalized(@ForAll @IntRange(min = 0, max = 1 << 12) int subset,
                                                              @ForAll long shuffleSeed) {
        // Votes 0->1, 1->2, 2->3 by a subset of validators; counted in two orders.
        List<Vote> votes = new ArrayList<>();
        for (int link = 0; link < 3; link++) {
            for (int v = 0; v < 4; v++) {
                if ((subset >> (link * 4 + v) & 1) == 1) {
                    votes.add(vote(v, link, link + 1));
                }
            }
        }
        CasperFfg inOrder = new CasperFfg(genesis, tree);
        votes.forEach(inOrder::addVote);
        List<Vote> shuffled = new ArrayList<>(votes);
        Collections.shuffle(shuffled, new java.util.Random(shuffleSeed));
        CasperFfg anyOrder = new CasperFfg(genesis, tree);
        long lastFinalized = 0;
        for (Vote v : shuffled) {
            anyOrder.addVote(v);
            assertThat(anyOrder.finalized().epoch()).isGreaterThanOrEqualTo(lastFinalized);
            lastFinalized = anyOrder.finalized().epoch();
        }
        assertThat(anyOrder.latestJustified()).isEqualTo(inOrder.latestJustified());
        assertThat(anyOrder.finalized()).isEqualTo(inOrder.finalized());
        // Justified exactly when every link up to it has 2/3 of the stake.
        long expected = 0;
        for (int link = 0; link < 3; link++) {
            long stake = 0;
            for (int v = 0; v < 4; v++) {
                stake += (subset >> (link * 4 + v) & 1) == 1 ? 10L * (v + 1) : 0;
            }
            if (3 * stake < 200) {
                break;
            }
            expected = link + 1;
        }
        assertThat(inOrder.latestJustified().epoch()).isEqualTo(expected);
        assertThat(inOrder.finalized().epoch()).isEqualTo(Math.max(0, expected - 1));
    }
}
