package mvpos.consensus.bft;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mvpos.crypto.Address;
import mvpos.crypto.Sha256;
import mvpos.state.State;

/**
 * The validators of one height of the {@code bft} engine: the accounts of the state the height builds on
 * that have stake and have not been slashed, in address order, each weighing its stake. Quorums are
 * stake-weighted: more than two thirds of the total to lock or commit, more than one third to move to a
 * later round.
 */
public final class BftValidators {
    private static final byte[] PROPOSER_TAG = "mvpos.bft.proposer.v1".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private final List<Address> addresses;
    private final long[] stakes;
    private final Map<Address, Integer> indexOf = new HashMap<>();
    private final long total;

    private BftValidators(List<Address> addresses, long[] stakes) {
        this.addresses = List.copyOf(addresses);
        this.stakes = stakes;
        long sum = 0;
        for (int i = 0; i < stakes.length; i++) {
            sum = Math.addExact(sum, stakes[i]);
            indexOf.put(addresses.get(i), i);
        }
        this.total = sum;
    }

    /** The staked, unslashed accounts of {@code state}. */
    public static BftValidators of(State state) {
        List<Address> addresses = new ArrayList<>();
        List<Long> stakes = new ArrayList<>();
        state.forEachAccount((address, account) -> {
            if (account.stake() > 0 && !account.slashed()) {
                addresses.add(address);
                stakes.add(account.stake());
            }
        });
        return new BftValidators(addresses, stakes.stream().mapToLong(Long::longValue).toArray());
    }

    public int size() {
        return addresses.size();
    }

    public long totalStake() {
        return total;
    }

    /** A validator's stake; 0 for an address that is not a validator of this height. */
    public long weightOf(Address address) {
        Integer index = indexOf.get(address);
        return index == null ? 0 : stakes[index];
    }

    public boolean contains(Address address) {
        return indexOf.containsKey(address);
    }

    /** Whether {@code weight} is more than two thirds of the total stake (a quorum: lock, commit). */
    public boolean isQuorum(long weight) {
        return BigInteger.valueOf(weight).multiply(BigInteger.valueOf(3))
                .compareTo(BigInteger.valueOf(total).shiftLeft(1)) > 0;
    }

    /** Whether {@code weight} is more than one third of the total stake (at least one honest validator among them). */
    public boolean isMoreThanAThird(long weight) {
        return BigInteger.valueOf(weight).multiply(BigInteger.valueOf(3)).compareTo(BigInteger.valueOf(total)) > 0;
    }

    /**
     * The proposer of a round: a stake-weighted draw from SHA-256 of the height and round, the same on
     * every node (a validator with a third of the stake proposes about a third of the rounds).
     */
    public Address proposer(long height, int round) {
        if (total == 0) {
            throw new IllegalStateException("no validator has stake");
        }
        byte[] digest = Sha256.hash(ByteBuffer.allocate(PROPOSER_TAG.length + 12).put(PROPOSER_TAG).putLong(height)
                .putInt(round).array());
        long draw = new BigInteger(1, java.util.Arrays.copyOf(digest, 16)).mod(BigInteger.valueOf(total)).longValue();
        for (int i = 0; i < stakes.length; i++) {
            draw -= stakes[i];
            if (draw < 0) {
                return addresses.get(i);
            }
        }
        throw new IllegalStateException("unreachable: the draw is below the total stake");
    }
}
