package mvpos.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import mvpos.crypto.Address;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

class SlashingConditionsTest {
    private static final KeyPair ALICE = KeyPair.generate(new HashDrbg(1));
    private static final KeyPair BOB = KeyPair.generate(new HashDrbg(2));
    private static final String CHAIN = "mvpos-test";

    private static byte[] hash(int n) {
        byte[] h = new byte[32];
        h[0] = (byte) n;
        return h;
    }

    private static Vote vote(KeyPair key, long source, long target, int targetHash) {
        return Vote.sign(key, TestDomain.of(CHAIN), source, hash(source == 0 ? 0 : 100), target, hash(targetHash));
    }

    private static Header header(KeyPair proposer, String chainId, long slot, int variant) {
        Header unsealed = new Header(chainId, slot, hash(1), 1_000 + variant, slot, proposer.address(), hash(2),
                hash(3), "poa", new byte[0], new byte[0]);
        return SignedSeal.seal(proposer, TestDomain.of(chainId).genesisHash(), unsealed);
    }

    // ---------------------------------------------------------------- examples

    @Test
    void doubleVote() {
        Vote a = vote(ALICE, 0, 3, 1);
        Vote b = vote(ALICE, 0, 3, 2);
        assertThat(SlashingConditions.isDoubleVote(a, b)).isTrue();
        assertThat(SlashingConditions.isSurroundVote(a, b)).isFalse();
        assertThat(SlashingConditions.isSlashable(a, b)).isTrue();
        // The same target from another source is a double vote too.
        assertThat(SlashingConditions.isDoubleVote(vote(ALICE, 1, 3, 1), a)).isTrue();
        // Another validator's vote is no offence of Alice's.
        assertThat(SlashingConditions.isSlashable(a, vote(BOB, 0, 3, 2))).isFalse();
    }

    @Test
    void surroundVote() {
        Vote outer = vote(ALICE, 1, 5, 1);
        Vote inner = vote(ALICE, 2, 4, 1);
        assertThat(SlashingConditions.isSurroundVote(outer, inner)).isTrue();
        assertThat(SlashingConditions.isSurroundVote(inner, outer)).isTrue();
        assertThat(SlashingConditions.isDoubleVote(outer, inner)).isFalse();
        // Sharing an end is not surrounding.
        assertThat(SlashingConditions.isSlashable(vote(ALICE, 1, 5, 1), vote(ALICE, 1, 4, 1))).isFalse();
        assertThat(SlashingConditions.isSurroundVote(vote(ALICE, 1, 5, 1), vote(ALICE, 2, 5, 1))).isFalse();
        // Consecutive links, the honest pattern, are not slashable.
        assertThat(SlashingConditions.isSlashable(vote(ALICE, 1, 2, 1), vote(ALICE, 2, 3, 1))).isFalse();
    }

    @Test
    void votesOnAnotherChainDoNotConflict() {
        Vote here = vote(ALICE, 0, 3, 1);
        Vote there = Vote.sign(ALICE, TestDomain.of("elsewhere"), 0, hash(0), 3, hash(2));
        assertThat(SlashingConditions.isSlashable(here, there)).isFalse();
    }

    /** The same vote signed twice (another signature of the same data) is one vote. */
    @Test
    void sameVoteWithAnotherSignatureIsNotADoubleVote() {
        Vote a = vote(ALICE, 0, 3, 1);
        Vote resigned = new Vote(a.chainId(), a.validatorKey(), a.sourceEpoch(), a.sourceHash(), a.targetEpoch(),
                a.targetHash(), new byte[64]);
        assertThat(SlashingConditions.isSlashable(a, resigned)).isFalse();
    }

    @Test
    void equivocation() {
        Header a = header(ALICE, CHAIN, 7, 1);
        Header b = header(ALICE, CHAIN, 7, 2);
        assertThat(SlashingConditions.isEquivocation(a, b)).isTrue();
        assertThat(SlashingConditions.isEquivocation(b, a)).isTrue();
        assertThat(SlashingConditions.isEquivocation(a, a)).isFalse();
        assertThat(SlashingConditions.isEquivocation(a, header(ALICE, CHAIN, 8, 2))).isFalse();
        assertThat(SlashingConditions.isEquivocation(a, header(BOB, CHAIN, 7, 2))).isFalse();
        assertThat(SlashingConditions.isEquivocation(a, header(ALICE, "elsewhere", 7, 2))).isFalse();
        // One content sealed twice (another seal) is one block.
        assertThat(SlashingConditions.isEquivocation(a, a.withSeal(new byte[96]))).isFalse();
    }

    // ---------------------------------------------------------------- properties

    /** Votes over a small domain, so that equal validators, epochs and hashes are frequent. Signatures are irrelevant. */
    @Provide
    Arbitrary<Vote> votes() {
        Arbitrary<String> chains = Arbitraries.of(CHAIN, CHAIN, CHAIN, "elsewhere");
        Arbitrary<byte[]> keys = Arbitraries.of(ALICE.publicKey(), ALICE.publicKey(), BOB.publicKey());
        Arbitrary<Long> epochs = Arbitraries.longs().between(0, 6);
        Arbitrary<byte[]> hashes = Arbitraries.integers().between(0, 1).map(SlashingConditionsTest::hash);
        return Combinators.combine(chains, keys, epochs, hashes, epochs, hashes)
                .as((chain, key, source, sourceHash, target, targetHash) -> new Vote(chain, key, source, sourceHash,
                        target, targetHash, new byte[0]));
    }

