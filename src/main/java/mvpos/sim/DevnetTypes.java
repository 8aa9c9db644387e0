package mvpos.sim;

import java.util.List;
import java.util.Map;
import mvpos.chain.Genesis;

/**
 * What a {@link Devnet} is configured with and reports: its configuration, the events it tells its
 * listeners of, and the summaries of a run. Declared here and read through the devnet
 * ({@code Devnet.Config}, {@code Devnet.HeadEvent}...), which implements this interface.
 */
public interface DevnetTypes {
    /**
     * How to run.
     *
     * @param startMillis     when the chain starts (the genesis timestamp and the queue's first instant)
     * @param realTime        pace the run by the wall clock
     * @param offline         how many validators (the last ones) go offline: they neither produce nor vote
     * @param offlineFromSlot the slot from which they are offline (0: from the start)
     * @param stake           every validator's stake, or 0 for a random stake from 1,000 to 10,000 each
     * @param forkChoice      the fork-choice rule named in genesis ({@link Genesis#DEFAULT_FORK_CHOICE} by default)
     * @param forkChoiceParams its parameters
     */
    public record Config(String engine, int validators, long slotMillis, long latencyMillis, long jitterMillis,
                         long seed, long startMillis, boolean realTime, long powAttemptsPerTick,
                         Map<String, String> engineParams, String finality, long finalityEpochLength, int offline,
                         long offlineFromSlot, long stake, String forkChoice, Map<String, String> forkChoiceParams) {
        public Config {
            if (validators < 1) {
                throw new IllegalArgumentException("a devnet needs at least one validator");
            }
            if (slotMillis < 1) {
                throw new IllegalArgumentException("the slot must be at least 1 ms");
            }
            if (offline < 0 || offline > validators) {
                throw new IllegalArgumentException("--offline must be from 0 to the number of validators ("
                        + validators + "), not " + offline);
            }
            if (offlineFromSlot < 0) {
                throw new IllegalArgumentException("--offline-from cannot be negative");
            }
            if (stake < 0) {
                throw new IllegalArgumentException("a stake cannot be negative");
            }
            engineParams = Map.copyOf(engineParams);
            finality = finality == null ? Genesis.NO_FINALITY : finality;
            forkChoice = forkChoice == null ? Genesis.DEFAULT_FORK_CHOICE : forkChoice;
            forkChoiceParams = Map.copyOf(forkChoiceParams);
        }

        /** A configuration with the default fork choice. */
        public Config(String engine, int validators, long slotMillis, long latencyMillis, long jitterMillis,
                      long seed, long startMillis, boolean realTime, long powAttemptsPerTick,
                      Map<String, String> engineParams, String finality, long finalityEpochLength, int offline,
                      long offlineFromSlot, long stake) {
            this(engine, validators, slotMillis, latencyMillis, jitterMillis, seed, startMillis, realTime,
                    powAttemptsPerTick, engineParams, finality, finalityEpochLength, offline, offlineFromSlot, stake,
                    Genesis.DEFAULT_FORK_CHOICE, Map.of());
        }

        /** This configuration with the fork-choice rule {@code rule} and its parameters in genesis. */
        public Config withForkChoice(String rule, Map<String, String> params) {
            return new Config(engine, validators, slotMillis, latencyMillis, jitterMillis, seed, startMillis, realTime,
                    powAttemptsPerTick, engineParams, finality, finalityEpochLength, offline, offlineFromSlot, stake,
                    rule, params);
        }

        /** A configuration with every validator online. */
        public Config(String engine, int validators, long slotMillis, long latencyMillis, long jitterMillis,
                      long seed, long startMillis, boolean realTime, long powAttemptsPerTick,
                      Map<String, String> engineParams, String finality, long finalityEpochLength) {
            this(engine, validators, slotMillis, latencyMillis, jitterMillis, seed, startMillis, realTime,
                    powAttemptsPerTick, engineParams, finality, finalityEpochLength, 0, 0, 0);
        }

        /** This configuration with these engine parameters in its genesis (beside those the devnet sets). */
        public Config withEngineParams(Map<String, String> params) {
            return new Config(engine, validators, slotMillis, latencyMillis, jitterMillis, seed, startMillis, realTime,
                    powAttemptsPerTick, params, finality, finalityEpochLength, offline, offlineFromSlot, stake,
                    forkChoice, forkChoiceParams);
        }

        /** This configuration with the {@code ffg} finality gadget, epochs of {@code epochLength} slots. */
        public Config withFfg(long epochLength) {
            return new Config(engine, validators, slotMillis, latencyMillis, jitterMillis, seed, startMillis, realTime,
                    powAttemptsPerTick, engineParams, mvpos.state.CasperFfg.NAME, epochLength, offline, offlineFromSlot,
                    stake, forkChoice, forkChoiceParams);
        }

        /** This configuration with the last {@code count} validators offline from {@code fromSlot}. */
        public Config withOffline(int count, long fromSlot) {
            return new Config(engine, validators, slotMillis, latencyMillis, jitterMillis, seed, startMillis, realTime,
                    powAttemptsPerTick, engineParams, finality, finalityEpochLength, count, fromSlot, stake,
                    forkChoice, forkChoiceParams);
        }

        /** This configuration with every validator staking {@code each} (0: random stakes). */
        public Config withStake(long each) {
            return new Config(engine, validators, slotMillis, latencyMillis, jitterMillis, seed, startMillis, realTime,
                    powAttemptsPerTick, engineParams, finality, finalityEpochLength, offline, offlineFromSlot, each,
                    forkChoice, forkChoiceParams);
        }

        /** A seeded run in virtual time with the defaults for everything else. */
        public static Config seeded(String engine, int validators, long slotMillis, long seed) {
            return new Config(engine, validators, slotMillis, 20, 10, seed, Devnet.SEEDED_START_MILLIS, false, 50, Map.of(),
                    Genesis.NO_FINALITY, 0);
        }
    }

