package mvpos.cli;

import java.io.PrintWriter;
import mvpos.bench.ExplorerBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mvpos bench explorer}: the explorer's first paint, live updates and metrics scrape, in headless Chromium. */
@Command(name = "explorer",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Runs a seeded devnet to --blocks blocks, serves its explorer, opens it in headless Chromium "
                + "(apt-get install chromium) and measures the first drawing of the fork tree, how long a new block "
                + "takes to appear in the open page, and the /metrics scrape.")
final class ExplorerBenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--blocks", paramLabel = "N", defaultValue = "10000",
            description = "Blocks the devnet makes before the page opens (default: ${DEFAULT-VALUE}).")
    int blocks;

    @Option(names = "--validators", paramLabel = "N", defaultValue = "4",
            description = "Validators of the devnet (default: ${DEFAULT-VALUE}).")
    int validators;

    @Option(names = "--loads", paramLabel = "N", defaultValue = "5",
            description = "Page loads timed (default: ${DEFAULT-VALUE}).")
    int loads;

    @Option(names = "--live-blocks", paramLabel = "N", defaultValue = "40",
            description = "Slots run while the page is open (default: ${DEFAULT-VALUE}).")
    int liveBlocks;

    @Option(names = "--scrapes", paramLabel = "N", defaultValue = "500",
            description = "Timed /metrics scrapes (default: ${DEFAULT-VALUE}).")
    int scrapes;

    @Override
    public void run() {
        if (blocks < 1 || blocks > 1_000_000 || validators < 1 || validators > 1_000 || loads < 1 || liveBlocks < 2
                || scrapes < 1) {
            throw new Main.UserError("--blocks 1..1000000, --validators 1..1000, --loads and --scrapes at least 1, "
                    + "--live-blocks at least 2");
        }
        PrintWriter out = spec.commandLine().getOut();
        try {
            ExplorerBench.run(new ExplorerBench.Config(blocks, validators, loads, liveBlocks, scrapes, 1), line -> {
                out.println(line);
                out.flush();
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Main.UserError("bench explorer interrupted");
        } catch (Exception e) {
            throw new Main.UserError("bench explorer failed: " + e.getMessage());
        }
    }
}
