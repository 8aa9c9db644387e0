package mvpos.node;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import mvpos.chain.Account;
import mvpos.chain.Genesis;
import mvpos.state.CasperFfg;
import mvpos.consensus.PoaEngine;
import mvpos.consensus.PowEngine;
import mvpos.crypto.Address;
import mvpos.crypto.KeyPair;

/**
 * The genesis of a network of separate nodes ({@code mvpos testnet}): every validator funded and
 * staked alike, the engine's parameters filled in for that many validators (the authorities of
 * proof of authority, in the validators' order; an initial proof-of-work difficulty that N miners
 * meet in about one slot), and Casper FFG with its epoch length when asked for.
 */
public final class TestnetGenesis {
    public static final String CHAIN_ID = "mvpos-testnet";
    public static final long BALANCE = 1_000_000_000L;
    public static final long STAKE = 10_000L;
    public static final long BLOCK_REWARD = 10;
    /**
     * Proof-of-work candidates one {@code mvpos node} tries per slot: it ticks ten times a slot and
     * tries {@link Node#POW_ATTEMPTS_PER_TICK} candidates a tick. The difficulty retargets from there.
     */
    public static final long POW_ATTEMPTS_PER_SLOT = Node.POW_ATTEMPTS_PER_TICK * 10;

    private TestnetGenesis() {
    }

    /**
     * The genesis for these validators.
     *
     * @param finality    {@code none} or {@code ffg}
     * @param epochLength slots per FFG epoch (used with {@code ffg} only)
     */
    public static Genesis of(String engine, List<KeyPair> validators, long timestampMillis, long slotMillis,
                             String finality, long epochLength) {
        return of(mvpos.consensus.EngineChoice.of(engine), validators, timestampMillis, slotMillis, finality,
                epochLength);
    }

    /**
     * The genesis for these validators, with the engine parameters and fork choice chosen (over the
     * parameters a testnet fills in: the authorities, a difficulty for its miners).
     *
     * @throws IllegalArgumentException one line naming a choice the engine or the rules refuse
     */
    public static Genesis of(mvpos.consensus.EngineChoice choice, List<KeyPair> validators, long timestampMillis,
                             long slotMillis, String finality, long epochLength) {
        if (validators.isEmpty()) {
            throw new IllegalArgumentException("a testnet needs at least one validator");
        }
        TreeMap<Address, Account> accounts = new TreeMap<>();
        for (KeyPair key : validators) {
            if (accounts.put(key.address(), new Account(BALANCE, 0, STAKE)) != null) {
                throw new IllegalArgumentException("validator " + key.address() + " is listed twice");
            }
        }
        Map<String, String> params = new TreeMap<>();
        switch (choice.engine()) {
            case PoaEngine.NAME -> params.put(PoaEngine.AUTHORITIES,
                    String.join(",", validators.stream().map(k -> k.address().toString()).toList()));
            case PowEngine.NAME -> params.put(PowEngine.DIFFICULTY, Long.toString(powDifficulty(validators.size())));
            default -> { }
        }
        Genesis genesis = new Genesis(CHAIN_ID, timestampMillis, BLOCK_REWARD, slotMillis, accounts, choice.engine(),
                params);
        if (CasperFfg.NAME.equals(finality)) {
            genesis = genesis.withFinality(CasperFfg.NAME, Map.of(CasperFfg.EPOCH_LENGTH, Long.toString(epochLength)));
        } else if (!Genesis.NO_FINALITY.equals(finality)) {
            throw new IllegalArgumentException("unknown finality gadget '" + finality + "'; available: none, ffg");
        }
        return choice.applyTo(genesis, params);
    }

    /**
     * The nodes that node {@code i} of {@code n} dials first: every other one up to {@code fullMeshMax}
     * nodes; beyond, its two neighbours on each side of the ring and the nodes half and a quarter of
     * the ring away (a connected graph with a small diameter; the rest is found by peer exchange).
     */
    public static List<Integer> bootstrapPeers(int i, int n, int fullMeshMax) {
        java.util.LinkedHashSet<Integer> peers = new java.util.LinkedHashSet<>();
        if (n <= fullMeshMax) {
            for (int j = 0; j < n; j++) {
                peers.add(j);
            }
        } else {
            for (int offset : new int[] {1, -1, 2, -2, n / 2, n / 4, -(n / 4)}) {
                peers.add(Math.floorMod(i + offset, n));
            }
        }
        peers.remove(i);
        return List.copyOf(peers);
    }

    /** The initial difficulty at which {@code miners} nodes find a block in about one slot. */
    public static long powDifficulty(int miners) {
        return Math.max(1, miners * POW_ATTEMPTS_PER_SLOT);
    }
}
