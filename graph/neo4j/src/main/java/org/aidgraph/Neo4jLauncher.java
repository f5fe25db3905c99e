package org.aidgraph;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.SettingValueParsers;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.config.Setting;
import org.neo4j.internal.kernel.api.connectioninfo.ClientConnectionInfo;
import org.neo4j.internal.kernel.api.security.AuthenticationResult;
import org.neo4j.kernel.api.security.AuthManager;
import org.neo4j.kernel.api.security.AuthToken;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * Runs an embedded Neo4j 5.26 Community DBMS as a local Bolt server for aidgraph.
 *
 * <p>Usage: {@code Neo4jLauncher --data-dir DIR [--port 7687] [--host 127.0.0.1]
 * [--page-cache 256m] [--tx-memory 256m]}. The password of user {@code neo4j} comes from the
 * {@code NEO4J_PASSWORD} environment variable (never argv, so it does not show up in {@code ps}).
 *
 * <p>Stdout carries exactly one line once Bolt accepts connections with the configured password
 * ({@code aidgraph-neo4j ready bolt://HOST:PORT}) and one line after a clean shutdown
 * ({@code aidgraph-neo4j stopped}). Neo4j's own logs go to {@code DIR/logs/}.
 */
public final class Neo4jLauncher {
    static final String PREFIX = "aidgraph-neo4j";

    private Neo4jLauncher() {}

    public static void main(String[] args) {
        Options opts;
        try {
            opts = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(PREFIX + " usage error: " + e.getMessage());
            System.err.println("usage: Neo4jLauncher --data-dir DIR [--port N] [--host H]"
                    + " [--page-cache SIZE] [--tx-memory SIZE]   (password in $NEO4J_PASSWORD)");
            System.exit(2);
            return;
        }
        try {
            run(opts);
        } catch (Throwable t) {
            System.err.println(PREFIX + " failed: " + t);
            t.printStackTrace(System.err);
            System.out.println(PREFIX + " failed: " + rootMessage(t));
            System.out.flush();
            // halt, not exit: a half-started DBMS may hold non-daemon threads or run hooks that hang.
            Runtime.getRuntime().halt(1);
        }
    }

    private static void run(Options opts) throws IOException, InterruptedException {
        Path home = opts.dataDir.toAbsolutePath().normalize();
        Files.createDirectories(home);

        Map<Setting<?>, Object> config = new HashMap<>();
        config.put(GraphDatabaseSettings.logs_directory, home.resolve("logs"));
        config.put(GraphDatabaseSettings.auth_enabled, true);
        config.put(GraphDatabaseSettings.pagecache_memory, bytes(opts.pageCache));
        config.put(GraphDatabaseSettings.memory_transaction_global_max_size, bytes(opts.txMemory));
        // Local dev server: never phone home (there is no internet here anyway).
        config.put(GraphDatabaseSettings.udc_enabled, false);
        config.put(BoltConnector.enabled, true);
        config.put(BoltConnector.listen_address, new SocketAddress(opts.host, opts.port));
        config.put(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED);
        // The embedded builder does not start the web server, but say so explicitly.
        config.put(HttpConnector.enabled, false);
        config.put(HttpsConnector.enabled, false);
        // Netty waits a 5 s quiet period per event-loop group on shutdown (about 10 s in total
        // for nothing on a local server); SIGTERM should stop us in about a second.
        config.put(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0);
        config.put(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(5));

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(config)
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            try {
                dbms.shutdown();
                System.out.println(PREFIX + " stopped");
            } catch (Throwable t) {
                System.out.println(PREFIX + " stop failed: " + rootMessage(t));
            } finally {
                System.out.flush();
                stopped.countDown();
            }
        }, "aidgraph-neo4j-shutdown"));

        try {
            ensurePassword(dbms, opts.password);
            awaitBolt(opts.host, opts.port, Duration.ofSeconds(60));
        } catch (RuntimeException | InterruptedException e) {
            if (stopping.get()) {
                // SIGTERM arrived while starting: the hook is closing the store, let it finish.
                stopped.await();
                return;
            }
            // Close the store cleanly before main() halts the JVM.
            dbms.shutdown();
            throw e;
        }
        // Exactly one ready line; graph/server.py waits for it (after the password is in place).
        System.out.println(PREFIX + " ready bolt://" + opts.host + ":" + opts.port);
        System.out.flush();
        stopped.await();
    }

    /**
     * Makes {@code neo4j}'s password equal to {@code password} without forcing a change.
     *
     * <p>Fresh data dir: the user still has the default password with "change required", so
     * login fails and we ALTER it. Data dir from an earlier run with the same password: login
     * succeeds and nothing is written. Password changed since: login fails and we ALTER it.
     * Both the check and the ALTER run in-process, before the ready line is printed.
     */
    private static void ensurePassword(DatabaseManagementService dbms, String password) {
        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        AuthManager auth = ((GraphDatabaseAPI) system).getDependencyResolver()
                .resolveDependency(AuthManager.class);
        AuthenticationResult result;
        try {
            result = auth.login(AuthToken.newBasicAuthToken(AuthManager.INITIAL_USER_NAME, password),
                            ClientConnectionInfo.EMBEDDED_CONNECTION)
                    .subject()
                    .getAuthenticationResult();
        } catch (Exception e) {
            throw new IllegalStateException("cannot check the neo4j password: " + e.getMessage(), e);
        }
        if (result == AuthenticationResult.SUCCESS) {
            return;
        }
        // Embedded transactions run with full access, so this admin command needs no login.
        system.executeTransactionally(
                "ALTER USER " + AuthManager.INITIAL_USER_NAME + " SET PASSWORD $pw CHANGE NOT REQUIRED",
                Map.of("pw", password));
    }

    /** Waits until the Bolt port accepts TCP connections (it normally already does after build()). */
    private static void awaitBolt(String host, int port, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 1000);
                return;
            } catch (IOException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("Bolt did not accept connections on " + host + ":" + port, last);
    }

    private static long bytes(String size) {
        return SettingValueParsers.BYTES.parse(size);
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (cause: " + root + ")";
        return msg.replace('\n', ' ');
    }

    /** Command-line options, with environment fallbacks for the sizes. */
    private static final class Options {
        Path dataDir;
        String host = "127.0.0.1";
        int port = 7687;
        String pageCache = env("AIDGRAPH_NEO4J_PAGE_CACHE", "256m");
        String txMemory = env("AIDGRAPH_NEO4J_TX_MEMORY", "256m");
        String password;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String key = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value for " + key);
                }
                String value = args[++i];
                switch (key) {
                    case "--data-dir" -> o.dataDir = Path.of(value);
                    case "--host" -> o.host = value;
                    case "--port" -> o.port = parsePort(value);
                    case "--page-cache" -> o.pageCache = value;
                    case "--tx-memory" -> o.txMemory = value;
                    default -> throw new IllegalArgumentException("unknown option " + key);
                }
            }
            if (o.dataDir == null) {
                throw new IllegalArgumentException("--data-dir is required");
            }
            o.password = System.getenv("NEO4J_PASSWORD");
            if (o.password == null || o.password.isEmpty()) {
                throw new IllegalArgumentException("NEO4J_PASSWORD is not set");
            }
            if (o.password.getBytes(StandardCharsets.UTF_8).length < 8) {
                // Neo4j 5 rejects shorter passwords (dbms.security.auth_minimum_password_length).
                throw new IllegalArgumentException("NEO4J_PASSWORD must be at least 8 characters");
            }
            try {
                bytes(o.pageCache);
                bytes(o.txMemory);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("bad memory size: " + e.getMessage(), e);
            }
            return o;
        }

        private static int parsePort(String value) {
            try {
                int p = Integer.parseInt(value);
                if (p < 1 || p > 65535) {
                    throw new IllegalArgumentException("port out of range: " + value);
                }
                return p;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad port: " + value, e);
            }
        }

        private static String env(String name, String fallback) {
            String v = System.getenv(name);
            return v == null || v.isBlank() ? fallback : v.trim();
        }
    }
}
