package mvpos.consensus.forkchoice;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import mvpos.chain.Genesis;
import mvpos.consensus.ForkChoice;
import mvpos.state.CasperFfg;

/**
 * The fork-choice rules by name, as genesis ({@code forkChoice: {name, params}}) and
 * {@code --fork-choice} name them: {@code heaviest} (also {@code longest}; the default), {@code ghost},
 * and {@code lmd-ghost} with its {@code proposerBoost} parameter; {@code heaviest} takes {@code tieBreak}
 * ({@code first-seen}, the default, or {@code uniform}). Each node gets a rule of its own
 * ({@link #forGenesis}): LMD-GHOST keeps that node's latest messages, a uniform tie-break that node's secret.
 */
public final class ForkChoices {
    private ForkChoices() {
    }

    /** The accepted names, in order. */
    public static List<String> names() {
        return List.of(HeaviestChain.NAME, HeaviestChain.ALIAS, Ghost.NAME, LmdGhost.NAME);
    }

    /** The parameters a rule reads: name to meaning. */
    public static Map<String, String> parameters(String name) {
        if (HeaviestChain.NAME.equals(name) || HeaviestChain.ALIAS.equals(name)) {
            return Map.of(HeaviestChain.TIE_BREAK, "which of two heads of equal weight a node keeps: "
                    + HeaviestChain.FIRST_SEEN + " (the one it saw first; the default) or " + HeaviestChain.UNIFORM
                    + " (either with probability 1/2, by a coin of the node's own: Eyal & Sirer's defence"
                    + " against selfish mining)");
        }
        return LmdGhost.NAME.equals(name)
                ? Map.of(LmdGhost.PROPOSER_BOOST, "percent of one slot's stake given to the block that arrives on "
                + "time in the current slot (default " + LmdGhost.DEFAULT_PROPOSER_BOOST + ")")
                : Map.of();
    }

    /**
     * Checks a rule's name and parameters.
     *
     * @throws IllegalArgumentException one line naming what is wrong and what is accepted
     */
    public static void check(String name, Map<String, String> params) {
        if (!names().contains(name)) {
            throw new IllegalArgumentException("unknown fork choice '" + name + "'; available: "
                    + String.join(", ", names()));
        }
        Set<String> accepted = parameters(name).keySet();
        for (String key : new TreeSet<>(params.keySet())) {
            if (!accepted.contains(key)) {
                throw new IllegalArgumentException("fork choice '" + name + "' has no parameter '" + key + "'; "
                        + (accepted.isEmpty() ? "it takes none" : "accepted: " + String.join(", ", new TreeSet<>(accepted))));
            }
        }
        if (params.containsKey(LmdGhost.PROPOSER_BOOST)) {
            proposerBoost(params);
        }
        uniformTieBreak(params);
    }

    /** A fresh rule for one node of the chain {@code genesis} describes. */
    public static ForkChoice forGenesis(Genesis genesis) {
        String name = genesis.forkChoice();
        Map<String, String> params = genesis.forkChoiceParams();
        check(name, params);
        return switch (name) {
            case Ghost.NAME -> new Ghost();
            case LmdGhost.NAME -> new LmdGhost(new LatestMessages(), proposerBoost(params),
                    CasperFfg.NAME.equals(genesis.finality()) ? CasperFfg.epochLengthOf(genesis) : 1);
            default -> uniformTieBreak(params) ? HeaviestChain.uniform() : HeaviestChain.INSTANCE;
        };
    }

    /** Whether the heaviest-chain rule breaks ties uniformly ({@code tieBreak}; first-seen when absent). */
    private static boolean uniformTieBreak(Map<String, String> params) {
        String value = params.getOrDefault(HeaviestChain.TIE_BREAK, HeaviestChain.FIRST_SEEN);
        return switch (value.trim()) {
            case HeaviestChain.FIRST_SEEN -> false;
            case HeaviestChain.UNIFORM -> true;
            default -> throw new IllegalArgumentException("fork choice parameter '" + HeaviestChain.TIE_BREAK
                    + "' must be " + HeaviestChain.FIRST_SEEN + " or " + HeaviestChain.UNIFORM + ", not '" + value + "'");
        };
    }

    private static long proposerBoost(Map<String, String> params) {
        String value = params.getOrDefault(LmdGhost.PROPOSER_BOOST, Long.toString(LmdGhost.DEFAULT_PROPOSER_BOOST));
        try {
            long boost = Long.parseLong(value.trim());
            if (boost < 0 || boost > 1_000) {
                throw new NumberFormatException();
            }
            return boost;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("fork choice parameter '" + LmdGhost.PROPOSER_BOOST
                    + "' must be a whole number of percent from 0 to 1000, not '" + value + "'");
        }
    }
}
