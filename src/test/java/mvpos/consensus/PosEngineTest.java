package mvpos.consensus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.IntStream;
import mvpos.chain.Account;
import mvpos.chain.Block;
import mvpos.chain.Genesis;
import mvpos.chain.Header;
import mvpos.crypto.Address;
import mvpos.crypto.Ed25519;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;
import mvpos.crypto.Sha256;
import mvpos.state.State;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PosEngineTest {
    private static final String CHAIN = "pos-test";
    private static final long T0 = 1_700_000_000_000L;
    private static final long SLOT_MILLIS = 1_000;
    private static final long EPOCH = 4;
    private static final long[] STAKES = {10, 20, 30, 40, 100};
    private static final long TOTAL_STAKE = 200;
    private static final List<KeyPair> KEYS = IntStream.range(0, 6)
            .mapToObj(i -> KeyPair.generate(new HashDrbg(i + 1))).toList();
    /** Holds a balance but no stake: never a validator. */
    private static final KeyPair OUTSIDER = KeyPair.generate(new HashDrbg(99));
    private static final List<KeyPair> EVERYONE = concat(KEYS, OUTSIDER);

    // ---------------------------------------------------------------- fixtures

    private static List<KeyPair> concat(List<KeyPair> keys, KeyPair more) {
        List<KeyPair> all = new ArrayList<>(keys);
        all.add(more);
        return List.copyOf(all);
    }

    private static Genesis genesis(long[] stakes, Map<String, String> params) {
        TreeMap<Address, Account> accounts = new TreeMap<>();
        for (int i = 0; i < stakes.length; i++) {
            accounts.put(KEYS.get(i).address(), new Account(1_000, 0, stakes[i]));
        }
        accounts.put(OUTSIDER.address(), new Account(1_000_000, 0, 0));
        return new Genesis(CHAIN, T0, 5, SLOT_MILLIS, accounts, PosEngine.NAME, params);
    }

    private static Genesis genesis() {
        return genesis(STAKES, Map.of(PosEngine.EPOCH_LENGTH, Long.toString(EPOCH)));
    }

    /** The signing domain of {@link #genesis()}'s chain. */
    private static final mvpos.chain.ChainDomain DOMAIN = mvpos.state.GenesisState.of(genesis()).domain();

    /** A chain under test: a view holding the blocks, and an engine (one per node) reading it. */
    private static final class Net {
        final TestChainView view;
        final PosEngine engine;

        Net(Genesis genesis) {
            view = new TestChainView(genesis);
            engine = new PosEngine().configure(genesis);
        }

        Header genesisHeader() {
            return view.genesisHeader();
        }

        State stateAfter(Header header) {
            return view.stateAfter(header.hash()).orElseThrow();
        }

        Address proposer(Header parent, long slot) {
            return engine.proposerOf(view, parent, slot).orElseThrow();
        }

        /** The block of {@code slot} on {@code parent}, by its proposer, through claim and seal; must verify. */
        Header produce(Header parent, long slot, State stateAfter) {
            KeyPair proposer = keyOf(proposer(parent, slot));
            ConsensusEngine.Claim claim = engine.claim(view, parent, time(slot), proposer).orElseThrow();
            assertThat(claim.slot()).isEqualTo(slot);
            Header header = engine.seal(view, unsealed(parent, slot, proposer.address(), claim.engineData(),
                    stateAfter), proposer, new HashDrbg(0), 1).orElseThrow();
            int checks = view.signatureChecks;
            assertThat(engine.verifySeal(view, parent, header, time(slot))).isEmpty();
            assertThat(view.signatureChecks - checks).as("reveal and seal checked through the view").isEqualTo(2);
            view.add(header, stateAfter);
            return header;
        }

        Header produce(Header parent, long slot) {
            return produce(parent, slot, stateAfter(parent));
        }

        /** Blocks at every slot from {@code parent.slot + 1} to {@code lastSlot}; returns the head. */
        Header extend(Header parent, long lastSlot) {
            Header head = parent;
            for (long slot = parent.slot() + 1; slot <= lastSlot; slot++) {
                head = produce(head, slot);
            }
            return head;
        }

        Optional<SealRejection.Reason> verify(Header parent, Header header) {
            return engine.verifySeal(view, parent, header, time(header.slot())).map(SealRejection::reason);
        }
    }

    private static long time(long slot) {
        return T0 + slot * SLOT_MILLIS + 1;
    }

    private static KeyPair keyOf(Address address) {
        return EVERYONE.stream().filter(k -> k.address().equals(address)).findFirst().orElseThrow();
    }

    private static Header unsealed(Header parent, long slot, Address proposer, byte[] engineData, State state) {
        return new Header(CHAIN, parent.height() + 1, parent.hash(), time(slot), slot, proposer,
                Block.txRoot(List.of()), state.root(), PosEngine.NAME, engineData, new byte[0]);
    }

    private static byte[] reveal(KeyPair key, long epoch) {
        return key.sign(PosEngine.revealMessage(DOMAIN, epoch));
    }

    private static byte[] engineData(byte[] reveal, byte[] mix) {
        byte[] data = Arrays.copyOf(reveal, reveal.length + mix.length);
        System.arraycopy(mix, 0, data, reveal.length, mix.length);
        return data;
    }

    /** Well-formed engine data for {@code key} on {@code parent} in {@code slot}. */
    private static byte[] honestData(KeyPair key, Header parent, long slot) {
        byte[] reveal = reveal(key, slot / EPOCH);
        return engineData(reveal, PosEngine.nextMix(PosEngine.mixOf(parent).orElseThrow(), reveal));
    }

    /** A seal by {@code key} whatever proposer the header names (ProposerSignature.seal refuses that). */
    private static Header sealAnyway(KeyPair key, Header unsealed) {
        byte[] seal = Arrays.copyOf(key.publicKey(), ProposerSignature.SEAL_BYTES);
        System.arraycopy(key.sign(mvpos.chain.SignedSeal.signedMessage(DOMAIN.genesisHash(), unsealed)), 0, seal, Ed25519.PUBLIC_KEY_BYTES, Ed25519.SIGNATURE_BYTES);
        return unsealed.withSeal(seal);
    }

    private static Header withEngineData(Header h, byte[] data) {
        return new Header(h.chainId(), h.height(), h.parentHash(), h.timestamp(), h.slot(), h.proposer(), h.bodyRoot(),
                h.stateRoot(), h.engine(), data, h.seal());
    }

    private static byte[] flip(byte[] bytes, int index) {
        byte[] copy = bytes.clone();
        copy[index] ^= 1;
        return copy;
    }

    /** The first slot after {@code parent} whose proposer is not {@code key}. */
    private static long slotNotOf(Net net, Header parent, KeyPair key) {
        for (long slot = parent.slot() + 1; slot <= parent.slot() + 64; slot++) {
            if (!net.proposer(parent, slot).equals(key.address())) {
                return slot;
            }
        }
        throw new AssertionError(key + " proposes 64 slots in a row");
    }

    // ---------------------------------------------------------------- configuration

    @Test
    void readsAndChecksTheEpochLength() {
        assertThat(new PosEngine().name()).isEqualTo("pos");
        assertThat(new PosEngine().parameters()).containsKey(PosEngine.EPOCH_LENGTH);
        assertThat(new PosEngine().configure(genesis(STAKES, Map.of())).epochLength()).isEqualTo(8);
        assertThat(new PosEngine().configure(genesis()).epochLength()).isEqualTo(EPOCH);
        assertThat(new PosEngine().configure(genesis()).epochOf(7)).isEqualTo(1);
        for (String bad : List.of("0", "-3", "eight", "", "129")) {
            assertThatThrownBy(() -> new PosEngine().configure(genesis(STAKES, Map.of(PosEngine.EPOCH_LENGTH, bad))))
                    .as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("engine.params.epochLength");
        }
    }

    @Test
    void everyBlockWeighsOne() {
        Net net = new Net(genesis());
        Header block = net.produce(net.genesisHeader(), 1);
        assertThat(net.engine.weight(block)).isEqualTo(java.math.BigInteger.ONE);
    }

    // ---------------------------------------------------------------- who proposes

    @Test
    void exactlyOneValidatorMayClaimEachSlot() {
        Net net = new Net(genesis());
        Header head = net.genesisHeader();
        for (long slot = 1; slot <= 40; slot++) {
            for (long ahead = slot; ahead < slot + 3; ahead++) {
                long s = ahead;
                Header parent = head;
                List<KeyPair> claimants = EVERYONE.stream()
                        .filter(k -> net.engine.claim(net.view, parent, time(s), k).isPresent()).toList();
                assertThat(claimants).as("slot " + s).hasSize(1);
                assertThat(claimants.get(0).address()).isEqualTo(net.proposer(parent, s));
                assertThat(claimants.get(0)).isNotEqualTo(OUTSIDER);
            }
            head = net.produce(head, slot);
            // No one may claim a slot that is not after the parent's.
            for (KeyPair key : EVERYONE) {
                assertThat(net.engine.claim(net.view, head, time(slot), key)).isEmpty();
            }
        }
    }

    @Test
    void aBlockFromAnotherValidatorIsNotTheProposers() {
        Net net = new Net(genesis());
        Header parent = net.extend(net.genesisHeader(), 9);
        KeyPair intruder = KEYS.get(4);
        long slot = slotNotOf(net, parent, intruder);
        Header header = ProposerSignature.seal(net.view, intruder, unsealed(parent, slot, intruder.address(),
                honestData(intruder, parent, slot), net.stateAfter(parent)));
        assertThat(net.verify(parent, header)).contains(SealRejection.Reason.NOT_PROPOSER);

        Header outsider = ProposerSignature.seal(net.view, OUTSIDER, unsealed(parent, slot, OUTSIDER.address(),
                honestData(OUTSIDER, parent, slot), net.stateAfter(parent)));
        assertThat(net.verify(parent, outsider)).contains(SealRejection.Reason.NOT_PROPOSER);
    }

    @Test
    void aBlockFromTheFutureIsRefusedUntilItsSlotComes() {
        Net net = new Net(genesis());
        Header parent = net.genesisHeader();
        KeyPair proposer = keyOf(net.proposer(parent, 50));
        ConsensusEngine.Claim claim = net.engine.claim(net.view, parent, time(50), proposer).orElseThrow();
        Header header = ProposerSignature.seal(net.view, proposer,
                unsealed(parent, 50, proposer.address(), claim.engineData(), net.stateAfter(parent)));
        assertThat(net.engine.verifySeal(net.view, parent, header, time(10)))
                .map(SealRejection::reason).contains(SealRejection.Reason.FUTURE_SLOT);
        long slotStart = T0 + 50 * SLOT_MILLIS;
        assertThat(net.engine.verifySeal(net.view, parent, header,
                slotStart - ConsensusEngine.MAX_CLOCK_DRIFT_MILLIS - 1))
                .map(SealRejection::reason).contains(SealRejection.Reason.FUTURE_SLOT);
        assertThat(net.engine.verifySeal(net.view, parent, header, slotStart - ConsensusEngine.MAX_CLOCK_DRIFT_MILLIS))
                .isEmpty();
    }

    @Test
    void aSlotNotAfterTheParentsIsWrong() {
        Net net = new Net(genesis());
        Header parent = net.extend(net.genesisHeader(), 5);
        for (long slot : new long[] {5, 3, 0, -1}) {
            KeyPair key = KEYS.get(0);
            Header header = ProposerSignature.seal(net.view, key, unsealed(parent, slot, key.address(),
                    honestData(key, parent, Math.max(slot, 0)), net.stateAfter(parent)));
            assertThat(net.engine.verifySeal(net.view, parent, header, time(6)))
                    .map(SealRejection::reason).as("slot " + slot).contains(SealRejection.Reason.WRONG_SLOT);
        }
    }

    @Test
    void aTimestampOutsideTheSlotIsRefused() {
        Net net = new Net(genesis());
        Header parent = net.genesisHeader();
        long slot = 3;
        KeyPair proposer = keyOf(net.proposer(parent, slot));
        Header good = unsealed(parent, slot, proposer.address(), honestData(proposer, parent, slot),
                net.stateAfter(parent));
        Header late = new Header(CHAIN, 1, parent.hash(), time(slot) + SLOT_MILLIS, slot, proposer.address(),
                good.bodyRoot(), good.stateRoot(), PosEngine.NAME, good.engineData(), new byte[0]);
        assertThat(net.engine.verifySeal(net.view, parent, ProposerSignature.seal(net.view, proposer, late), time(9)))
                .map(SealRejection::reason).contains(SealRejection.Reason.BAD_TIMESTAMP);
        assertThat(net.engine.verifySeal(net.view, parent, ProposerSignature.seal(net.view, proposer, good), time(9))).isEmpty();
    }

    // ---------------------------------------------------------------- randomness and seal

    @Test
    void aTamperedRevealOrMixIsABadReveal() {
        Net net = new Net(genesis());
        Header parent = net.extend(net.genesisHeader(), 6);
        long slot = 7;
        KeyPair proposer = keyOf(net.proposer(parent, slot));
        KeyPair other = KEYS.stream().filter(k -> !k.equals(proposer)).findFirst().orElseThrow();
        byte[] parentMix = PosEngine.mixOf(parent).orElseThrow();
        State state = net.stateAfter(parent);

        byte[] honest = honestData(proposer, parent, slot);
        assertThat(net.verify(parent, ProposerSignature.seal(net.view, proposer,
                unsealed(parent, slot, proposer.address(), honest, state)))).isEmpty();

        byte[] badReveal = flip(reveal(proposer, 1), 10);
        byte[] wrongEpoch = reveal(proposer, 2);
        byte[] othersReveal = reveal(other, 1);
        List<byte[]> tampered = List.of(
                // a bit of the reveal flipped, the mix made consistent with it
                engineData(badReveal, PosEngine.nextMix(parentMix, badReveal)),
                // a valid signature of another epoch
                engineData(wrongEpoch, PosEngine.nextMix(parentMix, wrongEpoch)),
                // another validator's reveal
                engineData(othersReveal, PosEngine.nextMix(parentMix, othersReveal)),
                // the honest reveal with a bit of the mix flipped
                flip(honest, PosEngine.REVEAL_BYTES + 5),
                // a mix chosen by the proposer
                engineData(reveal(proposer, 1), Sha256.hash(new byte[] {42})),
                // the mix from another parent
                engineData(reveal(proposer, 1), PosEngine.nextMix(PosEngine.mixOf(net.genesisHeader()).orElseThrow(),
                        reveal(proposer, 1))));
        for (byte[] data : tampered) {
            Header header = ProposerSignature.seal(net.view, proposer, unsealed(parent, slot, proposer.address(), data, state));
            assertThat(net.verify(parent, header)).contains(SealRejection.Reason.BAD_REVEAL);
            assertThat(net.engine.claim(net.view, parent, time(slot), proposer).orElseThrow().engineData())
                    .isEqualTo(honest).isNotEqualTo(data);
        }
    }

    @Test
    void aTamperedHeaderHasABadSignature() {
        Net net = new Net(genesis());
        Header parent = net.extend(net.genesisHeader(), 3);
        long slot = 4;
        KeyPair proposer = keyOf(net.proposer(parent, slot));
        KeyPair other = KEYS.stream().filter(k -> !k.equals(proposer)).findFirst().orElseThrow();
        Header sealed = ProposerSignature.seal(net.view, proposer, unsealed(parent, slot, proposer.address(),
                honestData(proposer, parent, slot), net.stateAfter(parent)));
        assertThat(net.verify(parent, sealed)).isEmpty();

        Header otherState = new Header(CHAIN, sealed.height(), sealed.parentHash(), sealed.timestamp(), slot,
                sealed.proposer(), sealed.bodyRoot(), Sha256.hash(new byte[] {1}), PosEngine.NAME, sealed.engineData(),
                sealed.seal());
        Header otherTime = new Header(CHAIN, sealed.height(), sealed.parentHash(), sealed.timestamp() + 1, slot,
                sealed.proposer(), sealed.bodyRoot(), sealed.stateRoot(), PosEngine.NAME, sealed.engineData(),
                sealed.seal());
        Header flippedSignature = sealed.withSeal(flip(sealed.seal(), Ed25519.PUBLIC_KEY_BYTES + 3));
        Header sealedByAnother = sealAnyway(other, sealed.withSeal(new byte[0]));
        for (Header tampered : List.of(otherState, otherTime, flippedSignature, sealedByAnother)) {
            assertThat(net.verify(parent, tampered)).contains(SealRejection.Reason.BAD_SIGNATURE);
        }
    }

    @Test
    void malformedEngineDataOrSealIsRefused() {
        Net net = new Net(genesis());
        Header parent = net.genesisHeader();
        long slot = 2;
        KeyPair proposer = keyOf(net.proposer(parent, slot));
        byte[] honest = honestData(proposer, parent, slot);
        for (byte[] data : List.of(new byte[0], Arrays.copyOf(honest, 95), Arrays.copyOf(honest, 97),
                Arrays.copyOf(honest, 64))) {
            Header header = ProposerSignature.seal(net.view, proposer,
                    unsealed(parent, slot, proposer.address(), data, net.stateAfter(parent)));
            assertThat(net.verify(parent, header)).as(data.length + " bytes").contains(
                    SealRejection.Reason.MALFORMED_SEAL);
        }
        Header sealed = ProposerSignature.seal(net.view, proposer,
                unsealed(parent, slot, proposer.address(), honest, net.stateAfter(parent)));
        for (byte[] seal : List.of(new byte[0], Arrays.copyOf(sealed.seal(), 95), Arrays.copyOf(sealed.seal(), 97))) {
            assertThat(net.verify(parent, sealed.withSeal(seal))).contains(SealRejection.Reason.MALFORMED_SEAL);
        }
        // Engine data changed after sealing, still 96 bytes: the seal no longer covers it.
        Header swapped = withEngineData(sealed, flip(honest, 0));
        assertThat(net.verify(parent, swapped)).isPresent();
    }

    // ---------------------------------------------------------------- stake weighting and epochs

    @Test
    void proposersAreSelectedInProportionToStake() {
        Net net = new Net(genesis());
        Header parent = net.genesisHeader();
        int slots = 40_000;
        Map<Address, Integer> counts = new HashMap<>();
        for (long slot = 1; slot <= slots; slot++) {
            counts.merge(net.proposer(parent, slot), 1, Integer::sum);
        }
        assertThat(counts).doesNotContainKey(OUTSIDER.address());
        for (int i = 0; i < STAKES.length; i++) {
            double p = (double) STAKES[i] / TOTAL_STAKE;
            double expected = slots * p;
            double sigma = Math.sqrt(slots * p * (1 - p));
            assertThat((double) counts.getOrDefault(KEYS.get(i).address(), 0))
                    .as("validator %d with stake %d", i, STAKES[i])
                    .isBetween(expected - 5 * sigma, expected + 5 * sigma);
        }
    }

    @Test
    void theBoundaryBlockIsTheLastBlockBeforeThePreviousEpoch() {
        Net net = new Net(genesis());
        Header g = net.genesisHeader();
        Header b1 = net.produce(g, 1);
        Header b6 = net.produce(b1, 6);
        Header b8 = net.produce(b6, 8);
        Header b13 = net.produce(b8, 13);
        // epochs of 4 slots: B(e) = last block with slot < 4(e-1); genesis for e <= 1
        assertThat(net.engine.boundaryBlock(net.view, b13, 0)).contains(g);
        assertThat(net.engine.boundaryBlock(net.view, b13, 1)).contains(g);
        assertThat(net.engine.boundaryBlock(net.view, b13, 2)).contains(b1);
        assertThat(net.engine.boundaryBlock(net.view, b13, 3)).contains(b6);
        assertThat(net.engine.boundaryBlock(net.view, b13, 4)).contains(b8);
        assertThat(net.engine.boundaryBlock(net.view, b13, 5)).contains(b13);
        assertThat(net.engine.boundaryBlock(net.view, b6, 5)).contains(b6);
        // The same questions, asked of a fresh engine (no cache), get the same answers.
        PosEngine fresh = new PosEngine().configure(genesis());
        assertThat(fresh.boundaryBlock(net.view, b13, 3)).contains(b6);
        assertThat(fresh.boundaryBlock(net.view, b13, 2)).contains(b1);
    }

    /**
     * A change of stake in a block of epoch e (here: all stake but validator 0's withdrawn) leaves the
     * proposers of epochs e and e+1 as they were, and decides them from epoch e+2.
     */
    @ParameterizedTest
    @ValueSource(longs = {4, 5, 7, 8, 10, 11})
    void aStakeChangeCountsFromTwoEpochsLater(long changeSlot) {
        long e = changeSlot / EPOCH;
        Net net = new Net(genesis());
        KeyPair survivor = KEYS.get(0);
        Header control = net.extend(net.genesisHeader(), changeSlot - 1);
        Header changed = control;
        State concentrated = net.stateAfter(control);
        Map<Address, Account> withdrawals = new HashMap<>();
        for (KeyPair key : KEYS) {
            Account account = concentrated.account(key.address());
            if (!key.equals(survivor) && account.stake() > 0) {
                withdrawals.put(key.address(), new Account(account.balance() + account.stake(), 0, 0));
            }
        }
        concentrated = concentrated.with(withdrawals);
        long lastSlot = (e + 3) * EPOCH - 1;
        for (long slot = changeSlot; slot <= lastSlot; slot++) {
            Address expected = net.proposer(control, slot);
            Address actual = net.proposer(changed, slot);
            long epoch = slot / EPOCH;
            if (epoch <= e + 1) {
                assertThat(actual).as("slot %d (epoch %d)", slot, epoch).isEqualTo(expected);
            } else {
                assertThat(actual).as("slot %d (epoch %d)", slot, epoch).isEqualTo(survivor.address());
            }
            control = net.produce(control, slot);
            changed = net.produce(changed, slot, slot == changeSlot ? concentrated : net.stateAfter(changed));
        }
        // Without the change, epoch e+2 is not all the survivor's (so the test above could fail).
        List<Address> controlEpoch = new ArrayList<>();
        Header head = control;
        while (head.slot() >= (e + 2) * EPOCH) {
            controlEpoch.add(head.proposer());
            head = net.view.header(head.parentHash()).orElseThrow();
        }
        assertThat(controlEpoch).hasSize((int) EPOCH).anyMatch(a -> !a.equals(survivor.address()));
    }

    @Test
    void differentMixesGiveDifferentProposerSequences() {
        StakeSampler sampler = StakeSampler.of(STAKES);
        byte[] seedA = Sha256.hash(new byte[] {1});
        byte[] seedB = Sha256.hash(new byte[] {2});
        int[] a = IntStream.range(0, 64).map(s -> PosEngine.selectProposer(seedA, s, sampler)).toArray();
        int[] b = IntStream.range(0, 64).map(s -> PosEngine.selectProposer(seedB, s, sampler)).toArray();
        int[] again = IntStream.range(0, 64).map(s -> PosEngine.selectProposer(seedA, s, sampler)).toArray();
        assertThat(a).isNotEqualTo(b).isEqualTo(again);

        // On the chain: two forks of one block each, by different proposers, have different mixes and,
        // once those blocks are their boundary blocks (epoch 3 on), different proposers.
        Net net = new Net(genesis());
        Header g = net.genesisHeader();
        Address first = net.proposer(g, 1);
        long otherSlot = 2;
        while (otherSlot < 2 * EPOCH && net.proposer(g, otherSlot).equals(first)) {
            otherSlot++;
        }
        assertThat(otherSlot).as("a slot of epochs 0-1 whose proposer is not slot 1's").isLessThan(2 * EPOCH);
        Header forkA = net.produce(g, 1);
        Header forkB = net.produce(g, otherSlot);
        assertThat(PosEngine.mixOf(forkA).orElseThrow()).isNotEqualTo(PosEngine.mixOf(forkB).orElseThrow());
        List<Address> sequenceA = new ArrayList<>();
        List<Address> sequenceB = new ArrayList<>();
        for (long slot = 3 * EPOCH; slot < 3 * EPOCH + 64; slot++) {
            sequenceA.add(net.proposer(forkA, slot));
            sequenceB.add(net.proposer(forkB, slot));
        }
        assertThat(sequenceA).isNotEqualTo(sequenceB);
    }

    @Test
    void withoutTheBoundaryStateNoOneIsProposer() {
        Net net = new Net(genesis());
        Header g = net.genesisHeader();
        KeyPair proposer = keyOf(net.proposer(g, 1));
        ConsensusEngine.Claim claim = net.engine.claim(net.view, g, time(1), proposer).orElseThrow();
        Header stateless = ProposerSignature.seal(net.view, proposer,
                unsealed(g, 1, proposer.address(), claim.engineData(), net.stateAfter(g)));
        net.view.add(stateless, null);
        long slot = 3 * EPOCH; // B(3) is the block of slot 1, whose state this node does not have
        assertThat(net.engine.proposerOf(net.view, stateless, slot)).isEmpty();
        for (KeyPair key : EVERYONE) {
            assertThat(net.engine.claim(net.view, stateless, time(slot), key)).isEmpty();
        }
        Header header = ProposerSignature.seal(net.view, proposer, unsealed(stateless, slot, proposer.address(),
                honestData(proposer, stateless, slot), net.stateAfter(g)));
        Optional<SealRejection> rejection = net.engine.verifySeal(net.view, stateless, header, time(slot));
        assertThat(rejection).map(SealRejection::reason).contains(SealRejection.Reason.NOT_PROPOSER);
        assertThat(rejection.orElseThrow().detail()).contains("not available");

        // A parent whose ancestors this node does not know: the boundary block cannot be found.
        Header orphan = ProposerSignature.seal(net.view, proposer, unsealed(stateless, 9, proposer.address(),
                honestData(proposer, stateless, 9), net.stateAfter(g)));
        Net elsewhere = new Net(genesis());
        assertThat(elsewhere.engine.proposerOf(elsewhere.view, orphan, slot)).isEmpty();
        assertThat(elsewhere.engine.boundaryBlock(elsewhere.view, orphan, 3)).isEmpty();
        Header late = ProposerSignature.seal(net.view, proposer, unsealed(orphan, slot, proposer.address(),
                honestData(proposer, orphan, slot), net.stateAfter(g)));
        Optional<SealRejection> unknown = elsewhere.engine.verifySeal(elsewhere.view, orphan, late, time(slot));
        assertThat(unknown).map(SealRejection::reason).contains(SealRejection.Reason.NOT_PROPOSER);
        assertThat(unknown.orElseThrow().detail()).contains("no known parent");
    }

    // ---------------------------------------------------------------- properties

    @Provide
    Arbitrary<long[]> stakes() {
        return Arbitraries.longs().between(0, 1_000_000_000_000L).list().ofMinSize(1).ofMaxSize(KEYS.size())
                .map(list -> list.stream().mapToLong(Long::longValue).toArray())
                .filter(s -> Arrays.stream(s).anyMatch(x -> x > 0));
    }

    /**
     * On any stakes, epoch length and chain: the selected proposer has stake in its epoch's boundary
     * state, and two nodes that know the same chain select the same proposers.
     */
    @Property(tries = 60)
    void theProposerHasStakeAndEveryNodeAgrees(@ForAll("stakes") long[] stakes,
                                               @ForAll @IntRange(min = 1, max = 6) int epochLength,
                                               @ForAll @IntRange(min = 0, max = 4) int blocks,
                                               @ForAll @LongRange(min = 1, max = 5) long gap,
                                               @ForAll @LongRange(min = 0, max = 1_000_000) long far) {
        Genesis genesis = genesis(stakes, Map.of(PosEngine.EPOCH_LENGTH, Integer.toString(epochLength)));
        Net node = new Net(genesis);
        Net other = new Net(genesis);
        Header head = node.genesisHeader();
        for (int i = 0; i < blocks; i++) {
            long slot = head.slot() + gap;
            KeyPair proposer = keyOf(node.proposer(head, slot));
            byte[] data = node.engine.claim(node.view, head, time(slot), proposer).orElseThrow().engineData();
            Header block = ProposerSignature.seal(node.view, proposer,
                    unsealed(head, slot, proposer.address(), data, node.stateAfter(head)));
            assertThat(node.engine.verifySeal(node.view, head, block, time(slot))).isEmpty();
            node.view.add(block, node.stateAfter(head));
            other.view.add(block, node.stateAfter(head));
            head = block;
        }
        for (long slot : new long[] {head.slot() + 1, head.slot() + 2, head.slot() + epochLength,
            head.slot() + 1 + far}) {
            Address proposer = node.proposer(head, slot);
            assertThat(other.proposer(head, slot)).isEqualTo(proposer);
            Header boundary = node.engine.boundaryBlock(node.view, head, slot / epochLength).orElseThrow();
            assertThat(node.stateAfter(boundary).account(proposer).stake()).isPositive();
        }
    }
}
