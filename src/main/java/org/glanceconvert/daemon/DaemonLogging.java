package org.glanceconvert.daemon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import java.util.Iterator;
import org.glanceconvert.config.LogFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's log: INFO for glance-convert's own loggers (the commands stay quiet at WARN), and
 * JSON lines instead of text when {@code log_format: json}. {@code GLANCE_CONVERT_LOG_LEVEL}
 * still wins when set.
 */
public final class DaemonLogging {
    private DaemonLogging() {
    }

    public static void configure(LogFormat format) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        if (System.getenv("GLANCE_CONVERT_LOG_LEVEL") == null) {
            context.getLogger("org.glanceconvert").setLevel(Level.INFO);
            context.getLogger("glance-convert").setLevel(Level.INFO);
        }
        if (format == LogFormat.JSON) {
            ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
            for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
                if (it.next() instanceof ConsoleAppender<ILoggingEvent> console) {
                    console.stop();
                    JsonEncoder encoder = new JsonEncoder();
                    encoder.setContext(context);
                    encoder.start();
                    console.setEncoder(encoder);
                    console.start();
                }
            }
        }
    }
}
