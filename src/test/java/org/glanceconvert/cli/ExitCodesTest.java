package org.glanceconvert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

import org.junit.jupiter.api.Test;

/** Failures while reading an image map to the contract's exit statuses. */
class ExitCodesTest {
    private static String[] handle(Exception e) {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int status = ExitCodes.handleExecutionException(e, cli, null);
        return new String[] {Integer.toString(status), err.toString()};
    }

    @Test
    void anImageEndingBeforeItsStructuresIsANoNotAnError() {
        String[] r = handle(new EOFException("end of image at byte 4096"));
        assertEquals("1", r[0]);
        assertTrue(r[1].contains("[format.truncated]"), r[1]);
        assertEquals(ExitCodes.NO, ExitCodes.forException(new EOFException()));
    }

    @Test
    void otherIoFailuresAreErrors() {
        assertEquals("2", handle(new IOException("Input/output error"))[0]);
    }
}
