package mvpos.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import mvpos.chain.Block;
import mvpos.chain.Checkpoint;
import mvpos.chain.Header;
import mvpos.chain.SlashingEvidence;
import mvpos.chain.Vote;
import mvpos.consensus.ProposerSignature;
import mvpos.crypto.KeyPair;
import mvpos.net.Message;
import mvpos.net.Network;
import mvpos.net.PeerId;
import mvpos.sim.Devnet;
import mvpos.sim.SimNetwork;
import mvpos.state.FinalityState;
import mvpos.testing.FfgForks;
import org.junit.jupiter.api.Test;

/**
 * Finality as nodes see it: gossiped votes checked against their target's own chain (a lying vote is
 * refused with its reason and costs its sender), offences found in gossip and in blocks, blocks from a
 * clock that runs ahead held rather than punished, an ejected authority's slots left empty, and the
 * inactivity leak bringing finality back in a devnet with 3 of 8 validators offline.
 */
class FinalityNodeTest {
    private static final long SLOT = 100;

    /** A network that records what the node says and whom it penalizes. */
    private static final class Recording implements Network {
        final List<String> penalties = new ArrayList<>();
        final List<Message> sent = new ArrayList<>();

        @Override
        public void send(PeerId to, Message message) {
            sent.add(message);
        }

        @Override
        public void broadcast(Message message) {
            sent.add(message);
        }

        @Override
        public boolean broadcastReachesAll() {
            return false;
        }

        @Override
        public void penalize(PeerId peer, String reason) {
            penalties.add(peer.name() + ": " + reason);
        }
    }

    @Test
    void aGossipedVoteWithALyingSourceIsRefusedWithItsReasonAndCostsItsSender() throws Exception {
        // Four epochs with every validator voting (justification past genesis), then the first block of an
        // epoch no one has voted for yet; a follower that has the blocks only.
        FfgForks forks = FfgForks.poa(4, 4, 21).epochs("main", 4, 0, 1, 2, 3);
        forks.extendToEpoch("main", forks.epochOf(forks.tip("main")) + 1);
        long now = forks.now();
        NodeCore follower = NodeCore.open(forks.genesis(), new mvpos.chain.MemoryChainStore());
        for (Block block : forks.blocks("main")) {
            follower.addBlock(block, now);
        }
        Recording network = new Recording();
        mvpos.net.Gossip gossip = new mvpos.net.Gossip(follower, null, network);
        FinalityState f = follower.headFinality().orElseThrow();
        Checkpoint source = f.currentJustified();
        Checkpoint target = new Checkpoint(f.epoch(), f.currentTarget());
        assertThat(source.epoch()).as("justification moved past genesis").isPositive();
        // The right blocks, a lying source epoch.
        Vote lying = forks.sign(1, new Checkpoint(source.epoch() - 1, source.hash()), target);
        NodeCore.VoteOutcome outcome = follower.addVote(lying, now);
        assertThat(outcome).isInstanceOf(NodeCore.VoteIgnored.class);
        assertThat(((NodeCore.VoteIgnored) outcome).reason()).startsWith("WRONG_SOURCE");
        assertThat(((NodeCore.VoteIgnored) outcome).forged()).isTrue();

        Vote anotherLie = forks.sign(1, new Checkpoint(source.epoch(), follower.blockAt(0).orElseThrow().hash()),
                target);
        gossip.onMessage(new PeerId("liar"), new Message.NewVote(anotherLie), now);
        assertThat(network.penalties).singleElement().asString().startsWith("liar: sent a forged vote: WRONG_SOURCE");
        assertThat(network.sent).as("not relayed").noneMatch(m -> m instanceof Message.NewVote);

        // The honest vote is taken; a signer outside the dynasties is refused.
        Vote honest = forks.sign(1, source, target);
        gossip.onMessage(new PeerId("honest"), new Message.NewVote(honest), now);
        assertThat(network.sent).as("relayed").contains(new Message.NewVote(honest));
        NodeCore.VoteOutcome again = follower.addVote(honest, now);
        assertThat(again).isEqualTo(new NodeCore.VoteIgnored("duplicate"));
        Vote outsider = Vote.sign(KeyPair.generate(new mvpos.crypto.HashDrbg(77)), follower.domain(), source.epoch(),
                source.hash(), target.epoch(), target.hash());
        assertThat(((NodeCore.VoteIgnored) follower.addVote(outsider, now)).reason())
                .startsWith("SIGNER_OUTSIDE_DYNASTY");
        assertThat(network.penalties).hasSize(1);
    }

