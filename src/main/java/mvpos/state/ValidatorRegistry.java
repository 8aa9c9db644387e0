package mvpos.state;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import mvpos.chain.Account;
import mvpos.codec.CanonicalDecoder;
import mvpos.codec.CanonicalEncoder;
import mvpos.codec.MalformedEncodingException;
import mvpos.crypto.Address;
import mvpos.crypto.Sha256;

/**
 * The validators of a chain with Casper FFG, as its state knows them: every address that has ever
 * been in a dynasty, in the order they entered (their index, which vote bit sets use), each with a
 * weight <em>ceiling</em> in the previous, the current and the next dynasty, and its inactivity
 * score.
 *
 * <p>A validator's weight in a dynasty is {@link #weight}: its ceiling there, but never more than the
 * tokens it still has locked (stake plus unbonding), and nothing once slashed. So deposits count only
 * once a dynasty change has raised the ceiling (the FFG paper's dynamic validator sets, section 4.1),
 * exits stop counting only once dynasty changes have lowered it (the unbonding tokens stay locked
 * meanwhile), while penalties, the inactivity leak and slashing count at once.
 *
 * <p>Immutable: epoch processing makes a new registry when something changed. Shared by every state
 * of an epoch (and, in a simulation, by every node).
 */
public final class ValidatorRegistry {
    private static final String TAG = "mvpos.ffg.registry.v1";

    /** Which dynasty a ceiling belongs to. */
    public enum Dynasty { PREVIOUS, CURRENT, NEXT }

    private final Address[] addresses;
    private final Map<Address, Integer> indexOf;
    private final long[] previous;
    private final long[] current;
    private final long[] next;
    private final long[] inactivityScores;
    private volatile byte[] root;

    private ValidatorRegistry(Address[] addresses, Map<Address, Integer> indexOf, long[] previous, long[] current,
                              long[] next, long[] inactivityScores) {
        this.addresses = addresses;
        this.indexOf = indexOf;
        this.previous = previous;
        this.current = current;
        this.next = next;
        this.inactivityScores = inactivityScores;
    }

    /** The registry of a genesis: the accounts with stake, in address order, in all three dynasties. */
    public static ValidatorRegistry genesis(Map<Address, Account> accounts) {
        Address[] addresses = accounts.entrySet().stream().filter(e -> e.getValue().stake() > 0)
                .map(Map.Entry::getKey).sorted().toArray(Address[]::new);
        long[] stakes = new long[addresses.length];
        for (int i = 0; i < addresses.length; i++) {
            stakes[i] = accounts.get(addresses[i]).stake();
        }
        return new ValidatorRegistry(addresses, indexes(addresses), stakes, stakes.clone(), stakes.clone(),
                new long[addresses.length]);
    }

    private static Map<Address, Integer> indexes(Address[] addresses) {
        Map<Address, Integer> map = new HashMap<>(addresses.length * 2);
        for (int i = 0; i < addresses.length; i++) {
            if (map.put(addresses[i], i) != null) {
                throw new MalformedEncodingException("validator " + addresses[i] + " is registered twice");
            }
        }
        return map;
    }

    public int size() {
        return addresses.length;
    }

    public Address address(int index) {
        return addresses[index];
    }

    /** The index of a registered validator, or -1. */
    public int indexOf(Address address) {
        Integer index = indexOf.get(address);
        return index == null ? -1 : index;
    }

    public long ceiling(Dynasty dynasty, int index) {
        return switch (dynasty) {
            case PREVIOUS -> previous[index];
            case CURRENT -> current[index];
            case NEXT -> next[index];
        };
    }

    /** The highest ceiling of a validator in any dynasty: what the chain may still count of its tokens. */
    public long highestCeiling(int index) {
        return Math.max(previous[index], Math.max(current[index], next[index]));
    }

    public long inactivityScore(int index) {
        return inactivityScores[index];
    }

    /** What a validator's vote weighs in a dynasty: {@code min(ceiling, stake + unbonding)}, 0 once slashed. */
    public static long weight(long ceiling, Account account) {
        if (account.slashed()) {
            return 0;
        }
        return Math.min(ceiling, account.stake() + account.unbonding());
    }

    /** This registry with other inactivity scores (one per validator). */
    ValidatorRegistry withInactivityScores(long[] scores) {
        if (Arrays.equals(scores, inactivityScores)) {
            return this;
        }
        return new ValidatorRegistry(addresses, indexOf, previous, current, next, scores.clone());
    }

    /**
     * The registry after a dynasty change: the current dynasty becomes the previous one, the next one the
     * current one, and {@code nextCeilings} (one per validator of {@code registered}, which extends this
     * registry's addresses with the validators entering) the next one.
     */
    ValidatorRegistry rotated(Address[] registered, long[] nextCeilings) {
        if (registered.length < addresses.length || registered.length != nextCeilings.length) {
            throw new IllegalArgumentException("a rotation keeps every validator and sets each one's ceiling");
        }
        Map<Address, Integer> map = registered.length == addresses.length ? indexOf : indexes(registered);
        int n = registered.length;
        return new ValidatorRegistry(registered, map, Arrays.copyOf(current, n), Arrays.copyOf(next, n),
                nextCeilings.clone(), Arrays.copyOf(inactivityScores, n));
    }

    Address[] addresses() {
        return addresses.clone();
    }

    /** SHA-256 of the encoding; computed once. */
    public byte[] root() {
        byte[] r = root;
        if (r == null) {
            MessageDigest digest = Sha256.newDigest();
            digest.update(encode());
            r = digest.digest();
            root = r;
        }
        return r.clone();
    }

    /** Tag, count, then each validator's address, three ceilings and inactivity score, in registry order. */
    public byte[] encode() {
        byte[] e = encoded;
        if (e == null) {
            e = encodeAnew();
            encoded = e; // kept: every node of a simulation stores the same registry
        }
        return e.clone();
    }

    private volatile byte[] encoded;

    private byte[] encodeAnew() {
        CanonicalEncoder out = CanonicalEncoder.tagged(TAG).writeInt(addresses.length);
        for (int i = 0; i < addresses.length; i++) {
            out.writeBytes(addresses[i].bytes()).writeLong(previous[i]).writeLong(current[i]).writeLong(next[i])
                    .writeLong(inactivityScores[i]);
        }
        return out.toBytes();
    }

    public static ValidatorRegistry decode(byte[] bytes) {
        CanonicalDecoder in = CanonicalDecoder.tagged(bytes, TAG);
        int count = in.readInt();
        if (count < 0 || count > bytes.length / 40) {
            throw new MalformedEncodingException("a registry of " + count + " validators in " + bytes.length + " bytes");
        }
        Address[] addresses = new Address[count];
        long[][] columns = new long[4][count];
        for (int i = 0; i < count; i++) {
            byte[] address = in.readBytes();
            if (address.length != Address.LENGTH) {
                throw new MalformedEncodingException("a validator address has " + address.length + " bytes");
            }
            addresses[i] = new Address(address);
            for (long[] column : columns) {
                column[i] = in.readLong();
                if (column[i] < 0) {
                    throw new MalformedEncodingException("a negative ceiling or score");
                }
            }
        }
        in.end();
        return new ValidatorRegistry(addresses, indexes(addresses), columns[0], columns[1], columns[2], columns[3]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ValidatorRegistry r && Arrays.equals(r.root(), root());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(root());
    }
}
