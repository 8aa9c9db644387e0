package mvpos.consensus.bft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import mvpos.chain.Account;
import mvpos.chain.Block;
import mvpos.chain.ChainDomain;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.chain.SignedStatement;
import mvpos.chain.SlashingEvidence;
import mvpos.codec.MalformedEncodingException;
import mvpos.consensus.ProposerSignature;
import mvpos.consensus.SealRejection;
import mvpos.crypto.Address;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import mvpos.net.Message;
import mvpos.node.NodeCore;
import mvpos.sim.Devnet;
import mvpos.sim.SimNetwork;
import mvpos.state.GenesisState;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The rules of the {@code bft} engine every node checks: quorums, proposers, commit certificates, seals, evidence. */
class BftRulesTest {

    private static BftValidators validators(long... stakes) {
        TreeMap<Address, Account> accounts = new TreeMap<>();
        HashDrbg random = new HashDrbg(1);
        for (long stake : stakes) {
            accounts.put(KeyPair.generate(random).address(), new Account(1, 0, stake));
        }
        Genesis genesis = new Genesis("bft-rules", 0, 0, 100, accounts, "bft", Map.of());
        return BftValidators.of(GenesisState.of(genesis).state());
    }

    @Test
    void aQuorumIsMoreThanTwoThirdsOfTheStakeNotTwoThirdsExactly() {
        BftValidators four = validators(1_000, 1_000, 1_000, 1_000);
        assertThat(four.isQuorum(3_000)).isTrue();
        assertThat(four.isQuorum(2_667)).isTrue();
        assertThat(four.isQuorum(2_666)).as("below two thirds of 4,000").isFalse();
        assertThat(four.isQuorum(2_000)).as("two of four").isFalse();
        BftValidators three = validators(1, 1, 1);
        assertThat(three.isQuorum(2)).as("exactly two thirds").isFalse();
        assertThat(three.isQuorum(3)).isTrue();
        assertThat(three.isMoreThanAThird(1)).as("exactly one third").isFalse();
        assertThat(three.isMoreThanAThird(2)).isTrue();
    }

    /**
     * The lemma Tendermint's safety rests on: any two quorums share more than a third of the stake, so at
     * least one honest validator while less than a third is byzantine (it never votes for two blocks).
     */
    @Property(tries = 500, seed = "20261202")
    void anyTwoQuorumsShareMoreThanAThirdOfTheStake(@ForAll("stakes") List<Long> stakes,
                                                      @ForAll long firstMask, @ForAll long secondMask) {
        BftValidators set = validators(stakes.stream().mapToLong(Long::longValue).toArray());
        long first = 0;
        long second = 0;
        long both = 0;
        for (int i = 0; i < set.size(); i++) {
            long stake = set.weightOf(addressAt(stakes, i));
            boolean inFirst = (firstMask >>> i & 1) == 1;
            boolean inSecond = (secondMask >>> i & 1) == 1;
            first += inFirst ? stake : 0;
            second += inSecond ? stake : 0;
            both += inFirst && inSecond ? stake : 0;
        }
        if (set.isQuorum(first) && set.isQuorum(second)) {
            assertThat(set.isMoreThanAThird(both)).isTrue();
        }
    }

    private static Address addressAt(List<Long> stakes, int i) {
        HashDrbg random = new HashDrbg(1);
        List<Address> addresses = new ArrayList<>();
        for (int k = 0; k < stakes.size(); k++) {
            addresses.add(KeyPair.generate(random).address());
        }
        return addresses.stream().sorted().toList().get(i);
    }

    @Provide
    Arbitrary<List<Long>> stakes() {
        return Arbitraries.longs().between(1, 1_000_000_000_000L).list().ofMinSize(1).ofMaxSize(20);
    }

    @Test
    void proposersAreDrawnInProportionToStake() {
        BftValidators set = validators(1_000, 2_000, 3_000, 4_000);
        Map<Address, Integer> counts = new TreeMap<>();
        int rounds = 40_000;
        for (int r = 0; r < rounds; r++) {
            counts.merge(set.proposer(r / 4 + 1, r % 4), 1, Integer::sum);
        }
        for (Map.Entry<Address, Integer> entry : counts.entrySet()) {
            double expected = rounds * set.weightOf(entry.getKey()) / (double) set.totalStake();
            assertThat((double) entry.getValue()).isCloseTo(expected, org.assertj.core.data.Percentage.withPercentage(5));
        }
    }

    // ------------------------------------------------------------------ certificates and seals, on a real chain

    private static Devnet chainOfFive() throws Exception {
        Devnet devnet = new Devnet(Devnet.Config.seeded("bft", 4, 100, 11).withStake(1_000), head -> { });
        devnet.run(6, 0);
        return devnet;
    }