    @Property(tries = 300)
    void aVoteIsNeverSlashableWithItself(@ForAll("votes") Vote v) {
        assertThat(SlashingConditions.isDoubleVote(v, v)).isFalse();
        assertThat(SlashingConditions.isSurroundVote(v, v)).isFalse();
        assertThat(SlashingConditions.isSlashable(v, v)).isFalse();
        Vote copy = Vote.decode(v.encode());
        assertThat(SlashingConditions.isSlashable(v, copy)).isFalse();
    }

    @Property(tries = 1000)
    void conditionsAreSymmetric(@ForAll("votes") Vote a, @ForAll("votes") Vote b) {
        assertThat(SlashingConditions.isDoubleVote(a, b)).isEqualTo(SlashingConditions.isDoubleVote(b, a));
        assertThat(SlashingConditions.isSurroundVote(a, b)).isEqualTo(SlashingConditions.isSurroundVote(b, a));
        assertThat(SlashingConditions.isSlashable(a, b)).isEqualTo(SlashingConditions.isSlashable(b, a));
    }

    /** A surround vote has different sources and different targets, so it is never also a double vote. */
    @Property(tries = 1000)
    void surroundImpliesDifferentEpochs(@ForAll("votes") Vote a, @ForAll("votes") Vote b) {
        if (SlashingConditions.isSurroundVote(a, b)) {
            assertThat(a.sourceEpoch()).isNotEqualTo(b.sourceEpoch());
            assertThat(a.targetEpoch()).isNotEqualTo(b.targetEpoch());
            assertThat(SlashingConditions.isDoubleVote(a, b)).isFalse();
        }
    }

    /**
     * Random pairs are classified as a straightforward reading of the rules says: one voter (chain and
     * key); a double vote is the same target epoch with anything signed different; a surround vote is a
     * link whose epoch interval strictly contains the other's at both ends.
     */
    @Property(tries = 2000, seed = "1205")
    void classificationMatchesTheDefinition(@ForAll("votes") Vote a, @ForAll("votes") Vote b) {
        boolean oneVoter = a.chainId().equals(b.chainId()) && a.validator().equals(b.validator());
        boolean differentData = !Arrays.equals(a.signedBytes(TestDomain.of(a.chainId())), b.signedBytes(TestDomain.of(a.chainId())));
        boolean doubleVote = oneVoter && a.targetEpoch() == b.targetEpoch() && differentData;
        boolean aInsideB = b.sourceEpoch() < a.sourceEpoch() && a.targetEpoch() < b.targetEpoch();
        boolean bInsideA = a.sourceEpoch() < b.sourceEpoch() && b.targetEpoch() < a.targetEpoch();
        boolean surround = oneVoter && (aInsideB || bInsideA);

        assertThat(SlashingConditions.isDoubleVote(a, b)).isEqualTo(doubleVote);
        assertThat(SlashingConditions.isSurroundVote(a, b)).isEqualTo(surround);
        assertThat(SlashingConditions.isSlashable(a, b)).isEqualTo(doubleVote || surround);

        Statistics.label("class").collect(doubleVote ? "double" : surround ? "surround" : "not slashable");
        Statistics.label("class").coverage(c -> {
            c.check("double").percentage(p -> p > 3);
            c.check("surround").percentage(p -> p > 3);
            c.check("not slashable").percentage(p -> p > 30);
        });
    }

    /** Headers over a small domain: two proposers, two chains, three slots, two contents, two seals. */
    @Provide
    Arbitrary<Header> headers() {
        Arbitrary<String> chains = Arbitraries.of(CHAIN, CHAIN, "elsewhere");
        Arbitrary<Address> proposers = Arbitraries.of(ALICE.address(), BOB.address());
        Arbitrary<Long> slots = Arbitraries.longs().between(1, 3);
        Arbitrary<Long> timestamps = Arbitraries.longs().between(0, 1);
        Arbitrary<byte[]> seals = Arbitraries.integers().between(0, 1).map(n -> new byte[] {n.byteValue()});
        return Combinators.combine(chains, proposers, slots, timestamps, seals)
                .as((chain, proposer, slot, timestamp, seal) -> new Header(chain, slot, hash(1), timestamp, slot,
                        proposer, hash(2), hash(3), "poa", new byte[0], seal));
    }

    @Property(tries = 1000, seed = "1206")
    void equivocationMatchesTheDefinition(@ForAll("headers") Header a, @ForAll("headers") Header b) {
        boolean expected = a.chainId().equals(b.chainId()) && a.proposer().equals(b.proposer())
                && a.slot() == b.slot() && a.timestamp() != b.timestamp();
        assertThat(SlashingConditions.isEquivocation(a, b)).isEqualTo(expected);
        assertThat(SlashingConditions.isEquivocation(b, a)).isEqualTo(expected);
        assertThat(SlashingConditions.isEquivocation(a, a)).isFalse();
        Statistics.label("equivocation").collect(expected);
        Statistics.label("equivocation").coverage(c -> c.check(true).percentage(p -> p > 3));
    }
}
