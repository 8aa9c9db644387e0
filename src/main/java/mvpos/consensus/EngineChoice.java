package mvpos.consensus;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import mvpos.chain.Genesis;
import mvpos.consensus.forkchoice.ForkChoices;

/**
 * What a command line chooses for a new chain's consensus: the engine and the parameters given for it
 * ({@code --engine}, {@code --engine-param KEY=VALUE}), and the fork-choice rule with its parameters
 * ({@code --fork-choice}, {@code --fork-choice-param KEY=VALUE}). {@link #applyTo} writes them into a
 * genesis and checks them the way a node will: an unknown engine, rule or parameter, or a value the
 * engine refuses, is one line naming it and what is accepted.
 */
public record EngineChoice(String engine, Map<String, String> engineParams, String forkChoice,
                           Map<String, String> forkChoiceParams) {

    public EngineChoice {
        engineParams = Map.copyOf(engineParams == null ? Map.of() : engineParams);
        forkChoice = forkChoice == null ? Genesis.DEFAULT_FORK_CHOICE : forkChoice;
        forkChoiceParams = Map.copyOf(forkChoiceParams == null ? Map.of() : forkChoiceParams);
    }

    /** An engine with no parameters given, and the default fork choice. */
    public static EngineChoice of(String engine) {
        return new EngineChoice(engine, Map.of(), Genesis.DEFAULT_FORK_CHOICE, Map.of());
    }

    /**
     * {@code base} running this engine, with {@code defaults} (what the command fills in for its
     * validators: authorities, a difficulty) overridden by the parameters given, and this fork choice.
     *
     * @throws IllegalArgumentException one line naming what is wrong and what is accepted
     */
    public Genesis applyTo(Genesis base, Map<String, String> defaults) {
        ConsensusEngine unconfigured = Engines.named(engine);
        TreeSet<String> accepted = new TreeSet<>(unconfigured.parameters().keySet());
        for (String key : new TreeSet<>(engineParams.keySet())) {
            if (!accepted.contains(key)) {
                throw new IllegalArgumentException("engine '" + engine + "' has no parameter '" + key + "'; "
                        + (accepted.isEmpty() ? "it takes none" : "accepted: " + String.join(", ", accepted)));
            }
        }
        Map<String, String> params = new TreeMap<>(defaults);
        params.putAll(engineParams);
        ForkChoices.check(forkChoice, forkChoiceParams);
        Genesis genesis = base.withEngine(engine, params).withForkChoice(forkChoice, forkChoiceParams);
        try {
            unconfigured.configure(genesis);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("engine '" + engine + "': " + e.getMessage());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("engine '" + engine + "' failed to read its parameters: "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        return genesis;
    }
}