    @Test
    void aSurroundVoteSeenInGossipIsReportedAndSlashedOnEveryNode() throws Exception {
        Devnet devnet = new Devnet(Devnet.Config.seeded("poa", 4, SLOT, 22).withFfg(4), head -> { });
        devnet.advance(25 * SLOT);
        KeyPair byzantine = devnet.keys().get(3);
        NodeCore watcher = devnet.node(0);
        List<SlashingEvidence> seen = new ArrayList<>();
        watcher.onEvidence(seen::add);
        FinalityState f = watcher.headFinality().orElseThrow();
        // A link from genesis (epoch 0) to the head's epoch + 1 surrounds the validator's honest link of the
        // head's epoch (source >= 1, target the head's epoch).
        Vote surrounding = Vote.sign(byzantine, watcher.domain(), 0, devnet.node(0).blockAt(0).orElseThrow().hash(),
                f.epoch() + 1, new byte[32]);
        devnet.gossip(0).onMessage(SimNetwork.peerOf(3), new Message.NewVote(surrounding), devnet.events().millis());
        devnet.advance(8 * SLOT); // its honest vote for the head's epoch arrives meanwhile, if it had not
        assertThat(seen).singleElement().isInstanceOf(SlashingEvidence.VotePair.class);
        SlashingEvidence.VotePair pair = (SlashingEvidence.VotePair) seen.get(0);
        assertThat(mvpos.chain.SlashingConditions.isSurroundVote(pair.first(), pair.second())).isTrue();
        devnet.advance(8 * SLOT);
        for (int n = 0; n < devnet.size(); n++) {
            assertThat(devnet.node(n).headState().account(byzantine.address()).slashed()).isTrue();
        }
    }

    @Test
    void aBlockFromAClockThatRunsAheadIsHeldUntilItsTimeNotPunished() throws Exception {
        Devnet devnet = new Devnet(Devnet.Config.seeded("pow", 2, SLOT, 23), head -> { });
        devnet.advance(5 * SLOT);
        NodeCore miner = devnet.node(0);
        Block head = miner.head();
        // A miner whose clock is 600 ms fast: its next block's timestamp is 600 ms ahead of ours.
        NodeCore follower = NodeCore.open(devnet.genesis(), new mvpos.chain.MemoryChainStore());
        for (long h = 1; h <= head.height(); h++) {
            follower.addBlock(miner.blockAt(h).orElseThrow(), devnet.events().millis());
        }
        Validator fast = Validator.honest(miner, devnet.keys().get(0), SlashingProtection.inMemory(),
                new mvpos.crypto.HashDrbg(5), 10_000_000);
        long now = devnet.events().millis();
        Block early = fast.produceOnHead(now + 600).orElseThrow();
        Recording network = new Recording();
        mvpos.net.Gossip gossip = new mvpos.net.Gossip(follower, null, network);
        gossip.onMessage(new PeerId("fast-miner"), new Message.NewBlock(early), now);
        assertThat(network.penalties).isEmpty();
        assertThat(follower.head()).isEqualTo(head);
        gossip.onTick(now + 700);
        assertThat(follower.head()).isEqualTo(early);
        // Far in the future, it is refused (and that is the sender's fault).
        Block absurd = fast.produceOnHead(now + 10 * NodeCore.MAX_EARLY_MILLIS).orElseThrow();
        gossip.onMessage(new PeerId("fast-miner"), new Message.NewBlock(absurd), now + 700);
        assertThat(network.penalties).singleElement().asString().contains("BAD_TIMESTAMP");
    }