    /**
     * A block the first time it becomes a node's head, with that node's latest justified and finalized
     * checkpoints (epoch -1 and no hash without a finality gadget).
     */
    public record HeadEvent(int node, long height, long slot, String hash, String parent, String proposer,
                            int proposerNode, String engine, int transactions, long timeMillis, int reorgDepth,
                            long justifiedEpoch, String justifiedHash, long finalizedEpoch, String finalizedHash) {
    }

    /** A checkpoint justified or finalized for the first time on any node. */
    public record FinalityEvent(int node, String kind, long epoch, String hash, long timeMillis, long dynasty,
                                int participationBasisPoints) {
    }

    /** How a run ended. */
    public record Summary(long highestHead, int nodes, int nodesOnTheSameHead, String head, long virtualMillis,
                          long events, long messages, long dropped) {
        public boolean agree() {
            return nodesOnTheSameHead == nodes;
        }
    }

    /**
     * Node 0's finality stalled ({@code stalled}) or resumed: the epoch of its head, the first epoch not
     * finalized when the stall began, the finalized epoch, and the share of the current dynasty voting.
     */
    public record StallEvent(int node, boolean stalled, long epoch, long sinceEpoch, long finalizedEpoch,
                             int participationBasisPoints, long timeMillis) {
    }

    /** An offence a node saw (once per offender and node): it sends the evidence in a transaction. */
    public record EvidenceEvent(int node, String offender, int offenderNode, String offence, long timeMillis) {
    }

    /** A validator's stake and its blocks on the final chain, against what its share of the stake expects. */
    public record ValidatorShare(int node, String address, long stake, long proposals, double expected) {
    }

    /**
     * The chain a run ended with, as node 0 has it: each validator's stake and proposals, the blocks that
     * were some node's head but are not on the chain (forks), and the reorganisations nodes went through.
     */
    public record ChainSummary(List<ValidatorShare> validators, long blocks, long staleBlocks, int reorganisations,
                               int deepestReorganisation) {
        /**
         * Pearson's chi-square of the proposals against the stake shares (for {@code pos}; equal shares for the
         * other engines), with {@code validators - 1} degrees of freedom.
         */
        public double chiSquare() {
            double chi = 0;
            for (ValidatorShare v : validators) {
                if (v.expected() > 0) {
                    chi += Math.pow(v.proposals() - v.expected(), 2) / v.expected();
                }
            }
            return chi;
        }
    }
}