    private static BftEngine.Data dataOf(Block block) {
        return BftEngine.Data.decode(block.header().engineData());
    }

    @Test
    void eachBlockCarriesAValidCommitOfItsParentAndATamperedOneIsRefused() throws Exception {
        Devnet devnet = chainOfFive();
        NodeCore node = devnet.node(0);
        BftEngine engine = (BftEngine) node.engine();
        Block parent = node.blockAt(4).orElseThrow();
        Block block = node.blockAt(5).orElseThrow();
        BftValidators parentValidators = engine.validatorsAfter(node.tree(), parent.header().parentHash()).orElseThrow();
        CommitCertificate commit = dataOf(block).parentCommit().orElseThrow();
        assertThat(commit.whyNotCommit(node.tree(), parentValidators, 4, parent.hash())).isEmpty();
        assertThat(commit.precommits().size()).isGreaterThanOrEqualTo(3);

        List<CommitCertificate.Signer> two = commit.precommits().subList(0, 2);
        assertThat(new CommitCertificate(commit.round(), two).whyNotCommit(node.tree(), parentValidators, 4,
                parent.hash())).get().asString().contains("not more than two thirds");
        List<CommitCertificate.Signer> twice = new ArrayList<>(commit.precommits().subList(0, 2));
        twice.add(commit.precommits().get(0));
        assertThat(new CommitCertificate(commit.round(), twice).whyNotCommit(node.tree(), parentValidators, 4,
                parent.hash())).get().asString().contains("two precommits");
        assertThat(commit.whyNotCommit(node.tree(), parentValidators, 4, node.blockAt(3).orElseThrow().hash()))
                .as("the commit of another block").get().asString().contains("not its signature");
        List<CommitCertificate.Signer> swapped = new ArrayList<>(commit.precommits());
        swapped.set(0, new CommitCertificate.Signer(swapped.get(0).publicKey(), swapped.get(1).signature()));
        assertThat(new CommitCertificate(commit.round(), swapped).whyNotCommit(node.tree(), parentValidators, 4,
                parent.hash())).get().asString().contains("not its signature");
        KeyPair outsider = KeyPair.generate(new HashDrbg(99));
        List<CommitCertificate.Signer> foreign = new ArrayList<>(commit.precommits());
        foreign.set(0, new CommitCertificate.Signer(outsider.publicKey(), swapped.get(1).signature()));
        assertThat(new CommitCertificate(commit.round(), foreign).whyNotCommit(node.tree(), parentValidators, 4,
                parent.hash())).get().asString().contains("not a validator");
    }

    @Test
    void verifySealRefusesAWrongSlotAWrongProposerAndAMissingCommit() throws Exception {
        Devnet devnet = chainOfFive();
        NodeCore node = devnet.node(0);
        BftEngine engine = (BftEngine) node.engine();
        Block block = node.blockAt(5).orElseThrow();
        Header parent = node.blockAt(4).orElseThrow().header();
        Header header = block.header();
        long now = header.timestamp();
        KeyPair proposerKey = keyOf(devnet, header.proposer());
        assertThat(engine.verifySeal(node.tree(), parent, header, now)).isEmpty();

        BftEngine.Data data = dataOf(block);
        Header noCommit = resealed(node, proposerKey, header, header.slot(),
                new BftEngine.Data(data.round(), Optional.empty()).encode());
        assertThat(engine.verifySeal(node.tree(), parent, noCommit, now)).get()
                .extracting(SealRejection::reason).isEqualTo(SealRejection.Reason.BAD_CERTIFICATE);

        Header laterRound = resealed(node, proposerKey, header, header.slot(),
                new BftEngine.Data(data.round() + 1, data.parentCommit()).encode());
        assertThat(engine.verifySeal(node.tree(), parent, laterRound, now)).get()
                .extracting(SealRejection::reason).isEqualTo(SealRejection.Reason.WRONG_SLOT);

        Address roundProposer = ((BftValidators) engine.validatorsAfter(node.tree(), parent.hash()).orElseThrow())
                .proposer(5, data.round());
        KeyPair other = devnet.keys().stream().filter(k -> !k.address().equals(roundProposer)).findFirst().orElseThrow();
        Header wrongProposer = ProposerSignature.seal(node.tree(), other, new Header(header.chainId(), header.height(),
                header.parentHash(), header.timestamp(), header.slot(), other.address(), header.bodyRoot(),
                header.stateRoot(), header.engine(), header.engineData(), new byte[0]));
        assertThat(engine.verifySeal(node.tree(), parent, wrongProposer, now)).get()
                .extracting(SealRejection::reason).isEqualTo(SealRejection.Reason.NOT_PROPOSER);

        assertThat(engine.verifySeal(node.tree(), parent, header, header.timestamp() - 10_000)).get()
                .extracting(SealRejection::reason).isEqualTo(SealRejection.Reason.FUTURE_SLOT);
        Header garbage = resealed(node, proposerKey, header, header.slot(), new byte[] {1, 2, 3});
        assertThat(engine.verifySeal(node.tree(), parent, garbage, now)).get()
                .extracting(SealRejection::reason).isEqualTo(SealRejection.Reason.MALFORMED_SEAL);
    }