    @Test
    void aSlashedAuthorityIsEjectedAndItsSlotsStayEmpty() throws Exception {
        Devnet devnet = new Devnet(Devnet.Config.seeded("poa", 4, SLOT, 24), head -> { });
        devnet.advance(12 * SLOT);
        NodeCore node = devnet.node(0);
        KeyPair equivocator = devnet.keys().get(1);
        Block original = null;
        for (long h = 1; h <= node.head().height(); h++) {
            Block b = node.blockAt(h).orElseThrow();
            if (b.header().proposer().equals(equivocator.address())) {
                original = b;
            }
        }
        Header h = original.header();
        Header twin = new Header(h.chainId(), h.height(), h.parentHash(), h.timestamp() + 1, h.slot(), h.proposer(),
                h.bodyRoot(), h.stateRoot(), h.engine(), h.engineData(), new byte[0]);
        Block equivocation = new Block(ProposerSignature.seal(node.tree(), equivocator, twin), original.transactions());
        devnet.gossip(2).onMessage(SimNetwork.peerOf(1), new Message.NewBlock(equivocation), devnet.events().millis());
        devnet.advance(12 * SLOT);
        assertThat(node.headState().account(equivocator.address()).slashed()).isTrue();
        long slashedAt = node.head().height();
        devnet.advance(24 * SLOT);
        List<String> proposersSince = new ArrayList<>();
        for (long height = slashedAt + 1; height <= node.head().height(); height++) {
            proposersSince.add(node.blockAt(height).orElseThrow().header().proposer().toString());
        }
        assertThat(proposersSince).hasSizeGreaterThan(12).doesNotContain(equivocator.address().toString());
        assertThat(devnet.settle().agree()).isTrue();
    }

    @Test
    void withThreeOfEightOfflineFinalityStallsThenTheLeakBringsItBack() throws Exception {
        Devnet devnet = new Devnet(Devnet.Config.seeded("pos", 8, SLOT, 25).withFfg(4).withStake(1_000)
                .withOffline(3, 0), head -> { });
        List<Devnet.StallEvent> stalls = new ArrayList<>();
        devnet.onStall(stalls::add);
        devnet.run(0, 200 * 4 * SLOT); // at most 200 epochs
        assertThat(stalls).as("finality stalls, then resumes").hasSizeGreaterThanOrEqualTo(2);
        Devnet.StallEvent stalled = stalls.get(0);
        Devnet.StallEvent resumed = stalls.get(1);
        assertThat(stalled.stalled()).isTrue();
        assertThat(stalled.participationBasisPoints()).isLessThan(6_667);
        assertThat(resumed.stalled()).isFalse();
        // With 2^9 as the leak's quotient the offline 37.5% shrink below 1/3 in about 20 epochs.
        assertThat(resumed.epoch()).isBetween(10L, 60L);
        NodeCore node = devnet.node(0);
        assertThat(node.headState().account(devnet.keys().get(7).address()).stake()).isLessThan(1_000 * 5 / 6);
        assertThat(node.headState().account(devnet.keys().get(0).address()).stake()).isEqualTo(1_000);
        assertThat(node.headFinality().orElseThrow().finalized().epoch()).isGreaterThanOrEqualTo(resumed.finalizedEpoch());
    }

    @Test
    void duringALongStallTheBlockTreeKeepsOnlyItsWindow() throws Exception {
        // Half the stake offline and long epochs: the leak needs about 30 epochs of 64 slots to take a half.
        Devnet devnet = new Devnet(Devnet.Config.seeded("poa", 4, SLOT, 26).withFfg(64).withOffline(2, 0),
                head -> { });
        devnet.advance(700 * SLOT);
        NodeCore node = devnet.node(0);
        FinalityState f = node.headFinality().orElseThrow();
        assertThat(node.head().height() - node.tree().lowestHeight()).as("the tree's depth")
                .isLessThanOrEqualTo(mvpos.consensus.ChainView.STATE_HISTORY);
        assertThat(node.tree().size()).isLessThanOrEqualTo(mvpos.consensus.ChainView.STATE_HISTORY + 8);
        // The stall was real: far more blocks than the tree keeps went by without a finalized checkpoint.
        long finalizedHeight = node.blockByHash(f.finalized().hash()).map(Block::height).orElse(0L);
        assertThat(node.head().height() - finalizedHeight).isGreaterThan(mvpos.consensus.ChainView.STATE_HISTORY);
    }
}
