package org.glanceconvert.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code glance-convert}: one sub-command per verb. */
@Command(name = "glance-convert",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Finds out what OpenStack Glance images really are and converts them to the cloud's format.",
        subcommands = {InspectCommand.class, ConvertCommand.class, CompareCommand.class, MapCommand.class,
                CheckCommand.class, LogCommand.class, RunCommand.class, AuditCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit status (docs/contracts.md). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The configured command line, before it runs (tests capture its output). */
    public static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setExitCodeExceptionMapper(ExitCodes::forException)
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
