package org.glanceconvert.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code glance-convert}: one sub-command per verb. */
@Command(name = "glance-convert",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Finds out what OpenStack Glance images really are and converts them to the cloud's format.")
public final class Main implements Runnable {
    /** The sub-commands in the order the help lists them. */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = new LinkedHashMap<>();

    static {
        SUBCOMMANDS.put("inspect", InspectCommand::new);
        SUBCOMMANDS.put("convert", ConvertCommand::new);
        SUBCOMMANDS.put("compare", CompareCommand::new);
        SUBCOMMANDS.put("map", MapCommand::new);
        SUBCOMMANDS.put("check", CheckCommand::new);
        SUBCOMMANDS.put("log", LogCommand::new);
        SUBCOMMANDS.put("run", RunCommand::new);
        SUBCOMMANDS.put("audit", AuditCommand::new);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit status (docs/contracts.md). */
    public static int run(String... args) {
        return commandLine(args).execute(args);
    }

    /** The configured command line with every sub-command, before it runs (tests capture its output). */
    public static CommandLine commandLine() {
        return configured(SUBCOMMANDS.keySet());
    }

    /**
     * The command line that parses {@code args} exactly as {@link #commandLine()} does, built
     * with only the sub-command {@code args} name. picocli reflects over every option of every
     * sub-command it is given, which was most of a short command's start-up; a command line
     * that names a sub-command first never reaches the others. Anything else (help, an unknown
     * word, options first) gets the whole tree, so suggestions and listings are unchanged.
     */
    public static CommandLine commandLine(String... args) {
        if (args.length > 0 && SUBCOMMANDS.containsKey(args[0])) {
            return configured(java.util.List.of(args[0]));
        }
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            return configured(java.util.List.of());
        }
        return commandLine();
    }

    private static CommandLine configured(Iterable<String> subcommands) {
        CommandLine cli = new CommandLine(new Main());
        for (String name : subcommands) {
            cli.addSubcommand(name, SUBCOMMANDS.get(name).get());
        }
        return cli.setExitCodeExceptionMapper(ExitCodes::forException)
                .setExecutionExceptionHandler(ExitCodes::handleExecutionException)
                .setParameterExceptionHandler(ExitCodes::handleParameterException);
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }
}
