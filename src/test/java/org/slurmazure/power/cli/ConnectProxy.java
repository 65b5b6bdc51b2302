package org.slurmazure.power.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A minimal HTTP CONNECT proxy on loopback for tests: it records each CONNECT target and relays the bytes. */
final class ConnectProxy implements AutoCloseable {
    private final ServerSocket server;
    final List<String> connects = new CopyOnWriteArrayList<>();

    ConnectProxy() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "connect-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread t = new Thread(() -> handle(client), "connect-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void handle(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.append((char) b);
            }
            String[] request = head.toString().split("\r\n")[0].split(" ");
            if (!request[0].equals("CONNECT")) {
                client.getOutputStream().write("HTTP/1.1 405 Method Not Allowed\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            connects.add(request[1]);
            String[] hostPort = request[1].split(":");
            try (Socket upstream = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
                client.getOutputStream().write("HTTP/1.1 200 Connection Established\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                Thread up = new Thread(() -> relay(in, upstreamOut(upstream)));
                up.setDaemon(true);
                up.start();
                relay(upstream.getInputStream(), client.getOutputStream());
                up.join(1000);
            }
        } catch (IOException | InterruptedException | RuntimeException ignored) {
            // the connection ends
        }
    }

    private static OutputStream upstreamOut(Socket s) {
        try {
            return s.getOutputStream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void relay(InputStream from, OutputStream to) {
        byte[] buf = new byte[16384];
        try {
            int n;
            while ((n = from.read(buf)) >= 0) {
                to.write(buf, 0, n);
                to.flush();
            }
        } catch (IOException ignored) {
            // one side closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
