package mvpos.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mvpos.lab.Lab;
import mvpos.lab.LabFiles;
import mvpos.lab.LabParam;
import mvpos.lab.LabParams;
import mvpos.lab.LabReport;
import mvpos.lab.LabResult;
import mvpos.lab.Labs;
import mvpos.lab.Point;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mvpos lab}: the attack labs, each in three acts (build, attack, improve). */
@Command(name = "lab",
        mixinStandardHelpOptions = true,
        description = "Attack labs: each builds a mechanism, attacks it and improves it, measuring every act"
                + " over seeds beside the theory.",
        subcommands = {LabCommand.ListLabs.class, LabCommand.RunLab.class})
final class LabCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The labs and their parameters.")
    static final class ListLabs implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            for (Lab lab : Labs.all()) {
                out.println(String.format("%-16s %s", lab.name(), lab.summary()));
                for (LabParam p : lab.params()) {
                    out.println(String.format("    %-10s %-18s %s", p.name(), "(" + p.defaultValue() + ")",
                            p.description()));
                }
            }
            out.flush();
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Runs a lab's three acts and prints each measurement beside the theory.")
    static final class RunLab implements Runnable {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "The lab (see 'mvpos lab list').")
        String name;

        @Option(names = "--param", paramLabel = "K=V",
                description = "A lab parameter; a sweep is comma-separated and increasing (e.g. q=0.1,0.2).")
        List<String> params = new ArrayList<>();

        @Option(names = "--seeds", paramLabel = "N", defaultValue = "5",
                description = "Seeds per point, for the confidence interval (default: ${DEFAULT-VALUE}).")
        int seeds;

        @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
                description = "Base seed: the same seed gives the same output (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--out", paramLabel = "DIR", description = "Also write NAME.csv, NAME.json and NAME.svg there.")
        Path out;

        @Option(names = "--json", description = "One JSON object per line per act and sweep point, then the verdict.")
        boolean json;

        @Override
        public void run() {
            Lab lab = Labs.named(name).orElseThrow(() -> Main.badValue(spec, "unknown lab '" + name
                    + "'; the labs are: " + String.join(", ", Labs.names())));
            if (seeds < 2 || seeds > 1000) {
                throw Main.badValue(spec, "--seeds must be from 2 to 1000, not " + seeds);
            }
            LabParams parsed;
            LabResult result;
            try {
                parsed = LabParams.parse(lab, params);
                result = LabResult.run(lab, parsed, seeds, seed);
            } catch (IllegalArgumentException e) {
                throw Main.badValue(spec, e.getMessage());
            } catch (Exception e) {
                throw new Main.UserError("lab " + name + " failed: " + e.getMessage());
            }
            PrintWriter stdout = spec.commandLine().getOut();
            if (json) {
                for (Point p : result.points()) {
                    stdout.println(JsonLine.of(LabReport.json(result, p)));
                }
                stdout.println(JsonLine.of(LabReport.verdictJson(result)));
            } else {
                LabReport.print(result, stdout);
            }
            if (out != null) {
                try {
                    List<Path> written = LabFiles.write(result, out);
                    if (!json) {
                        stdout.println("wrote " + String.join(", ", written.stream().map(Path::toString).toList()));
                    }
                } catch (java.io.IOException e) {
                    throw new Main.UserError("cannot write to " + out + ": " + e.getMessage());
                }
            }
            stdout.flush();
        }
    }
}
