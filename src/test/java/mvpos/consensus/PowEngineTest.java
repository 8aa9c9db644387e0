package mvpos.consensus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import mvpos.chain.Account;
import mvpos.chain.Block;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.crypto.Address;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import mvpos.crypto.RandomSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class PowEngineTest {
    private static final long GENESIS_MILLIS = 1_700_000_000_000L;
    private static final long BLOCK_TIME = 1_000;
    private static final KeyPair MINER = key(1);
    private static final KeyPair OTHER = key(2);
    private static final BigInteger MAX_LONG = BigInteger.valueOf(Long.MAX_VALUE);
    private static final TestChainView SHARED_CHAIN = new TestChainView(genesis(BLOCK_TIME, Map.of()));

    // ---------------------------------------------------------------- fixtures

    private static KeyPair key(int n) {
        byte[] seed = new byte[32];
        seed[0] = (byte) n;
        return KeyPair.fromSeed(seed);
    }

    private static Genesis genesis(long blockTime, Map<String, String> params) {
        return new Genesis("pow-test", GENESIS_MILLIS, 10, blockTime,
                new TreeMap<>(Map.of(MINER.address(), new Account(1_000, 0, 100))), PowEngine.NAME, params);
    }

    /** An engine and its chain: genesis difficulty {@code difficulty}, retarget window {@code window}. */
    private record Fixture(PowEngine engine, TestChainView chain) {
        static Fixture of(long difficulty, int window) {
            return of(difficulty, window, BLOCK_TIME);
        }

        static Fixture of(long difficulty, int window, long blockTime) {
            Genesis genesis = genesis(blockTime, params(difficulty, window));
            return new Fixture(new PowEngine().configure(genesis), new TestChainView(genesis));
        }

        /**
         * For properties: a fresh engine on one chain view shared by all tries (a genesis state costs
         * milliseconds to build, and the engine reads only headers from the view). Each try grows its own
         * fork from the shared genesis header.
         */
        static Fixture onSharedChain(long difficulty, int window, long blockTime) {
            return new Fixture(new PowEngine().configure(genesis(blockTime, params(difficulty, window))), SHARED_CHAIN);
        }

        private static Map<String, String> params(long difficulty, int window) {
            return Map.of(PowEngine.DIFFICULTY, Long.toString(difficulty), PowEngine.RETARGET_WINDOW,
                    Integer.toString(window));
        }

        Header genesisHeader() {
            return chain.genesisHeader();
        }

        /** A child of {@code parent} carrying {@code difficulty}, not sealed. */
        Header unsealed(Header parent, long timestamp, long difficulty) {
            return new Header(parent.chainId(), parent.height() + 1, parent.hash(), timestamp, parent.slot() + 1,
                    MINER.address(), Block.txRoot(List.of()), parent.stateRoot(), PowEngine.NAME,
                    PowEngine.encodeDifficulty(difficulty), new byte[0]);
        }

        Header mine(Header unsealed) {
            return engine.seal(chain, unsealed, MINER, new HashDrbg(unsealed.height()), 10_000_000).orElseThrow();
        }

        /** Mines the child the rules require at {@code timestamp}, checks it verifies, and adds it to the chain. */
        Header mineNext(Header parent, long timestamp) {
            Header header = mine(unsealed(parent, timestamp, engine.difficultyAfter(chain, parent)));
            assertThat(engine.verifySeal(chain, parent, header, timestamp)).isEmpty();
            chain.add(header, null);
            return header;
        }

        /** Adds an unmined child (retarget tests need only timestamps and difficulties). */
        Header append(Header parent, long timestamp, long difficulty) {
            Header header = unsealed(parent, timestamp, difficulty).withSeal(new byte[PowEngine.NONCE_BYTES]);
            chain.add(header, null);
            return header;
        }

        /** Appends {@code count} blocks {@code spacing} ms apart, each at the difficulty the rules require. */
        Header appendRequired(Header parent, int count, long spacing) {
            Header head = parent;
            for (int i = 0; i < count; i++) {
                head = append(head, head.timestamp() + spacing, engine.difficultyAfter(chain, head));
            }
            return head;
        }

        Optional<SealRejection.Reason> verify(Header parent, Header header) {
            return engine.verifySeal(chain, parent, header, header.timestamp()).map(SealRejection::reason);
        }
    }

    private static byte[] nonce(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    private static long nonceOf(Header header) {
        return ByteBuffer.wrap(header.seal()).getLong();
    }

    /** The reference rule, with BigInteger: hash as an unsigned integer at most floor((2^256-1)/difficulty). */
    private static boolean meetsTargetReference(Header header, long difficulty) {
        BigInteger max = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
        return new BigInteger(1, header.hash()).compareTo(max.divide(BigInteger.valueOf(difficulty))) <= 0;
    }

    /** The first nonce from {@code start} on (wrapping) whose header meets the target, found the slow way. */
    private static long firstNonceReference(Header unsealed, long start, long difficulty) {
        for (long n = start; ; n++) {
            if (meetsTargetReference(unsealed.withSeal(nonce(n)), difficulty)) {
                return n;
            }
        }
    }

    // ---------------------------------------------------------------- identity, parameters, slots

    @Test
    void isFoundAsPowAndDocumentsItsParameters() {
        PowEngine unconfigured = new PowEngine();
        assertThat(unconfigured.name()).isEqualTo("pow");
        assertThat(unconfigured.parameters()).containsOnlyKeys("difficulty", "retargetWindow");
    }

    @Test
    void defaultsApplyWhenGenesisNamesNoParameters() {
        PowEngine engine = new PowEngine().configure(genesis(BLOCK_TIME, Map.of()));
        assertThat(engine.initialDifficulty()).isEqualTo(PowEngine.DEFAULT_DIFFICULTY);
        assertThat(engine.retargetWindow()).isEqualTo(PowEngine.DEFAULT_RETARGET_WINDOW);
    }

    @Test
    void configureRejectsBadParametersNamingThem() {
        for (String bad : List.of("x", "0", "-5", "1.5", "+3", "", "9223372036854775808", "99999999999999999999")) {
            assertThatThrownBy(() -> new PowEngine().configure(genesis(BLOCK_TIME, Map.of("difficulty", bad))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("engine.params.difficulty must be a positive whole number, not '" + bad + "'");
        }
        for (String bad : List.of("0", "abc", "-1", "10001")) {
            assertThatThrownBy(() -> new PowEngine().configure(genesis(BLOCK_TIME, Map.of("retargetWindow", bad))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("engine.params.retargetWindow must be")
                    .hasMessageEndingWith("not '" + bad + "'");
        }
        assertThat(new PowEngine().configure(genesis(BLOCK_TIME, Map.of("difficulty", " 9223372036854775807 ")))
                .initialDifficulty()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void slotsCountBlockTimesSinceGenesisAndNeverGoBack() {
        PowEngine engine = Fixture.of(16, 4).engine();
        assertThat(engine.slotAt(0)).isZero();
        assertThat(engine.slotAt(GENESIS_MILLIS - 1)).isZero();
        assertThat(engine.slotAt(GENESIS_MILLIS + BLOCK_TIME - 1)).isZero();
        assertThat(engine.slotAt(GENESIS_MILLIS + BLOCK_TIME)).isEqualTo(1);
        assertThat(engine.slotAt(GENESIS_MILLIS + 10 * BLOCK_TIME + 5)).isEqualTo(10);
    }

    @Property(tries = 200)
    void slotAtIsMonotonic(@ForAll long a, @ForAll long b) {
        PowEngine engine = new PowEngine().configure(genesis(BLOCK_TIME, Map.of()));
        assertThat(engine.slotAt(Math.min(a, b))).isLessThanOrEqualTo(engine.slotAt(Math.max(a, b)));
    }

    // ---------------------------------------------------------------- claim, seal, verify

    @Test
    void anyoneMayClaimTheNextSlotAtAnyTimeAtTheRequiredDifficulty() {
        Fixture f = Fixture.of(16, 4);
        Header genesis = f.genesisHeader();
        for (KeyPair who : List.of(MINER, OTHER)) {
            for (long now : List.of(0L, GENESIS_MILLIS, GENESIS_MILLIS + 123_456)) {
                ConsensusEngine.Claim claim = f.engine().claim(f.chain(), genesis, now, who).orElseThrow();
                assertThat(claim.slot()).isEqualTo(1);
                assertThat(claim.engineData()).isEqualTo(PowEngine.encodeDifficulty(16));
            }
        }
        Header head = f.appendRequired(genesis, 6, 250); // fast: past the window, the difficulty rises
        ConsensusEngine.Claim claim = f.engine().claim(f.chain(), head, 0, OTHER).orElseThrow();
        assertThat(claim.slot()).isEqualTo(7);
        assertThat(ByteBuffer.wrap(claim.engineData()).getLong()).isEqualTo(f.engine().difficultyAfter(f.chain(), head))
                .isGreaterThan(16);
    }

    @Test
    void aMinedHeaderVerifies() {
        Fixture f = Fixture.of(16, 4);
        Header genesis = f.genesisHeader();
        ConsensusEngine.Claim claim = f.engine().claim(f.chain(), genesis, GENESIS_MILLIS + 1_000, MINER).orElseThrow();
        long timestamp = GENESIS_MILLIS + 1_000;
        Header unsealed = new Header(genesis.chainId(), 1, genesis.hash(), timestamp, claim.slot(), MINER.address(),
                Block.txRoot(List.of()), genesis.stateRoot(), "pow", claim.engineData(), new byte[0]);

        Header mined = f.engine().seal(f.chain(), unsealed, MINER, new HashDrbg(1), 1_000_000).orElseThrow();

        assertThat(mined.seal()).hasSize(8);
        assertThat(mined.withSeal(new byte[0])).isEqualTo(unsealed);
        assertThat(meetsTargetReference(mined, 16)).isTrue();
        assertThat(f.engine().verifySeal(f.chain(), genesis, mined, timestamp)).isEmpty();
    }

    @Test
    void aHashAboveTheTargetIsInsufficientWork() {
        Fixture f = Fixture.of(16, 4);
        Header genesis = f.genesisHeader();
        Header mined = f.mineNext(genesis, GENESIS_MILLIS + 1_000);
        Header unmined = mined;
        for (long n = 0; meetsTargetReference(unmined, 16); n++) {
            unmined = mined.withSeal(nonce(n));
        }
        Optional<SealRejection> rejection = f.engine().verifySeal(f.chain(), genesis, unmined, unmined.timestamp());
        assertThat(rejection).map(SealRejection::reason).hasValue(SealRejection.Reason.INSUFFICIENT_WORK);
        assertThat(rejection.orElseThrow().detail()).contains(unmined.hashHex()).contains("difficulty 16")
                .doesNotContain("\n");
    }

    @Test
    void aFoundBlockCannotBeReattributedToAnotherMiner() {
        Fixture f = Fixture.of(4096, 4); // a copy with another proposer meets the target with odds 1/4096
        Header genesis = f.genesisHeader();
        Header mined = f.mineNext(genesis, GENESIS_MILLIS + 1_000);
        Header stolen = new Header(mined.chainId(), mined.height(), mined.parentHash(), mined.timestamp(), mined.slot(),
                OTHER.address(), mined.bodyRoot(), mined.stateRoot(), mined.engine(), mined.engineData(), mined.seal());
        assertThat(f.verify(genesis, stolen)).hasValue(SealRejection.Reason.INSUFFICIENT_WORK);
    }

    @Test
    void theTargetBoundaryIsInclusive() {
        BigInteger target = PowEngine.targetOf(16);
        assertThat(target).isEqualTo(BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE)
                .divide(BigInteger.valueOf(16)));
        byte[] atTarget = new byte[32];
        byte[] raw = target.toByteArray();
        System.arraycopy(raw, Math.max(0, raw.length - 32), atTarget, Math.max(0, 32 - raw.length),
                Math.min(32, raw.length));
        byte[] aboveTarget = target.add(BigInteger.ONE).toByteArray();
        assertThat(aboveTarget).hasSize(32); // 0x10 00.. : no sign byte
        assertThat(PowEngine.meetsTarget(atTarget, 16)).isTrue();
        assertThat(PowEngine.meetsTarget(aboveTarget, 16)).isFalse();
        byte[] allOnes = new byte[32];
        java.util.Arrays.fill(allOnes, (byte) 0xff);
        assertThat(PowEngine.meetsTarget(allOnes, 1)).isTrue();
        assertThat(PowEngine.meetsTarget(allOnes, 2)).isFalse();
        assertThat(PowEngine.meetsTarget(new byte[32], Long.MAX_VALUE)).isTrue();
        assertThatThrownBy(() -> PowEngine.targetOf(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDifficultyOtherThanTheRequiredOneIsWrongDifficulty() {
        Fixture f = Fixture.of(16, 4);
        Header genesis = f.genesisHeader();
        long timestamp = GENESIS_MILLIS + 1_000;
        for (long claimed : List.of(1L, 8L, 17L, 32L)) { // easier (less work) and harder alike, each properly mined
            Header mined = f.mine(f.unsealed(genesis, timestamp, claimed));
            Optional<SealRejection> rejection = f.engine().verifySeal(f.chain(), genesis, mined, timestamp);
            assertThat(rejection).map(SealRejection::reason).hasValue(SealRejection.Reason.WRONG_DIFFICULTY);
            assertThat(rejection.orElseThrow().detail()).isEqualTo("difficulty " + claimed
                    + ", but its parent requires 16");
        }
    }

    @Test
    void aSlotOtherThanTheParentsPlusOneIsWrongSlot() {
        Fixture f = Fixture.of(16, 4);
        Header genesis = f.genesisHeader();
        Header block1 = f.mineNext(genesis, GENESIS_MILLIS + 1_000);
        Header good = f.unsealed(block1, GENESIS_MILLIS + 2_000, 16);
        for (long slot : List.of(0L, 1L, 3L, 100L)) {
            Header bad = f.mine(new Header(good.chainId(), good.height(), good.parentHash(), good.timestamp(), slot,
                    good.proposer(), good.bodyRoot(), good.stateRoot(), good.engine(), good.engineData(), good.seal()));
            assertThat(f.verify(block1, bad)).hasValue(SealRejection.Reason.WRONG_SLOT);
        }
        assertThat(f.verify(block1, f.mine(good))).isEmpty();
    }

    @Test
    void aTimestampFromTheFutureOrNotAfterTheParentIsBadTimestamp() {
        Fixture f = Fixture.of(16, 4);
        Header genesis = f.genesisHeader();
        long timestamp = GENESIS_MILLIS + 1_000;
        Header mined = f.mine(f.unsealed(genesis, timestamp, 16));
        long drift = ConsensusEngine.MAX_CLOCK_DRIFT_MILLIS;
        assertThat(f.engine().verifySeal(f.chain(), genesis, mined, timestamp - drift)).isEmpty();
        Optional<SealRejection> future = f.engine().verifySeal(f.chain(), genesis, mined, timestamp - drift - 1);
        assertThat(future).map(SealRejection::reason).hasValue(SealRejection.Reason.BAD_TIMESTAMP);
        assertThat(future.orElseThrow().detail()).contains("ahead");

        Header sameTime = f.mine(f.unsealed(genesis, genesis.timestamp(), 16));
        assertThat(f.verify(genesis, sameTime)).hasValue(SealRejection.Reason.BAD_TIMESTAMP);
    }

    @Test
    void unreadableEngineDataOrSealIsMalformed() {
        Fixture f = Fixture.of(16, 4);
        Header genesis = f.genesisHeader();
        Header good = f.mine(f.unsealed(genesis, GENESIS_MILLIS + 1_000, 16));
        List<byte[]> badEngineData = List.of(new byte[0], new byte[4], new byte[9], PowEngine.encodeDifficulty(0),
                PowEngine.encodeDifficulty(-1), PowEngine.encodeDifficulty(Long.MIN_VALUE));
        for (byte[] engineData : badEngineData) {
            Header bad = new Header(good.chainId(), good.height(), good.parentHash(), good.timestamp(), good.slot(),
                    good.proposer(), good.bodyRoot(), good.stateRoot(), good.engine(), engineData, good.seal());
            assertThat(f.verify(genesis, bad)).hasValue(SealRejection.Reason.MALFORMED_SEAL);
        }
        for (int length : new int[] {0, 7, 9, 96}) {
            assertThat(f.verify(genesis, good.withSeal(new byte[length]))).hasValue(SealRejection.Reason.MALFORMED_SEAL);
        }
        Header noDifficulty = f.unsealed(genesis, GENESIS_MILLIS + 1_000, 16);
        Header zero = new Header(noDifficulty.chainId(), 1, noDifficulty.parentHash(), noDifficulty.timestamp(), 1,
                MINER.address(), noDifficulty.bodyRoot(), noDifficulty.stateRoot(), "pow", new byte[3], new byte[0]);
        assertThatThrownBy(() -> f.engine().seal(f.chain(), zero, MINER, new HashDrbg(1), 100))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("difficulty");
    }

    @Test
    void sealingWithTheSameSeedIsDeterministic() {
        Fixture f = Fixture.of(64, 4);
        Header unsealed = f.unsealed(f.genesisHeader(), GENESIS_MILLIS + 1_000, 64);
        Header first = f.engine().seal(f.chain(), unsealed, MINER, new HashDrbg(42), 1_000_000).orElseThrow();
        Header second = f.engine().seal(f.chain(), unsealed, MINER, new HashDrbg(42), 1_000_000).orElseThrow();
        assertThat(second).isEqualTo(first);
        assertThat(second.seal()).isEqualTo(first.seal());
    }

    @Test
    void sealingTriesExactlyTheGivenNumberOfNonces() {
        Fixture f = Fixture.of(64, 4);
        Header unsealed = f.unsealed(f.genesisHeader(), GENESIS_MILLIS + 1_000, 64);
        long start = new HashDrbg(7).nextLong();
        Header found = f.engine().seal(f.chain(), unsealed, MINER, new HashDrbg(7), Long.MAX_VALUE).orElseThrow();
        long needed = nonceOf(found) - start + 1;

        assertThat(f.engine().seal(f.chain(), unsealed, MINER, new HashDrbg(7), needed)).hasValue(found);
        assertThat(f.engine().seal(f.chain(), unsealed, MINER, new HashDrbg(7), needed - 1)).isEmpty();
        assertThat(f.engine().seal(f.chain(), unsealed, MINER, new HashDrbg(7), 0)).isEmpty();
        assertThat(f.engine().seal(f.chain(), unsealed, MINER, new HashDrbg(7), -1)).isEmpty();

        Header hard = f.unsealed(f.genesisHeader(), GENESIS_MILLIS + 1_000, 1L << 40);
        assertThat(f.engine().seal(f.chain(), hard, MINER, new HashDrbg(7), 100)).isEmpty();
    }

    @Property(tries = 100)
    void sealFindsTheFirstNonceThatMeetsTheTargetWrappingPastTheLargest(@ForAll("startNonces") long start,
                                                                         @ForAll @LongRange(min = 1, max = 32) long difficulty) {
        Fixture f = Fixture.onSharedChain(difficulty, 4, BLOCK_TIME);
        Header unsealed = f.unsealed(f.genesisHeader(), GENESIS_MILLIS + 1_000, difficulty);
        RandomSource fixed = () -> start;
        Header found = f.engine().seal(f.chain(), unsealed, MINER, fixed, 10_000).orElseThrow();
        assertThat(nonceOf(found)).isEqualTo(firstNonceReference(unsealed, start, difficulty));
        assertThat(f.verify(f.genesisHeader(), found)).isEmpty();
    }

    @Provide
    Arbitrary<Long> startNonces() {
        return Arbitraries.oneOf(Arbitraries.longs(),
                Arbitraries.longs().between(Long.MAX_VALUE - 40, Long.MAX_VALUE));
    }

    // ---------------------------------------------------------------- retargeting

    @Test
    void theFirstBlocksOfAWindowUseTheInitialDifficulty() {
        Fixture f = Fixture.of(1_000, 4);
        Header head = f.genesisHeader();
        for (int i = 0; i < 4; i++) { // parent heights 0..3, far too fast: no retarget yet
            assertThat(f.engine().difficultyAfter(f.chain(), head)).isEqualTo(1_000);
            head = f.append(head, head.timestamp() + 1, 1_000);
        }
        assertThat(f.engine().difficultyAfter(f.chain(), head)).isEqualTo(4_000);
    }

    @Test
    void blocksAtTheBlockTimeKeepTheDifficulty() {
        Fixture f = Fixture.of(1_000, 4);
        Header head = f.genesisHeader();
        for (int i = 0; i < 20; i++) {
            head = f.appendRequired(head, 1, BLOCK_TIME);
            assertThat(f.engine().difficultyOf(head)).isEqualTo(1_000);
        }
    }

    @Test
    void fasterBlocksRaiseTheDifficultySlowerLowerIt() {
        Fixture fast = Fixture.of(1_000, 4);
        Header fastHead = fast.appendRequired(fast.genesisHeader(), 4, BLOCK_TIME / 2);
        assertThat(fast.engine().difficultyAfter(fast.chain(), fastHead)).isEqualTo(2_000);

        Fixture slow = Fixture.of(1_000, 4);
        Header slowHead = slow.appendRequired(slow.genesisHeader(), 4, BLOCK_TIME * 2);
        assertThat(slow.engine().difficultyAfter(slow.chain(), slowHead)).isEqualTo(500);
    }

    @Test
    void oneStepMovesTheDifficultyAtMostFourfold() {
        Fixture fast = Fixture.of(1_000, 4);
        Header fastHead = fast.appendRequired(fast.genesisHeader(), 4, 1);
        assertThat(fast.engine().difficultyAfter(fast.chain(), fastHead)).isEqualTo(4_000);

        Fixture slow = Fixture.of(1_000, 4);
        Header slowHead = slow.appendRequired(slow.genesisHeader(), 4, BLOCK_TIME * 1_000);
        assertThat(slow.engine().difficultyAfter(slow.chain(), slowHead)).isEqualTo(250);
    }

    @Test
    void aSustainedFastPaceRaisesTheDifficultyEveryBlockWithinFourfold() {
        // Blocks keep coming at half the block time (as if the hash rate had doubled and nobody mined harder):
        // the difficulty rises every block, each step within x4 of the last.
        Fixture f = Fixture.of(1_000, 4);
        Header head = f.appendRequired(f.genesisHeader(), 4, BLOCK_TIME / 2);
        long previous = f.engine().difficultyOf(head);
        for (int i = 0; i < 12; i++) {
            head = f.appendRequired(head, 1, BLOCK_TIME / 2);
            long now = f.engine().difficultyOf(head);
            assertThat(now).isGreaterThan(previous).isLessThanOrEqualTo(4 * previous);
            previous = now;
        }
    }

    @Test
    void aConstantHashRateSettlesTheDifficultyWithoutOvershooting() {
        // Each block takes the time its difficulty takes at a constant hash rate: the difficulty must move
        // from 16 to hashRate x blockTime and stay there, never passing it (a rule that scaled the parent's
        // difficulty by the window's pace every block would compound the same pace and overshoot).
        for (long hashesPerSecond : new long[] {8, 64, 1_000}) {
            Fixture f = Fixture.of(16, 4);
            Header head = f.genesisHeader();
            List<Long> seen = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                long difficulty = f.engine().difficultyAfter(f.chain(), head);
                seen.add(difficulty);
                head = f.append(head, head.timestamp() + difficulty * BLOCK_TIME / hashesPerSecond, difficulty);
            }
            long equilibrium = hashesPerSecond * BLOCK_TIME / 1_000;
            assertThat(seen.subList(30, 40)).as("at %d hashes/s", hashesPerSecond).containsOnly(equilibrium);
            assertThat(seen).allSatisfy(d -> assertThat(d).isBetween(Math.min(16, equilibrium),
                    Math.max(16, equilibrium)));
        }
    }

    @Test
    void theDifficultyNeverFallsBelowOneNorOverflows() {
        Fixture easy = Fixture.of(1, 2);
        Header easyHead = easy.appendRequired(easy.genesisHeader(), 10, BLOCK_TIME * 100);
        assertThat(easy.engine().difficultyOf(easyHead)).isEqualTo(1);
        assertThat(easy.engine().difficultyAfter(easy.chain(), easyHead)).isEqualTo(1);

        Fixture hard = Fixture.of(Long.MAX_VALUE / 2, 2);
        Header hardHead = hard.appendRequired(hard.genesisHeader(), 10, 1);
        assertThat(hard.engine().difficultyOf(hardHead)).isEqualTo(Long.MAX_VALUE);
        assertThat(hard.engine().difficultyAfter(hard.chain(), hardHead)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aMissingAncestorIsReportedNotGuessed() {
        Fixture f = Fixture.of(16, 2);
        Header orphanParent = f.unsealed(f.genesisHeader(), GENESIS_MILLIS + 1, 16).withSeal(new byte[8]);
        Header orphan = f.unsealed(orphanParent, GENESIS_MILLIS + 2, 16).withSeal(new byte[8]);
        f.chain().add(orphan, null); // its parent is not in the chain
        assertThatThrownBy(() -> f.engine().difficultyAfter(f.chain(), orphan))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not in the chain");
    }

    @Property(tries = 200)
    void aRetargetStaysWithinFourfoldOfTheParentAndAtLeastOne(
            @ForAll @IntRange(min = 1, max = 8) int window,
            @ForAll @LongRange(min = 1, max = 1_000_000) long blockTime,
            @ForAll("difficulties") List<Long> difficulties,
            @ForAll("spacings") List<Long> spacings) {
        Fixture f = Fixture.onSharedChain(difficulties.get(0), window, blockTime);
        Header head = f.genesisHeader();
        int blocks = Math.min(difficulties.size(), spacings.size());
        for (int i = 0; i < blocks; i++) {
            head = f.append(head, head.timestamp() + spacings.get(i), difficulties.get(i));
        }
        BigInteger parent = BigInteger.valueOf(f.engine().difficultyOf(head));
        long next = f.engine().difficultyAfter(f.chain(), head);
        BigInteger nextBig = BigInteger.valueOf(next);
        assertThat(next).isPositive();
        assertThat(nextBig).isLessThanOrEqualTo(parent.multiply(BigInteger.valueOf(4)).min(MAX_LONG));
        assertThat(nextBig).isGreaterThanOrEqualTo(parent.divide(BigInteger.valueOf(4)).max(BigInteger.ONE));
    }

    @Provide
    Arbitrary<List<Long>> difficulties() {
        return Arbitraries.oneOf(Arbitraries.longs().between(1, 10), Arbitraries.longs().between(1, 1_000_000),
                Arbitraries.longs().between(1, Long.MAX_VALUE)).list().ofMinSize(9).ofMaxSize(16); // past the largest window: a retarget
    }

    @Provide
    Arbitrary<List<Long>> spacings() {
        return Arbitraries.oneOf(Arbitraries.longs().between(1, 10), Arbitraries.longs().between(1, 1_000_000_000L))
                .list().ofMinSize(9).ofMaxSize(16);
    }

    @Property(tries = 200)
    void aSteadyDifficultyRisesWhenFasterFallsWhenSlowerHoldsAtTheBlockTime(
            @ForAll @IntRange(min = 1, max = 6) int window,
            @ForAll @LongRange(min = 1, max = 1_000_000_000_000L) long difficulty,
            @ForAll @LongRange(min = 1, max = 10_000) long blockTime,
            @ForAll @LongRange(min = 1, max = 100_000) long spacing) {
        Fixture f = Fixture.onSharedChain(difficulty, window, blockTime);
        Header head = f.genesisHeader();
        for (int i = 0; i < window; i++) {
            head = f.append(head, head.timestamp() + spacing, difficulty);
        }
        long next = f.engine().difficultyAfter(f.chain(), head);
        if (spacing < blockTime) {
            assertThat(next).isGreaterThanOrEqualTo(difficulty);
        } else if (spacing > blockTime) {
            assertThat(next).isLessThanOrEqualTo(difficulty);
        } else {
            assertThat(next).isEqualTo(difficulty);
        }
    }

    // ---------------------------------------------------------------- weight and fork choice

    @Test
    void aBlockWeighsItsDifficultyAndGenesisNothing() {
        Fixture f = Fixture.of(16, 4);
        assertThat(f.engine().weight(f.genesisHeader())).isZero();
        Header mined = f.mineNext(f.genesisHeader(), GENESIS_MILLIS + 1_000);
        assertThat(f.engine().weight(mined)).isEqualTo(BigInteger.valueOf(16));
        Header heavy = f.append(mined, mined.timestamp() + 1, Long.MAX_VALUE);
        assertThat(f.engine().weight(heavy)).isEqualTo(MAX_LONG);
    }

    @Test
    void aShorterChainOfHarderBlocksOutweighsALongerChainOfEasyOnes() {
        Fixture f = Fixture.of(16, 4);
        Header genesis = f.genesisHeader();
        List<Header> hard = new ArrayList<>();
        Header head = genesis;
        for (int i = 0; i < 6; i++) { // mined fast, so the difficulty rises after the first window
            head = f.mineNext(head, head.timestamp() + 100);
            hard.add(head);
        }
        List<Header> easy = new ArrayList<>();
        head = genesis;
        for (int i = 0; i < 12; i++) { // mined at the block time: difficulty 16 throughout
            head = f.mineNext(head, head.timestamp() + BLOCK_TIME);
            easy.add(head);
        }
        BigInteger hardWork = hard.stream().map(f.engine()::weight).reduce(BigInteger.ZERO, BigInteger::add);
        BigInteger easyWork = easy.stream().map(f.engine()::weight).reduce(BigInteger.ZERO, BigInteger::add);
        assertThat(easyWork).isEqualTo(BigInteger.valueOf(12 * 16));
        assertThat(hard).hasSizeLessThan(easy.size());
        assertThat(hardWork).isGreaterThan(easyWork);
        assertThat(hardWork).isEqualTo(BigInteger.valueOf(4 * 16 + 64 + 112));
    }

    @Test
    void miningNeedsNoKeyAndKeepsTheRewardAddress() {
        // Mining needs no key: a header naming any reward address is sealed with any (or another) key pair.
        Fixture f = Fixture.of(16, 4);
        Header genesis = f.genesisHeader();
        Address reward = OTHER.address();
        Header unsealed = new Header(genesis.chainId(), 1, genesis.hash(), GENESIS_MILLIS + 1_000, 1, reward,
                Block.txRoot(List.of()), genesis.stateRoot(), "pow", PowEngine.encodeDifficulty(16), new byte[0]);
        Header mined = f.engine().seal(f.chain(), unsealed, MINER, new HashDrbg(3), 1_000_000).orElseThrow();
        assertThat(mined.proposer()).isEqualTo(reward);
        assertThat(f.verify(genesis, mined)).isEmpty();
        assertThat(f.chain().signatureChecks).isZero();
    }
}
