package mvpos.consensus.luck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import mvpos.chain.Account;
import mvpos.chain.Block;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.consensus.ConsensusEngine;
import mvpos.consensus.Engines;
import mvpos.consensus.ProposerSignature;
import mvpos.consensus.SealRejection;
import mvpos.consensus.SealRejection.Reason;
import mvpos.consensus.TestChainView;
import mvpos.crypto.Address;
import mvpos.crypto.Hex;
import mvpos.crypto.KeyPair;
import mvpos.sim.Devnet;
import org.junit.jupiter.api.Test;

/** The engine of docs/writing-an-engine.md: registered from this jar alone, its rules, and a devnet run. */
class LuckEngineTest {
    private static final long GENESIS_MILLIS = 1_700_000_000_000L;
    private static final long SLOT = 1_000;
    private static final KeyPair ALICE = key(1);
    private static final KeyPair BOB = key(2);
    /** Funded but not staked: not a validator. */
    private static final KeyPair CAROL = key(3);

    private static KeyPair key(int n) {
        byte[] seed = new byte[32];
        seed[0] = (byte) n;
        return KeyPair.fromSeed(seed);
    }

    private static Genesis genesis(Map<String, String> params) {
        return new Genesis("luck-test", GENESIS_MILLIS, 10, SLOT, new TreeMap<>(Map.of(
                ALICE.address(), new Account(1_000, 0, 100),
                BOB.address(), new Account(1_000, 0, 100),
                CAROL.address(), new Account(1_000, 0, 0))), LuckEngine.NAME, params);
    }

    private final TestChainView chain = new TestChainView(genesis(Map.of()));
    private final LuckEngine engine = new LuckEngine().configure(chain.genesis());
    private final Header parent = chain.genesisHeader();

    private static long startOf(long slot) {
        return GENESIS_MILLIS + slot * SLOT;
    }

    /** The first slot after the parent in which {@code key} is (or, with {@code lucky} false, is not) lucky. */
    private long slotWhere(KeyPair key, boolean lucky) {
        for (long slot = parent.slot() + 1; ; slot++) {
            if (engine.lucky(LuckEngine.luck(parent.hash(), slot, key.address())) == lucky) {
                return slot;
            }
        }
    }

    /** A header on the genesis block in {@code slot} by {@code proposer}, not sealed. */
    private Header unsealed(KeyPair proposer, long slot, long timestamp, byte[] engineData) {
        return new Header(parent.chainId(), 1, parent.hash(), timestamp, slot, proposer.address(),
                Block.txRoot(List.of()), parent.stateRoot(), LuckEngine.NAME, engineData, new byte[0]);
    }

    private Header sealed(KeyPair proposer, long slot) {
        return ProposerSignature.seal(chain, proposer, unsealed(proposer, slot, startOf(slot) + 10, new byte[0]));
    }

    private Optional<Reason> verify(Header header, long nowMillis) {
        return engine.verifySeal(chain, parent, header, nowMillis).map(SealRejection::reason);
    }

    private Optional<Reason> verify(Header header) {
        return verify(header, header.timestamp());
    }

    // ------------------------------------------------------------------ registration and parameters

    @Test
    void isFoundByNameWithoutEditingAnyFileOfMvpos() {
        assertThat(Engines.names()).contains(LuckEngine.NAME, "poa", "pow");
        ConsensusEngine found = Engines.named(LuckEngine.NAME);
        assertThat(found).isInstanceOf(LuckEngine.class);
        assertThat(found.parameters()).containsOnlyKeys(LuckEngine.ODDS);
    }

