package mvpos.sim;

import java.util.List;

/**
 * What a simulation adds to a devnet's configuration: nodes that only follow the chain, the
 * validators' stakes, how the network carries messages, and each node's clock skew.
 *
 * @param followers    nodes without a validator, after the validators (indexes from {@code validators})
 * @param stakes       each validator's stake (empty: as the configuration says)
 * @param links        how messages travel (null: the configuration's latency and jitter)
 * @param neighbours   each node's peers (null: a full mesh)
 * @param clockSkew    each node's clock ahead (+) or behind (-) the network's time, in ms (empty: none)
 * @param settleMillis how long {@link Devnet#settle} lets messages in flight arrive (0: from the latency)
 * @param powTicks     proof-of-work ticks per slot (0: {@link Devnet#POW_TICKS_PER_SLOT}); more ticks make the
 *                     time a block is found finer grained, as a real miner's is
 * @param hosts        how many nodes the validators run on (0: one node each); with fewer hosts than validators,
 *                     node {@code h} hosts validators {@code h}, {@code h + hosts}, {@code h + 2 hosts}... as a
 *                     beacon node hosts many validator keys
 */
public record DevnetSetup(int followers, List<Long> stakes, SimNetwork.Links links, int[][] neighbours,
                          long[] clockSkew, long settleMillis, int powTicks, int hosts) {
    public static final DevnetSetup DEFAULT = new DevnetSetup(0, List.of(), null, null, new long[0], 0, 0);

    public DevnetSetup {
        if (followers < 0 || powTicks < 0 || hosts < 0) {
            throw new IllegalArgumentException("followers, ticks and hosts cannot be negative");
        }
        stakes = List.copyOf(stakes);
        clockSkew = clockSkew.clone();
    }

    /** A setup with one node per validator. */
    public DevnetSetup(int followers, List<Long> stakes, SimNetwork.Links links, int[][] neighbours,
                       long[] clockSkew, long settleMillis, int powTicks) {
        this(followers, stakes, links, neighbours, clockSkew, settleMillis, powTicks, 0);
    }

    /** How many nodes run validators when there are {@code validators} of them. */
    int validatorNodes(int validators) {
        return hosts == 0 ? validators : Math.min(hosts, validators);
    }

    /** The network these links and neighbours make (the defaults: a full mesh, latency plus jitter). */
    SimNetwork network(EventQueue events, mvpos.crypto.RandomSource random, long latencyMillis, long jitterMillis) {
        if (links == null && neighbours == null) {
            return new SimNetwork(events, random, latencyMillis, jitterMillis);
        }
        return new SimNetwork(events, random, links != null ? links : (from, to, message, r) ->
                new long[] {latencyMillis + (jitterMillis == 0 ? 0 : r.nextLong(jitterMillis + 1))}, neighbours);
    }
}
