package ai.soul.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Ports remembered in a small properties file, so that a restarted service comes back where its
 * clients last saw it. A remembered port that is taken by now is replaced by a free one.
 */
final class PortFile {

    /** IPv4 loopback, as the services bind it (getLoopbackAddress() may answer ::1). */
    private static final InetAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0).getAddress();

    private PortFile() {
    }

    /** Returns a port for each name, in the given order, and writes the file if anything changed. */
    static synchronized Map<String, Integer> resolve(Path file, String... names) {
        Properties props = load(file);
        Map<String, Integer> ports = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            String value = props.getProperty(name);
            Integer port = value == null ? null : Integer.valueOf(value.trim());
            if (port == null || !isFree(port)) {
                port = null;
                missing.add(name);
            }
            ports.put(name, port);
        }
        if (!missing.isEmpty()) {
            List<Integer> fresh = freePorts(missing.size(), ports.values());
            for (int i = 0; i < missing.size(); i++) {
                ports.put(missing.get(i), fresh.get(i));
                props.setProperty(missing.get(i), fresh.get(i).toString());
            }
            store(file, props);
        }
        return ports;
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(LOOPBACK, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Holds all sockets open while picking, so the ports are distinct from each other. */
    private static List<Integer> freePorts(int count, Collection<Integer> taken) {
        List<ServerSocket> sockets = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        try {
            while (ports.size() < count) {
                ServerSocket socket = new ServerSocket(0, 1, LOOPBACK);
                sockets.add(socket);
                int port = socket.getLocalPort();
                if (!taken.contains(port)) {
                    ports.add(port);
                }
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + LOOPBACK, e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // only probing
                }
            }
        }
    }

    private static Properties load(Path file) {
        Properties props = new Properties();
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                props.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return props;
    }

    /** Write-then-rename, so a crash never leaves a half-written file behind. */
    private static void store(Path file, Properties props) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                props.store(out, "ports last used; a taken port is replaced on the next start");
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
