package ai.soul.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.wire.MongoDatabaseHandler;
import de.bwaldvogel.mongo.wire.MongoExceptionHandler;
import de.bwaldvogel.mongo.wire.MongoWireMessageEncoder;
import de.bwaldvogel.mongo.wire.MongoWireProtocolHandler;
import de.bwaldvogel.mongo.wire.MongoWireReplyEncoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MongoDB wire-protocol server (mongo-java-server) whose data lives in one H2 MVStore file under
 * the data directory, so the read models survive a restart.
 * <p>
 * The server has no authentication, so it listens on no TCP port: only on a Unix socket in the
 * data directory, which is readable by its owner only ({@link OwnerOnly}). Another local user can
 * neither open the socket nor get into the directory; the MongoDB driver reaches it with
 * {@code mongodb://<url-encoded socket path>} (and jnr-unixsocket on the class path).
 */
public final class EmbeddedMongoServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedMongoServer.class);

    /** The driver takes a host ending in {@code .sock} for a Unix socket. */
    private static final String SOCKET_FILE = "mongod.sock";
    /** A socket's path is limited (108 bytes on Linux, 104 on macOS, with its terminating zero). */
    private static final int MAX_SOCKET_PATH_BYTES = 100;
    /** The store's name carries its format: v3 orders index keys by value and keeps BSON ({@link IndexedH2Backend}). */
    private static final String STORE_FILE = "readmodels-v3.mv.db";
    private static final List<String> OLD_FILES = List.of("readmodels.mv.db", "readmodels-v2.mv.db", "mongo-ports.properties");

    private final H2Backend backend;
    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final ChannelGroup clients;
    private final Channel listener;
    private final Path socket;
    private final Path ownSocketDir;
    private boolean closed;

    private EmbeddedMongoServer(H2Backend backend, EventLoopGroup acceptor, EventLoopGroup workers, ChannelGroup clients,
                                Channel listener, Path socket, Path ownSocketDir) {
        this.backend = backend;
        this.acceptor = acceptor;
        this.workers = workers;
        this.clients = clients;
        this.listener = listener;
        this.socket = socket;
        this.ownSocketDir = ownSocketDir;
    }

    /** Starts a server on {@code dataDir}, opening (or creating) its store file. */
    public static EmbeddedMongoServer start(Path dataDir) {
        long started = System.nanoTime();
        Path data = OwnerOnly.directory(dataDir.toAbsolutePath());
        Path store = data.resolve(STORE_FILE);
        OLD_FILES.forEach(old -> dropOldFile(data.resolve(old)));
        H2Backend backend;
        try {
            // H2 locks the store file: this is also what keeps a second server off the directory
            backend = IndexedH2Backend.open(store.toString());
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot open " + store + " (in use by another server?)", e);
        }
        Path socket = data.resolve(SOCKET_FILE);
        Path ownSocketDir = null;
        EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("readmodels-accept", true), NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("readmodels-server", true), NioIoHandler.newFactory());
        try {
            if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
                // too long a path for a socket: one in a fresh directory of this process, owner-only as well
                ownSocketDir = Files.createTempDirectory("soul-readmodels");
                socket = ownSocketDir.resolve(SOCKET_FILE);
            }
            // left behind by a server that was killed; the store's lock says none runs here now
            Files.deleteIfExists(socket);
            ChannelGroup clients = new DefaultChannelGroup("readmodels-clients", workers.next());
            Channel listener = new ServerBootstrap()
                    .group(acceptor, workers)
                    .channel(NioServerDomainSocketChannel.class)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel channel) {
                            // mongo-java-server's own pipeline (MongoServer.bind), on another transport
                            channel.pipeline().addLast(new MongoWireReplyEncoder(), new MongoWireMessageEncoder(),
                                    new MongoWireProtocolHandler(), new MongoDatabaseHandler(backend, clients),
                                    new MongoExceptionHandler());
                        }
                    })
                    .bind(UnixDomainSocketAddress.of(socket)).syncUninterruptibly().channel();
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            EmbeddedMongoServer server = new EmbeddedMongoServer(backend, acceptor, workers, clients, listener, socket, ownSocketDir);
            log.info("MongoDB server on {} ready at {} in {} ms", store, socket, (System.nanoTime() - started) / 1_000_000);
            return server;
        } catch (IOException | RuntimeException e) {
            shutdown(acceptor, workers);
            backend.close(); // releases the store's file lock
            deleteQuietly(socket, ownSocketDir);
            throw new IllegalStateException("MongoDB server on " + store + " did not start", e);
        }
    }

    /**
     * A store in the old format cannot be opened by this backend. Everything in it is a read model,
     * rebuilt from the Kafka log (the consumed offsets were stored in it too, so the rebuild starts
     * from the beginning). The TCP port of older versions is no longer used.
     */
    private static void dropOldFile(Path old) {
        try {
            if (Files.deleteIfExists(old) && old.toString().endsWith(".mv.db")) {
                log.warn("Removed {} (an older store format); the read models are rebuilt from the Kafka log", old);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + old, e);
        }
    }

    /** {@code mongodb://<url-encoded path of the socket>} */
    public String connectionString() {
        return "mongodb://" + URLEncoder.encode(socket.toString(), StandardCharsets.UTF_8);
    }

    /** Stops listening, closes the clients' connections, then the H2 store, which writes out what is not on disk yet. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        listener.close().syncUninterruptibly();
        clients.close().syncUninterruptibly();
        shutdown(acceptor, workers);
        backend.close();
        deleteQuietly(socket, ownSocketDir);
    }

    private static void shutdown(EventLoopGroup... groups) {
        for (EventLoopGroup group : groups) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        }
        for (EventLoopGroup group : groups) {
            group.terminationFuture().syncUninterruptibly();
        }
    }

    private static void deleteQuietly(Path socket, Path ownSocketDir) {
        try {
            Files.deleteIfExists(socket);
            if (ownSocketDir != null) {
                Files.deleteIfExists(ownSocketDir);
            }
        } catch (IOException e) {
            log.warn("cannot remove the socket {}", socket, e);
        }
    }

    /** Runs a server as its own process: {@code EmbeddedMongoServer <dataDir>}. */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: EmbeddedMongoServer <dataDir>");
            System.exit(2);
        }
        EmbeddedMongoServer server = start(Path.of(args[0]));
        Standalone.runUntilTerminated(server, server.connectionString());
    }
}
