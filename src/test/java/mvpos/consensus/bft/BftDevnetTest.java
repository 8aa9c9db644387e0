package mvpos.consensus.bft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import mvpos.adversary.BftDoubleVoter;
import mvpos.chain.Block;
import mvpos.chain.Genesis;
import mvpos.sim.Devnet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * The {@code bft} engine on devnets of real nodes in virtual time: a block per round without faults, no
 * fork ever, progress with a crashed validator, and safety with a byzantine minority that double-votes.
 */
class BftDevnetTest {
    private static final Map<String, String> FAST_ROUNDS = Map.of(BftEngine.ROUND_TIMEOUT, "100");

    private static Devnet.Config config(int validators, long seed, long latency, long jitter) {
        return new Devnet.Config("bft", validators, 100, latency, jitter, seed, Devnet.SEEDED_START_MILLIS, false, 1,
                FAST_ROUNDS, Genesis.NO_FINALITY, 0).withStake(1_000);
    }

    /** Every hash each height had as some node's head: a height with two is a fork. */
    private static Map<Long, Set<String>> hashesByHeight(List<Devnet.HeadEvent> heads, Set<Integer> honest) {
        Map<Long, Set<String>> byHeight = new HashMap<>();
        for (Devnet.HeadEvent head : heads) {
            if (honest.contains(head.node())) {
                byHeight.computeIfAbsent(head.height(), h -> new HashSet<>()).add(head.hash());
            }
        }
        return byHeight;
    }

    private static int roundOf(Block block) {
        return BftEngine.Data.decode(block.header().engineData()).round();
    }

    @Test
    void fourValidatorsCommitABlockInEveryFirstRoundAndNeverFork() throws Exception {
        List<Devnet.HeadEvent> heads = new ArrayList<>();
        Devnet devnet = new Devnet(config(4, 3, 20, 10), heads::add);
        Devnet.Summary summary = devnet.run(30, 0);
        assertThat(summary.agree()).isTrue();
        assertThat(summary.highestHead()).isGreaterThanOrEqualTo(30);
        assertThat(heads).allSatisfy(head -> assertThat(head.reorgDepth()).isZero());
        assertThat(hashesByHeight(heads, Set.of(0, 1, 2, 3)).values()).allSatisfy(h -> assertThat(h).hasSize(1));
        for (long h = 1; h <= 30; h++) {
            assertThat(roundOf(devnet.node(0).blockAt(h).orElseThrow())).as("round of block %d", h).isZero();
        }
        // A block per round: a block time (100 ms) plus the round's messages, far below a round timeout more.
        long perBlock = summary.virtualMillis() / summary.highestHead();
        assertThat(perBlock).isLessThan(100 + 100);
    }

    @Test
    void keepsCommittingWithOneOfFourCrashedAndTheRestartedNodeCatchesUp() throws Exception {
        List<Devnet.HeadEvent> heads = new ArrayList<>();
        Devnet devnet = new Devnet(config(4, 5, 20, 10), heads::add);
        devnet.advance(1_000);
        devnet.crash(3);
        long before = devnet.node(0).head().height();
        devnet.advance(20_000);
        long during = devnet.node(0).head().height();
        assertThat(during - before).as("blocks committed by three of four").isGreaterThanOrEqualTo(20);
        boolean timedOutRounds = false;
        for (long h = before + 1; h <= during; h++) {
            Block block = devnet.node(0).blockAt(h).orElseThrow();
            assertThat(block.header().proposer()).isNotEqualTo(devnet.keys().get(3).address());
            timedOutRounds |= roundOf(block) > 0;
        }
        assertThat(timedOutRounds).as("the crashed validator's rounds timed out").isTrue();
        devnet.restart(3);
        devnet.advance(5_000);
        Devnet.Summary summary = devnet.settle();
        assertThat(summary.agree()).isTrue();
        assertThat(devnet.node(3).head().height()).isGreaterThan(during);
        assertThat(hashesByHeight(heads, Set.of(0, 1, 2, 3)).values()).allSatisfy(h -> assertThat(h).hasSize(1));
    }

