package mvpos.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mvpos} command line. */
@Command(name = "mvpos",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "A minimal viable, but real, Proof-of-Stake blockchain whose consensus is a plug-in.")
public final class Main implements Runnable {
    /** The commands, in the order of the help. */
    private static final java.util.List<Class<?>> COMMANDS = java.util.List.of(LobbyCommand.class, NodeCommand.class,
            KeysCommand.class, TxCommand.class, AccountCommand.class, BlockCommand.class, DevnetCommand.class,
            SimCommand.class,
            TestnetCommand.class, BenchCommand.class, LabCommand.class, StartupTrainingCommand.class,
            ConformanceCommand.class,
            CommandLine.HelpCommand.class);

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine(args).execute(args));
    }

    /** The configured command line with every command, shared by {@link #main} and the tests. */
    public static CommandLine commandLine() {
        return withCommands(COMMANDS);
    }

    /**
     * The command line for these arguments: with only the command they name, or none for
     * {@code --version}, since building every command's model is most of a start's cost; with every
     * command when they name none (help, a mistyped command).
     */
    static CommandLine commandLine(String... args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            return withCommands(java.util.List.of());
        }
        for (Class<?> command : COMMANDS) {
            if (args.length > 0 && command != CommandLine.HelpCommand.class
                    && command.getAnnotation(Command.class).name().equals(args[0])) {
                return withCommands(java.util.List.of(command));
            }
        }
        return commandLine();
    }

    private static CommandLine withCommands(java.util.List<Class<?>> commands) {
        CommandLine cli = new CommandLine(new Main());
        for (Class<?> command : commands) {
            cli.addSubcommand(command);
        }
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
