package mvpos.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import mvpos.chain.Genesis;
import mvpos.consensus.EngineChoice;
import picocli.CommandLine.Option;

/**
 * The options that tune a new chain's consensus, shared by {@code devnet}, {@code testnet} and
 * {@code node --dev}: engine parameters and the fork-choice rule (the engine's name is each command's
 * own {@code --engine}).
 */
public final class ConsensusOptions {
    @Option(names = "--engine-param", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "A parameter of the engine, written into genesis (repeatable; see docs/writing-an-engine.md).")
    Map<String, String> engineParams = new LinkedHashMap<>();

    @Option(names = "--fork-choice", paramLabel = "RULE", defaultValue = Genesis.DEFAULT_FORK_CHOICE,
            description = "Fork-choice rule: heaviest (also longest), ghost, or lmd-ghost (latest votes, "
                    + "FFG filter, proposer boost) (default: ${DEFAULT-VALUE}).")
    String forkChoice = Genesis.DEFAULT_FORK_CHOICE;

    @Option(names = "--fork-choice-param", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "A parameter of the fork-choice rule (repeatable), e.g. proposerBoost=40 for lmd-ghost.")
    Map<String, String> forkChoiceParams = new LinkedHashMap<>();

    /** What was chosen, with this engine. */
    EngineChoice choice(String engine) {
        return new EngineChoice(engine, engineParams, forkChoice, forkChoiceParams);
    }

    /** Whether anything but the defaults was given. */
    boolean given() {
        return !engineParams.isEmpty() || !forkChoiceParams.isEmpty() || !Genesis.DEFAULT_FORK_CHOICE.equals(forkChoice);
    }

    /**
     * What was chosen with this engine, checked on a one-validator genesis as a node would check it:
     * an unknown parameter or rule, or a value the engine refuses, is one line and exit code 2.
     */
    EngineChoice checked(String engine, picocli.CommandLine.Model.CommandSpec spec) {
        return checked(engine, Genesis.NO_FINALITY, spec);
    }

    /** {@link #checked(String, picocli.CommandLine.Model.CommandSpec)} with this finality gadget (an engine may refuse it). */
    EngineChoice checked(String engine, String finality, picocli.CommandLine.Model.CommandSpec spec) {
        if (!mvpos.consensus.Engines.names().contains(engine)) {
            throw Main.badValue(spec, "unknown engine '" + engine + "'; available: "
                    + String.join(", ", mvpos.consensus.Engines.names()));
        }
        EngineChoice choice = choice(engine);
        mvpos.crypto.KeyPair key = mvpos.crypto.KeyPair.generate(new mvpos.crypto.HashDrbg(1));
        try {
            mvpos.node.TestnetGenesis.of(choice, java.util.List.of(key), 0, 1_000, finality, 8);
        } catch (IllegalArgumentException e) {
            throw Main.badValue(spec, e.getMessage());
        }
        return choice;
    }
}
