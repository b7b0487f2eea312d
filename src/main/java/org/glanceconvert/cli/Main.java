package org.glanceconvert.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code glance-convert}: one sub-command per verb. */
@Command(name = "glance-convert",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Finds out what OpenStack Glance images really are and converts them to the cloud's format.")
public final class Main implements Runnable {
    /** The sub-commands in the order the help lists them. */
    private static final List<String> SUBCOMMANDS =
            List.of("inspect", "convert", "compare", "map", "check", "log", "run", "audit");

    // A switch rather than constructor references: each of those is a lambda to spin up at start-up.
    private static Object newSubcommand(String name) {
        switch (name) {
            case "inspect": return new InspectCommand();
            case "convert": return new ConvertCommand();
            case "compare": return new CompareCommand();
            case "map": return new MapCommand();
            case "check": return new CheckCommand();
            case "log": return new LogCommand();
            case "run": return new RunCommand();
            case "audit": return new AuditCommand();
            default: throw new IllegalArgumentException(name);
        }
    }

    public static void main(String[] args) {
        StartupWarmUp.beginFor(args);
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit status (docs/contracts.md). */
    public static int run(String... args) {
        return commandLine(args).execute(args);
    }

    /** The configured command line with every sub-command, before it runs (tests capture its output). */
    public static CommandLine commandLine() {
        return configured(SUBCOMMANDS);
    }

    /**
     * The command line that parses {@code args} exactly as {@link #commandLine()} does, built
     * with only the sub-command {@code args} name. picocli reflects over every option of every
     * sub-command it is given, which was most of a short command's start-up; a command line
     * that names a sub-command first never reaches the others. Anything else (help, an unknown
     * word, options first) gets the whole tree, so suggestions and listings are unchanged.
     */
    public static CommandLine commandLine(String... args) {
        if (args.length > 0 && SUBCOMMANDS.contains(args[0])) {
            return configured(List.of(args[0]));
        }
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            return configured(List.of());
        }
        return commandLine();
    }

    private static CommandLine configured(List<String> subcommands) {
        CommandLine cli = new CommandLine(new Main());
        for (String name : subcommands) {
            cli.addSubcommand(name, newSubcommand(name));
        }
        Handlers handlers = new Handlers();
        return cli.setExitCodeExceptionMapper(handlers)
                .setExecutionExceptionHandler(handlers)
                .setParameterExceptionHandler(handlers);
    }

    /**
     * {@link ExitCodes} as picocli's handlers. A class, not method references: picocli's
     * interfaces are Java 5 class files, so lambdas implementing them cannot be kept in the
     * class-data archive and were spun up on every start.
     */
    private static final class Handlers implements CommandLine.IExitCodeExceptionMapper,
            CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
        @Override
        public int getExitCode(Throwable exception) {
            return ExitCodes.forException(exception);
        }

        @Override
        public int handleExecutionException(Exception ex, CommandLine commandLine, CommandLine.ParseResult parsed) {
            return ExitCodes.handleExecutionException(ex, commandLine, parsed);
        }

        @Override
        public int handleParseException(CommandLine.ParameterException ex, String[] args) {
            return ExitCodes.handleParameterException(ex, args);
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }
}
