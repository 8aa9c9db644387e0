package mvpos.sim;

import java.util.List;
import mvpos.chain.ChainStore;
import mvpos.crypto.HashDrbg;
import mvpos.node.Outbox;
import mvpos.node.Strategy;
import mvpos.node.Validator;

/**
 * Proof of work in simulation without simulating the hashing: when each miner finds its next block is
 * drawn from an exponential distribution with the mean its share of the hash power gives (a miner with
 * share s finds one every {@code slot / s} on average; the process is memoryless, so a new head does not
 * change the draw). At that instant the miner builds a real block on its head and seals it with a real
 * proof of work at a low difficulty, so every node verifies it exactly as {@code mvpos node} does.
 * Between finds the miners only vote ({@link #strategy()}), which is what makes 10,000 nodes cheap: no
 * block is built until one is found.
 */
final class ExponentialMining {
    /** The genesis difficulty: the hashes a seal takes on average (low, so that sealing is cheap). */
    static final String DIFFICULTY = "16";
    /** Seal attempts a miner makes when its time comes (enough that it fails once in ~e^60 at difficulty 16). */
    static final long ATTEMPTS = 1_000;

    private final Devnet devnet;
    private final List<Long> hashPower;
    private final long slotMillis;
    private final java.util.function.BooleanSupplier stop;
    private final HashDrbg[] random;

    /**
     * @param hashPower each miner's hash power (its share is its part of the sum)
     * @param stop      true once mining is over (the run's length reached)
     */
    ExponentialMining(Devnet devnet, List<Long> hashPower, long slotMillis, long seed,
                      java.util.function.BooleanSupplier stop) {
        this.devnet = devnet;
        this.hashPower = hashPower;
        this.slotMillis = slotMillis;
        this.stop = stop;
        this.random = new HashDrbg[hashPower.size()];
        HashDrbg seeds = new HashDrbg(seed ^ 0x6d696e65L);
        for (int i = 0; i < random.length; i++) {
            random[i] = new HashDrbg(seeds.nextLong());
        }
    }

    /** What a miner does on its node's ticks: its finality duty only (it mines when its draw comes). */
    static Strategy strategy() {
        return new Strategy() {
            @Override
            public void onTick(Validator validator, Outbox outbox, long nowMillis) throws ChainStore.StoreException {
                validator.voteDuty(nowMillis).ifPresent(outbox::announce);
            }

            @Override
            public String name() {
                return "exponential-miner";
            }
        };
    }

    /** Schedules every miner's first find. */
    void start() {
        for (int i = 0; i < hashPower.size(); i++) {
            scheduleNext(i);
        }
    }

    private void scheduleNext(int miner) {
        double total = hashPower.stream().mapToLong(Long::longValue).sum();
        double share = hashPower.get(miner) / total;
        if (share <= 0) {
            return;
        }
        double u = NetworkModel.uniform(random[miner]);
        long wait = Math.max(1, Math.round(-Math.log(1 - u) * slotMillis / share));
        devnet.events().schedule(wait, () -> find(miner));
    }

    private void find(int miner) throws Exception {
        if (stop.getAsBoolean()) {
            return;
        }
        if (!devnet.isDown(miner)) {
            var gossip = devnet.gossip(miner);
            Validator validator = gossip.validator().orElseThrow();
            validator.produceOnHead(devnet.nodeMillis(miner)).ifPresent(gossip.outbox()::announce);
        }
        scheduleNext(miner);
    }
}