    @Test
    void configureNamesTheParameterThatIsWrong() {
        assertThatThrownBy(() -> new LuckEngine().configure(genesis(Map.of("odds", "0"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("engine.params.odds");
        assertThatThrownBy(() -> new LuckEngine().configure(genesis(Map.of("odds", "four"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("engine.params.odds");
        assertThatThrownBy(() -> new LuckEngine().configure(genesis(Map.of("od", "4"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("engine.params.od:");
    }

    @Test
    void oddsSetsTheShareOfLuckyDraws() {
        LuckEngine everyone = new LuckEngine().configure(genesis(Map.of("odds", "1")));
        LuckEngine few = new LuckEngine().configure(genesis(Map.of("odds", "16")));
        int lucky = 0;
        for (long slot = 1; slot <= 1_600; slot++) {
            BigInteger luck = LuckEngine.luck(parent.hash(), slot, ALICE.address());
            assertThat(everyone.lucky(luck)).isTrue();
            lucky += few.lucky(luck) ? 1 : 0;
        }
        assertThat(lucky).isBetween(60, 140); // about 1,600 / 16 = 100
    }

    // ------------------------------------------------------------------ claim, seal, verify

    @Test
    void aLuckyValidatorClaimsSealsAndItsBlockVerifiesWithOneCachedSignatureCheck() {
        long slot = slotWhere(ALICE, true);
        Optional<ConsensusEngine.Claim> claim = engine.claim(chain, parent, startOf(slot) + 10, ALICE);
        assertThat(claim).isPresent();
        assertThat(claim.get().slot()).isEqualTo(slot);
        assertThat(claim.get().engineData()).isEmpty();
        Header header = engine.seal(chain, unsealed(ALICE, slot, startOf(slot) + 10, new byte[0]), ALICE, null, 0)
                .orElseThrow();
        int checks = chain.signatureChecks;
        assertThat(verify(header)).isEmpty();
        assertThat(chain.signatureChecks).isEqualTo(checks + 1);
    }

    @Test
    void noClaimWhenUnluckyUnstakedOrInTheParentsSlot() {
        assertThat(engine.claim(chain, parent, startOf(slotWhere(ALICE, false)), ALICE)).isEmpty();
        assertThat(engine.claim(chain, parent, startOf(slotWhere(CAROL, true)), CAROL)).isEmpty();
        assertThat(engine.claim(chain, parent, GENESIS_MILLIS + 10, ALICE)).isEmpty();
    }

    @Test
    void wrongSlot() {
        Header header = ProposerSignature.seal(chain, ALICE, unsealed(ALICE, 0, GENESIS_MILLIS + 10, new byte[0]));
        assertThat(verify(header)).contains(Reason.WRONG_SLOT);
    }

    @Test
    void futureSlot() {
        long slot = slotWhere(ALICE, true);
        Header header = sealed(ALICE, slot);
        long tooEarly = startOf(slot) - ConsensusEngine.MAX_CLOCK_DRIFT_MILLIS - 1;
        assertThat(verify(header, tooEarly)).contains(Reason.FUTURE_SLOT);
        assertThat(verify(header, tooEarly + 1)).isEmpty(); // within the allowed drift
    }

    @Test
    void badTimestamp() {
        long slot = slotWhere(ALICE, true);
        Header header = ProposerSignature.seal(chain, ALICE, unsealed(ALICE, slot, startOf(slot + 1), new byte[0]));
        assertThat(verify(header, startOf(slot + 2))).contains(Reason.BAD_TIMESTAMP);
    }

    @Test
    void malformedSeal() {
        long slot = slotWhere(ALICE, true);
        Header withData = ProposerSignature.seal(chain, ALICE, unsealed(ALICE, slot, startOf(slot) + 10, new byte[] {1}));
        assertThat(verify(withData)).contains(Reason.MALFORMED_SEAL);
        assertThat(verify(sealed(ALICE, slot).withSeal(new byte[3]))).contains(Reason.MALFORMED_SEAL);
    }

    @Test
    void notProposerWithoutStake() {
        Header header = sealed(CAROL, slotWhere(CAROL, true));
        assertThat(engine.verifySeal(chain, parent, header, header.timestamp()))
                .hasValueSatisfying(r -> assertThat(r.detail()).contains("no stake"))
                .map(SealRejection::reason).contains(Reason.NOT_PROPOSER);
    }

    @Test
    void notProposerWhenNotLuckyEnough() {
        Header header = sealed(ALICE, slotWhere(ALICE, false));
        assertThat(engine.verifySeal(chain, parent, header, header.timestamp()))
                .hasValueSatisfying(r -> assertThat(r.detail()).contains("not lucky enough"))
                .map(SealRejection::reason).contains(Reason.NOT_PROPOSER);
    }

    @Test
    void badSignature() {
        long slot = slotWhere(ALICE, true);
        Header header = sealed(ALICE, slot);
        byte[] seal = header.seal();
        seal[seal.length - 1] ^= 1;
        assertThat(verify(header.withSeal(seal))).contains(Reason.BAD_SIGNATURE);
        // Bob's key over a header that names Alice.
        Header bobs = ProposerSignature.seal(chain, BOB, unsealed(BOB, slot, header.timestamp(), new byte[0]));
        assertThat(verify(header.withSeal(bobs.seal()))).contains(Reason.BAD_SIGNATURE);
    }

    @Test
    void luckierBlocksWeighMore() {
        long slot = 1;
        while (!engine.lucky(LuckEngine.luck(parent.hash(), slot, ALICE.address()))
                || !engine.lucky(LuckEngine.luck(parent.hash(), slot, BOB.address()))) {
            slot++;
        }
        Header alice = sealed(ALICE, slot);
        Header bob = sealed(BOB, slot);
        BigInteger aliceLuck = LuckEngine.luck(parent.hash(), slot, ALICE.address());
        BigInteger bobLuck = LuckEngine.luck(parent.hash(), slot, BOB.address());
        assertThat(engine.weight(alice).compareTo(engine.weight(bob))).isEqualTo(bobLuck.compareTo(aliceLuck));
        assertThat(engine.weight(alice)).isEqualTo(BigInteger.ONE.shiftLeft(256).subtract(aliceLuck));
    }

    // ------------------------------------------------------------------ a whole network

    @Test
    void aDevnetConvergesOnTheLuckiestAndIsReproducible() throws Exception {
        List<Devnet.HeadEvent> heads = new ArrayList<>();
        Devnet devnet = new Devnet(Devnet.Config.seeded(LuckEngine.NAME, 4, 100, 5), heads::add);
        Devnet.Summary summary = devnet.run(20, 0);
        assertThat(summary.highestHead()).isGreaterThanOrEqualTo(20);
        assertThat(summary.agree()).isTrue();

        // Every block produced becomes its producer's head, so `heads` holds them all. On the final chain,
        // no block has a luckier sibling from the same slot.
        int contested = 0;
        for (long height = 1; height <= devnet.node(0).head().height(); height++) {
            Header canonical = devnet.node(0).blockAt(height).orElseThrow().header();
            BigInteger luck = LuckEngine.luck(canonical.parentHash(), canonical.slot(), canonical.proposer());
            String parentHex = Hex.encode(canonical.parentHash());
            List<Devnet.HeadEvent> siblings = heads.stream().filter(h -> h.parent().equals(parentHex)
                    && h.slot() == canonical.slot() && !h.hash().equals(canonical.hashHex())).toList();
            contested += siblings.isEmpty() ? 0 : 1;
            for (Devnet.HeadEvent sibling : siblings) {
                Address proposer = Address.parse(sibling.proposer());
                assertThat(LuckEngine.luck(Hex.decode(sibling.parent()), sibling.slot(), proposer)).isGreaterThan(luck);
            }
        }
        assertThat(contested).as("slots in which several validators produced").isPositive();

        Devnet again = new Devnet(Devnet.Config.seeded(LuckEngine.NAME, 4, 100, 5), head -> { });
        assertThat(again.run(20, 0).head()).isEqualTo(summary.head());
    }

    @Test
    void aDevnetWhereEveryoneIsLuckyStillAgrees() throws Exception {
        Devnet.Config config = Devnet.Config.seeded(LuckEngine.NAME, 4, 100, 7)
                .withEngineParams(Map.of(LuckEngine.ODDS, "1"));
        Devnet.Summary summary = new Devnet(config, head -> { }).run(10, 0);
        assertThat(summary.highestHead()).isGreaterThanOrEqualTo(10);
        assertThat(summary.agree()).isTrue();
    }

    @Test
    void aDevnetRefusesABadParameter() {
        Devnet.Config config = Devnet.Config.seeded(LuckEngine.NAME, 4, 100, 7)
                .withEngineParams(Map.of(LuckEngine.ODDS, "0"));
        assertThatThrownBy(() -> new Devnet(config, head -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("engine.params.odds");
    }
}
