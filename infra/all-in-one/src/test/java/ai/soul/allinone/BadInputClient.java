package ai.soul.allinone;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sends a {@link BadInputRequest} as a real client would, with short timeouts. java.net.http sends
 * what it can; what it refuses to send (a malformed percent-escape in the target, non-ASCII bytes in
 * a header) goes over a plain socket as HTTP/1.1 with the bytes exactly as generated.
 */
final class BadInputClient {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** A read may wait up to 5 s for read-your-writes; anything slower than this is a finding. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    record Response(int status, Map<String, List<String>> headers, byte[] body, String failure, boolean sentRaw) {

        String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        static Response failed(String failure, boolean raw) {
            return new Response(-1, Map.of(), new byte[0], failure, raw);
        }
    }

    private final int port;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    BadInputClient(int port) {
        this.port = port;
    }

    Response send(BadInputRequest request) {
        if (!request.raw()) {
            HttpRequest built;
            try {
                built = build(request);
            } catch (IllegalArgumentException refused) {
                // java.net.http will not send this (an illegal URI or header): send the bytes ourselves
                return sendRaw(request);
            }
            try {
                HttpResponse<byte[]> response = http.send(built, HttpResponse.BodyHandlers.ofByteArray());
                Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                headers.putAll(response.headers().map());
                return new Response(response.statusCode(), headers, response.body() == null ? new byte[0] : response.body(), null, false);
            } catch (IOException e) {
                return Response.failed(e.getClass().getSimpleName() + ": " + e.getMessage(), false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return sendRaw(request);
    }

    private HttpRequest build(BadInputRequest request) {
        HttpRequest.BodyPublisher body;
        if (request.body() == null) {
            body = HttpRequest.BodyPublishers.noBody();
        } else if (request.chunked()) {
            byte[] bytes = request.body();
            body = HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes));
        } else {
            body = HttpRequest.BodyPublishers.ofByteArray(request.body());
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://localhost:" + port + request.target()))
                .timeout(REQUEST_TIMEOUT)
                .method(request.method(), body);
        for (String[] header : request.headers()) {
            builder.header(header[0], header[1]);
        }
        return builder.build();
    }

    /** HTTP/1.1 over a socket, one connection per request. */
    private Response sendRaw(BadInputRequest request) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), (int) CONNECT_TIMEOUT.toMillis());
            socket.setSoTimeout((int) REQUEST_TIMEOUT.toMillis());
            StringBuilder head = new StringBuilder()
                    .append(request.method()).append(' ').append(request.target()).append(" HTTP/1.1\r\n")
                    .append("Host: localhost:").append(port).append("\r\n")
                    .append("Connection: close\r\n");
            for (String[] header : request.headers()) {
                head.append(header[0]).append(": ").append(header[1]).append("\r\n");
            }
            byte[] body = request.body();
            if (body != null) {
                head.append(request.chunked() ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head.toString().getBytes(StandardCharsets.UTF_8));
                if (body != null && request.chunked()) {
                    for (int at = 0; at < body.length; at += 8192) {
                        int n = Math.min(8192, body.length - at);
                        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(body, at, n);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } else if (body != null) {
                    out.write(body);
                }
                out.flush();
            } catch (IOException writeFailed) {
                // the server may answer and close before it has read everything: read what it said
            }
            byte[] all = socket.getInputStream().readAllBytes();
            return parse(all, request.method().equals("HEAD"));
        } catch (IOException e) {
            return Response.failed(e.getClass().getSimpleName() + ": " + e.getMessage(), true);
        }
    }

    private static Response parse(byte[] all, boolean head) throws IOException {
        int offset = 0;
        while (true) {
            int end = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), offset);
            if (end < 0) {
                return Response.failed("incomplete response: " + new String(all, offset, all.length - offset, StandardCharsets.ISO_8859_1), true);
            }
            String[] lines = new String(all, offset, end - offset, StandardCharsets.ISO_8859_1).split("\r\n");
            String[] statusLine = lines[0].split(" ", 3);
            int status = Integer.parseInt(statusLine[1]);
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (String line : Arrays.copyOfRange(lines, 1, lines.length)) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.computeIfAbsent(line.substring(0, colon).trim(), k -> new ArrayList<>()).add(line.substring(colon + 1).trim());
                }
            }
            int bodyStart = end + 4;
            if (status >= 100 && status < 200) {
                offset = bodyStart; // an interim answer (100 Continue): the real one follows
                continue;
            }
            byte[] body;
            String transfer = headers.containsKey("Transfer-Encoding") ? headers.get("Transfer-Encoding").get(0) : null;
            if (head) {
                body = new byte[0];
            } else if (transfer != null && transfer.equalsIgnoreCase("chunked")) {
                body = dechunk(new ByteArrayInputStream(all, bodyStart, all.length - bodyStart));
            } else if (headers.containsKey("Content-Length")) {
                int length = Integer.parseInt(headers.get("Content-Length").get(0));
                body = Arrays.copyOfRange(all, bodyStart, Math.min(all.length, bodyStart + length));
            } else {
                body = Arrays.copyOfRange(all, bodyStart, all.length);
            }
            return new Response(status, headers, body, null, true);
        }
    }

    private static byte[] dechunk(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            StringBuilder size = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                if (c != '\r') size.append((char) c);
            }
            String hex = size.toString().split(";")[0].trim();
            if (c == -1 || hex.isEmpty()) return out.toByteArray();
            int n = Integer.parseInt(hex, 16);
            if (n == 0) return out.toByteArray();
            out.write(in.readNBytes(n));
            in.read(); // CR
            in.read(); // LF
        }
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = from; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) continue outer;
            }
            return i;
        }
        return -1;
    }
}