    private static KeyPair keyOf(Devnet devnet, Address address) {
        return devnet.keys().stream().filter(k -> k.address().equals(address)).findFirst().orElseThrow();
    }

    private static Header resealed(NodeCore node, KeyPair key, Header header, long slot, byte[] engineData) {
        return ProposerSignature.seal(node.tree(), key, new Header(header.chainId(), header.height(),
                header.parentHash(), header.timestamp(), slot, header.proposer(), header.bodyRoot(), header.stateRoot(),
                header.engine(), engineData, new byte[0]));
    }

    // ------------------------------------------------------------------ evidence and bad input

    @Test
    void twoDifferentVotesOfOneValidatorForOneRoundProveAnOffenceAndNothingElseDoes() {
        ChainDomain domain = new ChainDomain("bft-rules", new byte[32]);
        KeyPair voter = KeyPair.generate(new HashDrbg(3));
        KeyPair another = KeyPair.generate(new HashDrbg(4));
        byte[] block = new byte[32];
        block[0] = 7;
        long position = BftMessage.position(10, 2);
        SignedStatement forBlock = SignedStatement.sign(voter, domain, BftMessage.PREVOTE, position, block);
        SignedStatement forNil = SignedStatement.sign(voter, domain, BftMessage.PREVOTE, position, new byte[0]);
        SlashingEvidence proof = new SlashingEvidence.StatementPair(forBlock, forNil);
        assertThat(proof.whyNotProof(domain)).isEmpty();
        assertThat(proof.offender()).isEqualTo(voter.address());
        assertThat(SlashingEvidence.decode(proof.encode())).isEqualTo(proof);

        assertThat(new SlashingEvidence.StatementPair(forBlock, forBlock).whyNotProof(domain)).isPresent();
        assertThat(new SlashingEvidence.StatementPair(forBlock, SignedStatement.sign(voter, domain, BftMessage.PREVOTE,
                position + 1, new byte[0])).whyNotProof(domain)).as("another round").isPresent();
        assertThat(new SlashingEvidence.StatementPair(forBlock, SignedStatement.sign(voter, domain,
                BftMessage.PRECOMMIT, position, new byte[0])).whyNotProof(domain)).as("another kind").isPresent();
        assertThat(new SlashingEvidence.StatementPair(forBlock, SignedStatement.sign(another, domain,
                BftMessage.PREVOTE, position, new byte[0])).whyNotProof(domain)).as("another voter").isPresent();
        SignedStatement forged = new SignedStatement(BftMessage.PREVOTE, position, new byte[0], voter.publicKey(),
                another.sign(forNil.signedBytes(domain)));
        assertThat(new SlashingEvidence.StatementPair(forBlock, forged).whyNotProof(domain)).as("forged").isPresent();
        assertThat(proof.whyNotProof(new ChainDomain("other-chain", new byte[32]))).as("another chain").isPresent();
    }

    @Property(tries = 200, seed = "20261202")
    void anyBytesAreAMessageOrOneMalformedEncodingError(@ForAll @Size(max = 300) byte[] bytes) {
        try {
            BftMessage.decode(bytes);
        } catch (MalformedEncodingException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Test
    void garbageAndForgedEngineMessagesFromAPeerChangeNothingAndTheChainGoesOn() throws Exception {
        Devnet devnet = chainOfFive();
        long height = devnet.node(0).head().height();
        HashDrbg random = new HashDrbg(5);
        KeyPair outsider = KeyPair.generate(random);
        byte[] vote = new BftMessage.Vote(SignedStatement.sign(outsider, devnet.node(0).domain(), BftMessage.PRECOMMIT,
                BftMessage.position(height + 1, 0), new byte[32])).encode();
        for (int i = 0; i < 200; i++) {
            byte[] garbage = new byte[1 + (int) random.nextLong(400)];
            for (int k = 0; k < garbage.length; k++) {
                garbage[k] = (byte) random.nextLong(256);
            }
            devnet.gossip(0).onMessage(SimNetwork.peerOf(1), new Message.EngineMessage(garbage), devnet.nodeMillis(0));
            devnet.gossip(0).onMessage(SimNetwork.peerOf(1), new Message.EngineMessage(vote), devnet.nodeMillis(0));
        }
        devnet.advance(2_000);
        assertThat(devnet.node(0).head().height()).isGreaterThan(height);
        assertThatThrownBy(() -> new Message.EngineMessage(new byte[Message.EngineMessage.MAX_BYTES + 1]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
