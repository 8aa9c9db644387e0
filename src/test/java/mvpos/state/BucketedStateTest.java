package mvpos.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import mvpos.chain.Account;
import mvpos.crypto.Address;
import mvpos.crypto.Sha256;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class BucketedStateTest {
    /**
     * One empty state shared by most tests (building one hashes all 8,191 tree nodes). Every state built
     * on it must leave it as it is; {@link #withLeavesOriginalUnchanged} checks that it still is.
     */
    private static final BucketedState EMPTY_STATE = BucketedState.empty();
    private static final byte[] EMPTY_ROOT = EMPTY_STATE.root();

    /** A state holding exactly these accounts: BucketedState.of, but on the shared empty state. */
    private static State build(Map<Address, Account> accounts) {
        return EMPTY_STATE.with(accounts);
    }

    // ---------------------------------------------------------------- generators

    /**
     * Addresses that often share a bucket (first 12 bits) or sit in neighbouring ones: the first byte comes
     * from a small set and the second byte's high nibble from two values, so several accounts land in one
     * bucket's TreeMap and in sibling subtrees. Some are fully random.
     */
    @Provide
    static Arbitrary<Address> addresses() {
        Arbitrary<Address> crowded = Combinators.combine(
                        Arbitraries.of((byte) 0x00, (byte) 0x01, (byte) 0x80, (byte) 0xff),
                        Arbitraries.of((byte) 0x00, (byte) 0x0f, (byte) 0x10, (byte) 0xf0),
                        Arbitraries.bytes().array(byte[].class).ofSize(Address.LENGTH - 2))
                .as((b0, b1, rest) -> {
                    byte[] bytes = new byte[Address.LENGTH];
                    bytes[0] = b0;
                    bytes[1] = b1;
                    System.arraycopy(rest, 0, bytes, 2, rest.length);
                    return new Address(bytes);
                });
        Arbitrary<Address> random = Arbitraries.bytes().array(byte[].class).ofSize(Address.LENGTH).map(Address::new);
        return Arbitraries.frequencyOf(Tuple.of(3, crowded), Tuple.of(1, random));
    }

    static Arbitrary<Long> amounts() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(0L)),
                Tuple.of(3, Arbitraries.longs().between(1, 1_000)),
                Tuple.of(1, Arbitraries.longs().between(0, Long.MAX_VALUE)),
                Tuple.of(1, Arbitraries.just(Long.MAX_VALUE)));
    }

    /** Accounts, EMPTY included (it is how an account is removed), some slashed. */
    @Provide
    static Arbitrary<Account> accounts() {
        return Combinators.combine(amounts(), amounts(), amounts(),
                Arbitraries.frequency(Tuple.of(5, false), Tuple.of(1, true))).as(Account::new);
    }

    static Arbitrary<Account> nonEmptyAccounts() {
        return accounts().filter(a -> !a.equals(Account.EMPTY));
    }

    @Provide
    Arbitrary<Map<Address, Account>> accountMaps() {
        return Arbitraries.maps(addresses(), nonEmptyAccounts()).ofMaxSize(30);
    }

    /** A list of change batches, each a map that may set or remove (EMPTY) accounts. */
    @Provide
    Arbitrary<List<Map<Address, Account>>> changeBatches() {
        return Arbitraries.maps(addresses(), accounts()).ofMaxSize(12).list().ofMaxSize(8);
    }

    // ---------------------------------------------------------------- helpers

    /** The accounts a state holds, as forEachAccount reports them (in visiting order). */
    private static LinkedHashMap<Address, Account> contents(State state) {
        LinkedHashMap<Address, Account> seen = new LinkedHashMap<>();
        state.forEachAccount((address, account) -> {
            Account previous = seen.put(address, account);
            assertThat(previous).as("%s visited twice", address).isNull();
        });
        return seen;
    }

    /** The map without its EMPTY values: what a state built from it should hold. */
    private static Map<Address, Account> nonEmpty(Map<Address, Account> accounts) {
        Map<Address, Account> result = new HashMap<>(accounts);
        result.values().removeIf(Account.EMPTY::equals);
        return result;
    }

    /** Splits {@code accounts} into randomly sized batches in a random order. */
    private static List<Map<Address, Account>> shuffledBatches(Map<Address, Account> accounts, Random random) {
        List<Map.Entry<Address, Account>> entries = new ArrayList<>(accounts.entrySet());
        Collections.shuffle(entries, random);
        List<Map<Address, Account>> batches = new ArrayList<>();
        int i = 0;
        while (i < entries.size()) {
            int size = 1 + random.nextInt(entries.size() - i);
            Map<Address, Account> batch = new LinkedHashMap<>();
            for (Map.Entry<Address, Account> e : entries.subList(i, i + size)) {
                batch.put(e.getKey(), e.getValue());
            }
            batches.add(batch);
            i += size;
        }
        return batches;
    }

    private static State applyAll(State state, List<Map<Address, Account>> batches) {
        for (Map<Address, Account> batch : batches) {
            state = state.with(batch);
        }
        return state;
    }

    /**
     * The root computed from scratch, independently of BucketedState's incremental updates: 4,096 buckets by
     * the first 12 bits of the address; a bucket hashes as SHA-256(tag, count, then address, balance, nonce,
     * stake of each account in address order, then, only when some are slashed, their count and addresses);
     * a node as SHA-256(0x01, left, right).
     */
    private static byte[] referenceRoot(Map<Address, Account> accounts) {
        int buckets = 1 << 12;
        List<TreeMap<Address, Account>> byBucket = new ArrayList<>();
        for (int i = 0; i < buckets; i++) {
            byBucket.add(new TreeMap<>());
        }
        nonEmpty(accounts).forEach((address, account) -> {
            byte[] b = address.bytes();
            byBucket.get(((b[0] & 0xff) << 4) | ((b[1] & 0xff) >> 4)).put(address, account);
        });
        byte[][] level = new byte[buckets][];
        for (int i = 0; i < buckets; i++) {
            MessageDigest digest = Sha256.newDigest();
            digest.update("mvpos.state.bucket.v1".getBytes(StandardCharsets.US_ASCII));
            digest.update(ByteBuffer.allocate(4).putInt(byBucket.get(i).size()).array());
            byBucket.get(i).forEach((address, account) -> {
                digest.update(address.bytes());
                digest.update(ByteBuffer.allocate(24).putLong(account.balance()).putLong(account.nonce())
                        .putLong(account.stake()).array());
            });
            List<Address> slashed = byBucket.get(i).entrySet().stream().filter(e -> e.getValue().slashed())
                    .map(Map.Entry::getKey).toList();
            if (!slashed.isEmpty()) {
                digest.update(ByteBuffer.allocate(4).putInt(slashed.size()).array());
                slashed.forEach(address -> digest.update(address.bytes()));
            }
            level[i] = digest.digest();
        }
        while (level.length > 1) {
            byte[][] up = new byte[level.length / 2][];
            for (int i = 0; i < up.length; i++) {
                MessageDigest digest = Sha256.newDigest();
                digest.update((byte) 1);
                digest.update(level[2 * i]);
                digest.update(level[2 * i + 1]);
                up[i] = digest.digest();
            }
            level = up;
        }
        return level[0];
    }

    // ---------------------------------------------------------------- the root

    /** The root commits to exactly the accounts, in the documented layout, however the state was reached. */
    @Property(tries = 100)
    void rootMatchesReferenceComputation(@ForAll("accountMaps") Map<Address, Account> start,
                                         @ForAll("changeBatches") List<Map<Address, Account>> batches) {
        State state = applyAll(build(start), batches);
        Map<Address, Account> expected = new HashMap<>(start);
        batches.forEach(expected::putAll);

        assertThat(state.root()).isEqualTo(referenceRoot(expected));
    }

    /**
     * The slashed flag is committed to: two states that differ only in it have different roots, and a
     * slashed account with nothing left is still an account (not removed like EMPTY).
     */
    @Test
    void slashedFlagIsInTheRoot() {
        Address a = new Address(new byte[Address.LENGTH]);
        State unslashed = build(Map.of(a, new Account(5, 1, 0)));
        State slashed = build(Map.of(a, new Account(5, 1, 0, true)));
        assertThat(slashed.root()).isNotEqualTo(unslashed.root());
        State nothingLeft = build(Map.of(a, new Account(0, 0, 0, true)));
        assertThat(nothingLeft.root()).isNotEqualTo(EMPTY_ROOT);
        assertThat(nothingLeft.account(a).slashed()).isTrue();
        // Without slashed accounts, the root is the one computed before accounts had the flag.
        assertThat(unslashed.root()).isEqualTo(referenceRoot(Map.of(a, new Account(5, 1, 0))));
    }

    @Test
    void emptyStateRoot() {
        assertThat(BucketedState.empty().root()).isEqualTo(referenceRoot(Map.of()));
        assertThat(BucketedState.of(Map.of()).root()).isEqualTo(BucketedState.empty().root());
    }

    /** Order independence: the same accounts, inserted in any order and any batches, give the same root. */
    @Property(tries = 200)
    void rootIndependentOfInsertionOrder(@ForAll("accountMaps") Map<Address, Account> accounts,
                                         @ForAll Random random) {
        State once = BucketedState.of(accounts);
        State batched = applyAll(EMPTY_STATE, shuffledBatches(accounts, random));
        State reshuffled = applyAll(EMPTY_STATE, shuffledBatches(accounts, random));

        assertThat(batched.root()).isEqualTo(once.root());
        assertThat(reshuffled.root()).isEqualTo(once.root());
        assertThat(contents(batched)).isEqualTo(contents(once)).isEqualTo(accounts);
    }

    /**
     * History independence: a state reached through arbitrary intermediate values (including accounts
     * added and later removed) has the root of the state built directly from its final accounts.
     */
    @Property(tries = 200)
    void rootDependsOnlyOnFinalAccounts(@ForAll("accountMaps") Map<Address, Account> start,
                                        @ForAll("changeBatches") List<Map<Address, Account>> batches) {
        State incremental = applyAll(build(start), batches);
        Map<Address, Account> expected = new HashMap<>(start);
        batches.forEach(expected::putAll);
        State direct = build(expected);

        assertThat(incremental.root()).isEqualTo(direct.root());
        assertThat(contents(incremental)).isEqualTo(nonEmpty(expected));
    }

    /** Determinism: two states built from equal (but distinct) maps have equal roots. */
    @Property(tries = 100)
    void rootIsDeterministic(@ForAll("accountMaps") Map<Address, Account> accounts) {
        Map<Address, Account> copy = new TreeMap<>();
        accounts.forEach((a, acc) -> copy.put(new Address(a.bytes()),
                new Account(acc.balance(), acc.nonce(), acc.stake(), acc.slashed())));
        assertThat(BucketedState.of(copy).root()).isEqualTo(BucketedState.of(accounts).root());
    }

    enum Change { BALANCE, NONCE, STAKE, SLASHED, ADD, REMOVE, MOVE }

    /**
     * Any single change to the accounts (a field by one, the slashed flag, an account added, removed or moved)
     * changes the root.
     */
    @Property(tries = 300)
    void differentStatesHaveDifferentRoots(@ForAll("accountMaps") Map<Address, Account> accounts,
                                           @ForAll Change change, @ForAll("addresses") Address newAddress,
                                           @ForAll @IntRange(max = 1000) int pick) {
        Map<Address, Account> changed = new HashMap<>(accounts);
        List<Address> present = new ArrayList<>(new TreeMap<>(accounts).keySet());
        Assume.that(!present.isEmpty() || change == Change.ADD);
        Assume.that(!accounts.containsKey(newAddress));
        Address target = present.isEmpty() ? null : present.get(pick % present.size());
        Account a = target == null ? null : accounts.get(target);
        switch (change) {
            case BALANCE -> changed.put(target, a.withBalance(a.balance() == 0 ? 1 : a.balance() - 1));
            case NONCE -> changed.put(target, new Account(a.balance(), a.nonce() == 0 ? 1 : a.nonce() - 1, a.stake(),
                    a.slashed()));
            case SLASHED -> changed.put(target, new Account(a.balance(), a.nonce(), a.stake(), !a.slashed()));
            case STAKE -> changed.put(target, a.withStake(a.stake() == 0 ? 1 : a.stake() - 1));
            case ADD -> changed.put(newAddress, new Account(1, 0, 0));
            case REMOVE -> changed.remove(target);
            case MOVE -> changed.put(newAddress, changed.remove(target));
        }

        assertThat(build(changed).root()).isNotEqualTo(build(accounts).root());
        // The same change made through with() on the existing state, too.
        Map<Address, Account> delta = new HashMap<>(changed);
        for (Address gone : accounts.keySet()) {
            delta.putIfAbsent(gone, Account.EMPTY);
        }
        State before = build(accounts);
        assertThat(before.with(delta).root()).isNotEqualTo(before.root()).isEqualTo(build(changed).root());
    }

    /** Two accounts swapping their values is a different state, even though the multiset of values is the same. */
    @Test
    void swappingTwoAccountsChangesTheRoot() {
        Address a = address(0x00, 0x01);
        Address b = address(0x00, 0x02); // same bucket as a
        Address c = address(0xff, 0x01); // another bucket
        Account x = new Account(10, 0, 0);
        Account y = new Account(0, 0, 10);
        byte[] root = build(Map.of(a, x, b, y, c, y)).root();
        assertThat(build(Map.of(a, y, b, x, c, y)).root()).isNotEqualTo(root);
        assertThat(build(Map.of(a, x, b, y, c, x)).root()).isNotEqualTo(root);
    }

    // ---------------------------------------------------------------- immutability

    /** with() returns a new state and leaves the original as it was: same root, same accounts. */
    @Property(tries = 200)
    void withLeavesOriginalUnchanged(@ForAll("accountMaps") Map<Address, Account> accounts,
                                     @ForAll("changeBatches") List<Map<Address, Account>> batches) {
        State original = build(accounts);
        byte[] root = original.root();
        Map<Address, Account> before = contents(original);

        State current = original;
        for (Map<Address, Account> batch : batches) {
            State previous = current;
            byte[] previousRoot = previous.root();
            Map<Address, Account> previousContents = contents(previous);
            State next = previous.with(batch);
            // The state with() was called on is untouched, and the new one holds the changes.
            assertThat(previous.root()).isEqualTo(previousRoot);
            assertThat(contents(previous)).isEqualTo(previousContents);
            batch.forEach((address, account) -> assertThat(previous.account(address))
                    .isEqualTo(previousContents.getOrDefault(address, Account.EMPTY)));
            batch.forEach((address, account) -> assertThat(next.account(address)).isEqualTo(account));
            current = next;
        }

        assertThat(original.root()).isEqualTo(root);
        assertThat(contents(original)).isEqualTo(before).isEqualTo(accounts);
        assertThat(EMPTY_STATE.root()).isEqualTo(EMPTY_ROOT);
        assertThat(contents(EMPTY_STATE)).isEmpty();
    }

    /** The returned root is a copy: changing it does not change the state's root. */
    @Test
    void rootIsACopy() {
        State state = build(Map.of(address(1, 2), new Account(5, 0, 0)));
        byte[] root = state.root();
        byte[] copy = root.clone();
        root[0] ^= 1;
        assertThat(state.root()).isEqualTo(copy);
    }

    /** Changing the map given to with() afterwards does not change the state built from it. */
    @Test
    void laterChangesToTheInputMapDoNotLeak() {
        Address a = address(3, 4);
        Map<Address, Account> changes = new HashMap<>(Map.of(a, new Account(5, 0, 0)));
        State state = build(changes);
        byte[] root = state.root();
        changes.put(a, new Account(6, 0, 0));
        changes.put(address(9, 9), new Account(1, 1, 1));
        assertThat(state.account(a)).isEqualTo(new Account(5, 0, 0));
        assertThat(state.root()).isEqualTo(root);
        assertThat(contents(state)).containsOnlyKeys(a);
    }

    // ---------------------------------------------------------------- EMPTY and lookups

    /** Setting an account to EMPTY removes it: it reads as EMPTY, is not visited, and the root is as if it never existed. */
    @Property(tries = 200)
    void emptyRemovesAnAccount(@ForAll("accountMaps") Map<Address, Account> accounts,
                               @ForAll @IntRange(max = 1000) int pick) {
        Assume.that(!accounts.isEmpty());
        List<Address> present = new ArrayList<>(new TreeMap<>(accounts).keySet());
        Address gone = present.get(pick % present.size());
        Map<Address, Account> without = new HashMap<>(accounts);
        without.remove(gone);

        State state = build(accounts).with(Map.of(gone, Account.EMPTY));

        assertThat(state.account(gone)).isEqualTo(Account.EMPTY);
        assertThat(contents(state)).isEqualTo(without);
        assertThat(state.root()).isEqualTo(BucketedState.of(without).root());
    }

    /** An EMPTY value for an account that does not exist changes nothing. */
    @Property(tries = 100)
    void emptyForAnAbsentAccountChangesNothing(@ForAll("accountMaps") Map<Address, Account> accounts,
                                               @ForAll("addresses") Address absent) {
        Assume.that(!accounts.containsKey(absent));
        State state = build(accounts);
        State after = state.with(Map.of(absent, Account.EMPTY));
        assertThat(after.root()).isEqualTo(state.root());
        assertThat(contents(after)).isEqualTo(accounts);
    }

    /** account() returns what was stored, and EMPTY for any address never stored. */
    @Property(tries = 200)
    void accountReturnsStoredValues(@ForAll("accountMaps") Map<Address, Account> accounts,
                                    @ForAll("addresses") Address other) {
        State state = build(accounts);
        accounts.forEach((address, account) -> assertThat(state.account(address)).isEqualTo(account));
        assertThat(state.account(other)).isEqualTo(accounts.getOrDefault(other, Account.EMPTY));
    }

    /** forEachAccount visits each non-empty account exactly once, in strictly increasing (unsigned) address order. */
    @Property(tries = 200)
    void forEachAccountVisitsEachAccountOnceInAddressOrder(@ForAll("accountMaps") Map<Address, Account> start,
                                                          @ForAll("changeBatches") List<Map<Address, Account>> batches) {
        State state = applyAll(build(start), batches);
        Map<Address, Account> expected = new HashMap<>(start);
        batches.forEach(expected::putAll);

        List<Address> order = new ArrayList<>();
        state.forEachAccount((address, account) -> {
            assertThat(account).isNotEqualTo(Account.EMPTY);
            order.add(address);
        });

        assertThat(contents(state)).isEqualTo(nonEmpty(expected)); // each once, the right values
        for (int i = 1; i < order.size(); i++) {
            assertThat(Arrays.compareUnsigned(order.get(i - 1).bytes(), order.get(i).bytes()))
                    .as("%s before %s", order.get(i - 1), order.get(i)).isNegative();
        }
    }

    /** Address order is unsigned: 0x7f... comes before 0x80..., which comes before 0xff.... */
    @Test
    void forEachAccountOrderIsUnsigned() {
        Address low = address(0x7f, 0xff);
        Address mid = address(0x80, 0x00);
        Address high = address(0xff, 0x00);
        State state = build(Map.of(high, new Account(1, 0, 0), low, new Account(2, 0, 0),
                mid, new Account(3, 0, 0)));
        List<Address> order = new ArrayList<>();
        state.forEachAccount((address, account) -> order.add(address));
        assertThat(order).containsExactly(low, mid, high);
    }

    /** An address whose first bytes are (b0, b1) and the rest a fixed pattern. */
    private static Address address(int b0, int b1) {
        byte[] bytes = new byte[Address.LENGTH];
        bytes[0] = (byte) b0;
        bytes[1] = (byte) b1;
        for (int i = 2; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 7 + b1);
        }
        return new Address(bytes);
    }
}