    /**
     * A validator that precommitted a value at a height, crashed and restarted, is still locked on it: it
     * reads its lock back from its slashing protection and prevotes nil for every other block of that
     * height (here the locked value is one no proposer will ever propose again), while the three others
     * commit without it. Without the lock read back, it prevotes for the new proposal.
     */
    @Test
    void aRestartedValidatorKeepsTheLockOfItsEarlierPrecommit() throws Exception {
        Devnet devnet = new Devnet(config(4, 7, 20, 10), head -> { });
        devnet.run(5, 0);
        long height = devnet.node(0).head().height() + 1;
        byte[] locked = mvpos.crypto.Sha256.hash("a block proposed at round 0 and never seen again".getBytes());
        devnet.crash(0);
        assertThat(devnet.gossip(0).validator().orElseThrow()
                .signStatement(BftMessage.PRECOMMIT, BftMessage.position(height, 0), locked)).isPresent();
        devnet.restart(0);

        List<byte[]> prevotes = new ArrayList<>();
        devnet.network().tap((from, to, message) -> {
            if (from == 0 && to == 1 && message instanceof mvpos.net.Message.EngineMessage m
                    && BftMessage.decode(m.payload()) instanceof BftMessage.Vote vote
                    && vote.statement().kind().equals(BftMessage.PREVOTE)
                    && vote.statement().position() / BftMessage.ROUNDS == height) {
                prevotes.add(vote.statement().value());
            }
        });
        devnet.advance(5_000);
        assertThat(devnet.node(1).head().height()).as("the three others commit the height").isGreaterThan(height);
        assertThat(prevotes).as("prevotes of the locked validator at height %d", height).isNotEmpty()
                .allSatisfy(value -> assertThat(value).as("a prevote for another block").isEmpty());
    }

    @Test
    void aByzantineDoubleVoterIsReportedAndSlashedAndNeverForksTheChain() throws Exception {
        List<Devnet.HeadEvent> heads = new ArrayList<>();
        Devnet devnet = new Devnet(config(4, 9, 20, 15), heads::add, i -> i == 3 ? new BftDoubleVoter() : null);
        List<Devnet.EvidenceEvent> evidence = new ArrayList<>();
        devnet.onEvidence(evidence::add);
        devnet.run(30, 60_000);
        assertThat(devnet.node(0).head().height()).isGreaterThanOrEqualTo(30);
        assertThat(hashesByHeight(heads, Set.of(0, 1, 2)).values()).allSatisfy(h -> assertThat(h).hasSize(1));
        assertThat(evidence).isNotEmpty().allSatisfy(e -> assertThat(e.offenderNode()).isEqualTo(3));
        assertThat(evidence).extracting(Devnet.EvidenceEvent::offence).allSatisfy(o -> assertThat(o).contains("bft."));
        assertThat(devnet.node(0).headState().account(devnet.keys().get(3).address()).slashed()).isTrue();
        // Slashed, it is no validator any more: the next heights are decided by the other three.
        assertThat(BftValidators.of(devnet.node(0).headState()).contains(devnet.keys().get(3).address())).isFalse();
    }

    /**
     * Tendermint's safety over seeds, latencies and validator counts: with less than a third of the stake
     * double-voting, no two honest nodes ever have two different blocks at one height, and the chain grows.
     */
    @Property(tries = 30, seed = "20261202")
    void aByzantineMinorityNeverMakesHonestNodesCommitTwoBlocksAtOneHeight(
            @ForAll @IntRange(min = 4, max = 7) int validators, @ForAll @LongRange(min = 1, max = 1_000_000) long seed,
            @ForAll @LongRange(min = 1, max = 60) long latency, @ForAll @LongRange(min = 0, max = 80) long jitter)
            throws Exception {
        int byzantine = (validators - 1) / 3;
        List<Devnet.HeadEvent> heads = new ArrayList<>();
        Devnet devnet = new Devnet(config(validators, seed, latency, jitter), heads::add,
                i -> i >= validators - byzantine ? new BftDoubleVoter() : null);
        devnet.run(12, 60_000);
        Set<Integer> honest = new HashSet<>();
        for (int i = 0; i < validators - byzantine; i++) {
            honest.add(i);
        }
        assertThat(hashesByHeight(heads, honest).values()).allSatisfy(h -> assertThat(h).hasSize(1));
        assertThat(devnet.node(0).head().height()).isGreaterThanOrEqualTo(12);
    }
}
