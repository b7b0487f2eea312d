package org.glanceconvert.glance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A tiny HTTP server for one image file whose first answer is cut off with a TCP reset after
 * {@code cutAt} bytes of the body: the connection failure WireMock cannot produce mid-body.
 * Later requests get the rest (206 for {@code Range: bytes=N-}) or the whole file.
 */
final class ResettingServer implements AutoCloseable {
    private final ServerSocket socket;
    private final byte[] data;
    private final int cutAt;
    private final List<String> ranges = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;

    ResettingServer(byte[] data, int cutAt) throws IOException {
        this.data = data;
        this.cutAt = cutAt;
        this.socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        this.thread = new Thread(this::serve, "resetting-server");
        thread.setDaemon(true);
        thread.start();
    }

    String url() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    /** The Range header of each request ("" when absent). */
    List<String> ranges() {
        return List.copyOf(ranges);
    }

    private void serve() {
        int served = 0;
        while (!socket.isClosed()) {
            try (Socket s = socket.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                String line;
                String range = "";
                while ((line = in.readLine()) != null && !line.isEmpty()) {
                    if (line.toLowerCase().startsWith("range:")) {
                        range = line.substring(6).trim();
                    }
                }
                ranges.add(range);
                OutputStream out = s.getOutputStream();
                if (served++ == 0) {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + data.length
                            + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(data, 0, cutAt);
                    out.flush();
                    s.setSoLinger(true, 0); // close with RST: "connection reset" on the client
                    continue;
                }
                long start = range.startsWith("bytes=") ? Long.parseLong(range.substring(6, range.indexOf('-'))) : 0;
                String head = start > 0
                        ? "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes " + start + "-" + (data.length - 1) + "/" + data.length + "\r\n"
                        : "HTTP/1.1 200 OK\r\n";
                out.write((head + "Content-Type: application/octet-stream\r\nConnection: close\r\nContent-Length: "
                        + (data.length - start) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(data, (int) start, (int) (data.length - start));
                out.flush();
            } catch (IOException e) {
                // closed, or the client went away
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
