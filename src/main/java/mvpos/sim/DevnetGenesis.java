package mvpos.sim;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import mvpos.chain.Account;
import mvpos.chain.Genesis;
import mvpos.crypto.Address;
import mvpos.crypto.HashDrbg;
import mvpos.crypto.KeyPair;

/** A devnet's genesis: each validator funded and staked, the engine's parameters filled in. */
final class DevnetGenesis {
    private DevnetGenesis() {
    }

    /** The genesis of a devnet: each validator funded and staked (as {@code stakes} says, if given). */
    static Genesis of(Devnet.Config config, List<KeyPair> keys, HashDrbg random, List<Long> stakes, int powTicks) {
        TreeMap<Address, Account> accounts = new TreeMap<>();
        for (int i = 0; i < keys.size(); i++) {
            long stake = 1_000 + random.nextLong(9_001); // drawn even when fixed, so the seed gives the same keys
            long chosen = !stakes.isEmpty() ? stakes.get(i) : config.stake() > 0 ? config.stake() : stake;
            accounts.put(keys.get(i).address(), new Account(1_000_000_000L, 0, chosen));
        }
        Map<String, String> params = new TreeMap<>();
        switch (config.engine()) {
            case "poa" -> params.put("authorities", String.join(",", keys.stream().map(k -> k.address().toString()).toList()));
            case "pow" -> params.put("difficulty", Long.toString(Math.max(1,
                    config.validators() * config.powAttemptsPerTick() * powTicks)));
            default -> { }
        }
        params.putAll(config.engineParams());
        Genesis genesis = new Genesis(Devnet.CHAIN_ID, config.startMillis(), Devnet.BLOCK_REWARD, config.slotMillis(), accounts,
                config.engine(), params);
        if (mvpos.state.CasperFfg.NAME.equals(config.finality())) {
            genesis = genesis.withFinality(config.finality(), Map.of(mvpos.state.CasperFfg.EPOCH_LENGTH,
                    Long.toString(config.finalityEpochLength())));
        }
        if (!Genesis.DEFAULT_FORK_CHOICE.equals(config.forkChoice()) || !config.forkChoiceParams().isEmpty()) {
            genesis = genesis.withForkChoice(config.forkChoice(), config.forkChoiceParams());
        }
        return genesis;
    }
}
