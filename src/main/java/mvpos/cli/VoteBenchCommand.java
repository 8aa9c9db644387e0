package mvpos.cli;

import java.io.PrintWriter;
import java.time.Duration;
import mvpos.bench.VoteBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mvpos bench votes}: Casper FFG vote verification and counting against the epoch's duration. */
@Command(name = "votes",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Builds N staked validators and a chain of one block per slot with finality ffg, signs every "
                + "validator's honest vote of each epoch beforehand, then times, epoch by epoch, a node's work on "
                + "them: every signature checked through the signature cache in parallel on all cores, then every "
                + "vote counted by the gadget on one thread.",
            "Reports votes/s of each, the time an epoch's N votes take against the epoch's duration "
                + "(epoch slots x slot), and fails unless every epoch is justified and the one before it finalized."
        })
final class VoteBenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--validators", paramLabel = "N", defaultValue = "10000",
            description = "Validators, equally staked; each votes once per epoch (default: ${DEFAULT-VALUE}).")
    int validators;

    @Option(names = "--epochs", paramLabel = "E", defaultValue = "5",
            description = "Epochs timed, one after the other (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--epoch-slots", paramLabel = "SLOTS", defaultValue = "8",
            description = "Slots per epoch (default: ${DEFAULT-VALUE}).")
    long epochSlots;

    @Option(names = "--slot", paramLabel = "DURATION", defaultValue = "1s",
            description = "Slot length, like 500ms or 2s; an epoch lasts epoch slots x slot (default: ${DEFAULT-VALUE}).")
    String slot;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of the validators' keys (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print one JSON object with the figures instead of lines.")
    boolean json;

    @Override
    public void run() {
        long slotMillis = validate();
        PrintWriter out = spec.commandLine().getOut();
        VoteBench.Config config = new VoteBench.Config(validators, epochs, epochSlots, slotMillis, seed);
        VoteBench.Report report;
        try {
            report = VoteBench.run(config, json ? line -> { } : line -> {
                out.println(line);
                out.flush();
            });
        } catch (IllegalStateException e) {
            throw new Main.UserError("bench votes failed: " + e.getMessage());
        }
        if (json) {
            out.println(JsonLine.of(report.figures()));
        }
        out.flush();
    }

    /** Checks the sizes; returns the slot in milliseconds. */
    private long validate() {
        if (validators < 1 || validators > VoteBench.MAX_VALIDATORS) {
            throw new Main.UserError("--validators must be between 1 and " + VoteBench.MAX_VALIDATORS + ", got "
                    + validators);
        }
        if (epochs < 1 || epochs > VoteBench.MAX_EPOCHS) {
            throw new Main.UserError("--epochs must be between 1 and " + VoteBench.MAX_EPOCHS + ", got " + epochs);
        }
        if (epochSlots < 2 || epochSlots > VoteBench.MAX_EPOCH_SLOTS) {
            throw new Main.UserError("--epoch-slots must be between 2 and " + VoteBench.MAX_EPOCH_SLOTS + ", got "
                    + epochSlots);
        }
        long fit = (epochSlots - 1) * mvpos.state.FfgConstants.MAX_VOTES_PER_BLOCK;
        if (validators > fit) {
            throw new Main.UserError("--validators: at most " + fit + " validators' votes fit in the " + (epochSlots - 1)
                    + " blocks of an epoch of " + epochSlots + " slots that carry them, got " + validators);
        }
        if ((long) validators * epochs > VoteBench.MAX_VOTES) {
            throw new Main.UserError("--validators x --epochs must be at most " + VoteBench.MAX_VOTES
                    + " (every vote is signed beforehand and held in memory), got " + (long) validators * epochs);
        }
        Duration duration;
        try {
            duration = DurationConverter.parse(slot);
        } catch (CommandLine.TypeConversionException e) {
            throw new Main.UserError("--slot: " + e.getMessage());
        }
        if (duration.toMillis() < 1 || duration.compareTo(Duration.ofHours(1)) > 0) {
            throw new Main.UserError("--slot must be between 1ms and 1h, got " + slot);
        }
        return duration.toMillis();
    }
}
