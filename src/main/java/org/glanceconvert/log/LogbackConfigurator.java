package org.glanceconvert.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The logging set-up of every command and the daemon, in code: log lines go to stderr (commands
 * print results, JSON included, on stdout) at the level of {@code GLANCE_CONVERT_LOG_LEVEL}
 * (system property or environment; default WARN). Done in code rather than by a logback.xml
 * because parsing XML and building logback's configuration model costs a command about a
 * quarter of a second of start-up. An operator's own {@code -Dlogback.configurationFile} is
 * still honoured: then logback's usual configurators run instead.
 */
public final class LogbackConfigurator extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n";
    static final String LEVEL_VARIABLE = "GLANCE_CONVERT_LOG_LEVEL";
    private static final String CONFIGURATION_FILE = "logback.configurationFile";
    private static volatile boolean initialised;

    /**
     * False only when a message at {@code level} would certainly be dropped: logging is not
     * initialised yet (so nothing has changed a level since), no operator configuration file is
     * named, and the level this class will set is above {@code level}. Commands ask before
     * their first log call: initialising logback costs a short command a large part of its
     * start-up, and at the default level a successful command logs nothing.
     */
    public static boolean mayLog(org.slf4j.event.Level level) {
        if (initialised || System.getProperty(CONFIGURATION_FILE) != null) {
            return true;
        }
        return Level.toLevel(level.toString()).isGreaterOrEqual(level());
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        initialised = true;
        if (System.getProperty(CONFIGURATION_FILE) != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("STDERR");
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(level());
        root.addAppender(appender);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    static Level level() {
        String value = System.getProperty(LEVEL_VARIABLE, System.getenv(LEVEL_VARIABLE));
        return Level.toLevel(value, Level.WARN);
    }
}
