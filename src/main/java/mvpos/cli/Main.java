package mvpos.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mvpos} command line. */
@Command(name = "mvpos",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "A minimal viable, but real, Proof-of-Stake blockchain whose consensus is a plug-in.",
        subcommands = {LobbyCommand.class, NodeCommand.class, KeysCommand.class, TxCommand.class,
            AccountCommand.class, BlockCommand.class, DevnetCommand.class, TestnetCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and the tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler(Main::reportBadArguments);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof UserError) {
                commandLine.getErr().println("mvpos: error: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cli;
    }

    /** A bad flag or value: one line that says what is wrong and where to look, exit code 2. */
    private static int reportBadArguments(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        String message = String.valueOf(e.getMessage()).strip().replaceAll("\\s*\\R\\s*", "; ");
        err.println("mvpos: error: " + message + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
        err.flush();
        return 2;
    }

    /**
     * A flag or value the user must change, found after parsing (a value out of range, a flag that
     * cannot apply): reported like a parse error, on one line, with exit code 2.
     */
    static CommandLine.ParameterException badValue(CommandLine.Model.CommandSpec spec, String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** An error the user can fix; its message is printed on one line, without a stack trace. */
    public static final class UserError extends RuntimeException {
        public UserError(String message) {
            super(message);
        }
    }
}
