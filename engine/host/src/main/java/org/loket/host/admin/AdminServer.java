package org.loket.host.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.loket.core.AgentState;
import org.loket.core.Channel;
import org.loket.core.ContactState;
import org.loket.core.PauseReason;
import org.loket.core.command.CommandType;
import org.loket.core.config.QueueSpec;
import org.loket.core.config.RoutingConfig;
import org.loket.core.decision.RejectReason;
import org.loket.core.routing.RoutingCore;
import org.loket.host.config.ConfigApplier;
import org.loket.host.hours.HoursPublisher;
import org.loket.host.hours.HoursSchedule;
import org.loket.host.pipeline.Engine;
import org.loket.host.security.PlainListeners;
import org.loket.host.security.SecretFiles;
import org.loket.host.security.ServerKeys;
import org.loket.host.security.Tokens;
import org.slf4j.LoggerFactory;

/**
 * The operators' HTTP JSON interface: queues, agents and contacts with their live state, and agent
 * state changes; {@code GET /api/v1/health} for monitors and {@code GET /metrics} (Prometheus text
 * format: the engine's {@link Engine#metrics()}) for scrapes. Every request needs
 * {@code Authorization: Bearer <token>}; the server binds only
 * the address its settings name. Reads run on the core thread between batches ({@link Engine#query});
 * changes are published as ordinary journaled commands.
 *
 * <p>Every contact id in an answer is a JSON string of the id's decimal form ({@code "id"},
 * {@code "contact"}, {@code "runnerUpContact"}), as the chat adapter's APIs write them: work items'
 * ids go beyond 2^53, which JavaScript and jq round to the nearest double, so two contacts would
 * show the same id and the rounded one would not be found. Paths take the same decimal form.
 *
 * <p>Settings ({@code loket run --set}): {@code admin.bind} (host:port, e.g. 127.0.0.1:8181; the
 * server starts only when it is given) and {@code admin.tokenFile} (a file holding a shared token, at
 * least 16 characters; never logged, never on the command line) and/or {@code admin.operatorsFile}
 * (one token per operator, {@code name=token}, so the audit names who changed what), and optionally
 * {@code admin.configRoot}: the folder {@code POST /api/v1/config} may apply configurations from (unset:
 * {@code loket run}'s working folder and its {@code --config} folder, since the loader's messages quote
 * what a file holds), and
 * {@code admin.monitoringTokenFile}: a token that reads {@code GET /metrics} and {@code GET /api/v1/health}
 * only (refused elsewhere with 403), for the scraper and load balancers that must store it. With
 * {@code admin.tls.keystore} (PKCS#12) and {@code admin.tls.keystore-password} it speaks HTTPS only:
 * an address beyond loopback carries the tokens, so it should.
 */
public final class AdminServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern AGENT_STATE = Pattern.compile("/api/v1/agents/([^/]+)/state");
    private static final Pattern QUEUE_CLOSURE = Pattern.compile("/api/v1/queues/([^/]+)/closure");
    private static final long QUERY_TIMEOUT_MS = 5_000;
    private static final long HEALTH_TIMEOUT_MS = 2_000;
    private static final io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter TEXT_FORMAT =
            io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create();

    private final Engine engine;
    private final Path journalFolder;
    /** Follows the business hours of the configuration in force; null when hours are ignored. */
    private final HoursPublisher hours;
    private final ConfigApplier applier;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    /** Per actor (an operator's name, or {@code admin-token} for the shared token), its bearer token. */
    private final Map<String, byte[]> tokens;
    /** The actor of the shared token of {@code admin.tokenFile}: whoever holds it. */
    static final String SHARED_TOKEN_ACTOR = "admin-token";
    /** The actor of {@code admin.monitoringTokenFile}'s token, which reads metrics and health only. */
    static final String MONITORING_ACTOR = "monitoring";
    /** The exchange attribute holding the actor of the request's token. */
    private static final String ACTOR = "loket.actor";
    private final AtomicLong refused = new AtomicLong();

    /** The folders {@code POST /api/v1/config} may read configurations under (real paths); empty: any. */
    private final java.util.List<Path> configRoots;
    /** How the 403 names where configurations may come from: the setting, or what applies without it. */
    private final String configRootsNamed;

    private AdminServer(Engine engine, Path journalFolder, HoursPublisher hours, ConfigApplier applier, Listener listener) {
        Options options = listener.options;
        SSLContext tls = options.tls();
        this.configRoots = options.configRoots();
        String roots = options.configRoots().stream().map(Path::toString).collect(java.util.stream.Collectors.joining(" or "));
        this.configRootsNamed = options.configRootSet() ? "admin.configRoot (" + roots + ")"
                : roots + " (loket run's working folder and --config folder, as admin.configRoot is not set)";
        this.engine = engine;
        this.journalFolder = journalFolder;
        this.hours = hours;
        this.applier = applier;
        this.tokens = options.tokens();
        this.server = listener.server;
        server.setExecutor(threads);
        server.createContext("/api/v1/", this::handle);
        server.createContext("/metrics", this::metrics);
        server.start();
        String plain = PlainListeners.warning(server.getAddress().getAddress(), tls != null, "admin.bind", "admin.tls.keystore");
        if (plain != null) {
            LoggerFactory.getLogger(AdminServer.class).warn(plain);
        }
    }

    /** The settings {@link #startIfConfigured} reads. */
    public static final java.util.Set<String> SETTING_KEYS = java.util.Set.of("admin.bind", "admin.tokenFile", "admin.operatorsFile",
            "admin.monitoringTokenFile", "admin.configRoot", "admin.tls.keystore", "admin.tls.keystore-password");

    /**
     * Starts the server when {@code admin.bind} is set.
     *
     * @param hours follows the business hours of a configuration applied through the API; null when
     *              hours are ignored (a new configuration then leaves every queue open)
     * @return the server, or null when no address is configured
     * @throws IllegalArgumentException for a bad address or a missing or short token
     */
    public static AdminServer startIfConfigured(Engine engine, Path journalFolder, Map<String, String> settings,
                                                HoursPublisher hours) throws IOException {
        return startIfConfigured(engine, journalFolder, settings, hours, new ConfigApplier(engine, hours, null));
    }

    /**
     * Starts the server when {@code admin.bind} is set; configurations posted to it are applied by
     * {@code applier} (share one with the file watcher, so applies are serialised).
     *
     * @param hours the publisher {@code applier} uses, for listing the next hours changes; null when hours are ignored
     */
    public static AdminServer startIfConfigured(Engine engine, Path journalFolder, Map<String, String> settings,
                                                HoursPublisher hours, ConfigApplier applier) throws IOException {
        Options options = Options.from(settings, java.util.List.of());
        return options == null ? null : start(engine, journalFolder, hours, applier, options);
    }

    /** Starts the server with options read before ({@link Options#from}): binds, then serves. */
    public static AdminServer start(Engine engine, Path journalFolder, HoursPublisher hours, ConfigApplier applier, Options options)
            throws IOException {
        return start(engine, journalFolder, hours, applier, bind(options));
    }

    /** Serves on a socket bound before ({@link #bind}); connections made since wait in its backlog. */
    public static AdminServer start(Engine engine, Path journalFolder, HoursPublisher hours, ConfigApplier applier, Listener listener) {
        return new AdminServer(engine, journalFolder, hours, applier, listener);
    }

    /**
     * Binds the admin API's address and serves nothing yet: {@code loket run} binds before it
     * publishes anything, so an address in use refuses the start with nothing journaled.
     *
     * @throws IOException naming {@code admin.bind} when the address cannot be bound (in use)
     */
    public static Listener bind(Options options) throws IOException {
        InetSocketAddress bind = options.bind();
        try {
            if (options.tls() == null) {
                return new Listener(HttpServer.create(bind, 64), options);
            }
            HttpsServer https = HttpsServer.create(bind, 64);
            https.setHttpsConfigurator(new HttpsConfigurator(options.tls()));
            return new Listener(https, options);
        } catch (java.net.BindException e) {
            throw new IOException("admin.bind " + bind.getHostString() + ":" + bind.getPort() + ": "
                    + e.getMessage() + " (another Loket, or another program, listens there)", e);
        }
    }

    /** The admin API's bound socket, not served yet ({@link #bind}); {@link #close} frees it when the start goes no further. */
    public static final class Listener implements AutoCloseable {
        private final HttpServer server;
        private final Options options;

        private Listener(HttpServer server, Options options) {
            this.server = server;
            this.options = options;
        }

        /** Frees the address; not for a listener that {@link AdminServer#start} serves (close that server instead). */
        @Override
        public void close() {
            server.stop(0);
        }
    }

    /**
     * The admin API's settings, read and checked before anything starts, so that a mistake in them
     * stops {@code loket run} before a configuration is journaled.
     *
     * @param bind        where to listen ({@code admin.bind})
     * @param tokens      bearer tokens by actor
     * @param tls         HTTPS, or null for plain HTTP
     * @param configRoots the folders {@code POST /api/v1/config} may read under (real paths); empty: any
     * @param configRootSet whether they are {@code admin.configRoot}'s, not {@code loket run}'s defaults (for the 403's words)
     */
    public record Options(InetSocketAddress bind, Map<String, byte[]> tokens, SSLContext tls, java.util.List<Path> configRoots,
                          boolean configRootSet) {
        /**
         * @param defaultRoots the folders configurations may be applied from when {@code admin.configRoot}
         *                     is not set ({@code loket run}: its working folder and its {@code --config}); empty: any
         * @return null when {@code admin.bind} is not set (no server)
         * @throws IllegalArgumentException naming the setting that is wrong
         */
        public static Options from(Map<String, String> settings, java.util.List<Path> defaultRoots) throws IOException {
            String bind = settings.get("admin.bind");
            if (bind == null || bind.isBlank()) {
                return null;
            }
            int colon = bind.lastIndexOf(':');
            int port = -1;
            try {
                port = colon <= 0 ? -1 : Integer.parseInt(bind.substring(colon + 1));
            } catch (NumberFormatException e) {
                // said below
            }
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("admin.bind must be host:port with a port of 0-65535, not '" + bind + "'");
            }
            Map<String, byte[]> tokens = AdminServer.tokens(settings.get("admin.tokenFile"), settings.get("admin.operatorsFile"),
                    settings.get("admin.monitoringTokenFile"));
            String keyStore = settings.get("admin.tls.keystore");
            SSLContext tls = keyStore == null || keyStore.isBlank() ? null
                    : ServerKeys.context(Path.of(keyStore), settings.getOrDefault("admin.tls.keystore-password", ""), "admin.tls.keystore");
            String root = settings.get("admin.configRoot");
            java.util.List<Path> roots = new java.util.ArrayList<>();
            boolean rootSet = root != null && !root.isBlank();
            if (rootSet) {
                roots.add(configRoot(root));
            } else {
                for (Path folder : defaultRoots) {
                    try {
                        roots.add(folder.toRealPath());
                    } catch (IOException e) {
                        // not there (yet): nothing can be read from it
                    }
                }
            }
            return new Options(new InetSocketAddress(bind.substring(0, colon), port), tokens, tls, java.util.List.copyOf(roots), rootSet);
        }
    }

    /** {@code admin.configRoot} as a real path. */
    private static Path configRoot(String given) {
        try {
            return Path.of(given).toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("admin.configRoot=" + given + ": no such folder (the folder configurations are applied from)");
        }
    }

    /** Whether {@code folder} lies under one of {@link #configRoots} (symbolic links followed), or no root is set. */
    private boolean underConfigRoot(Path folder) {
        if (configRoots.isEmpty()) {
            return true;
        }
        Path real;
        try {
            real = folder.toRealPath();
        } catch (IOException e) {
            real = folder.toAbsolutePath().normalize(); // missing: the applier says so, if it is inside
        }
        for (Path root : configRoots) {
            if (real.startsWith(root)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The bearer tokens: the shared one of {@code tokenFile} (actor {@value #SHARED_TOKEN_ACTOR}) and/or
     * one per operator from {@code operatorsFile} (a properties file, {@code name=token}), so the audit
     * names who made each change. At least one; each at least 16 characters; no two alike.
     */
    private static Map<String, byte[]> tokens(String tokenFile, String operatorsFile, String monitoringTokenFile) throws IOException {
        if (tokenFile == null && operatorsFile == null) {
            throw new IllegalArgumentException("admin.bind is set but neither admin.tokenFile nor admin.operatorsFile is: "
                    + "the admin API never runs without a token");
        }
        Map<String, String> given = new java.util.LinkedHashMap<>();
        if (tokenFile != null) {
            given.put(SHARED_TOKEN_ACTOR, SecretFiles.read(Path.of(tokenFile), "admin.tokenFile"));
        }
        if (operatorsFile != null) {
            Map<String, String> operators = SecretFiles.nameValueLines(Path.of(operatorsFile), "admin.operatorsFile");
            if (operators.isEmpty()) {
                throw new IllegalArgumentException("admin.operatorsFile " + operatorsFile + " names no operator (lines name=token)");
            }
            for (String name : new java.util.TreeSet<>(operators.keySet())) {
                if (name.equals(SHARED_TOKEN_ACTOR) || name.equals(MONITORING_ACTOR)) {
                    throw new IllegalArgumentException("admin.operatorsFile " + operatorsFile + ": '" + name + "' names the token of "
                            + (name.equals(SHARED_TOKEN_ACTOR) ? "admin.tokenFile" : "admin.monitoringTokenFile") + "; choose another name");
                }
                given.put(name, operators.get(name));
            }
        }
        if (monitoringTokenFile != null) {
            given.put(MONITORING_ACTOR, SecretFiles.read(Path.of(monitoringTokenFile), "admin.monitoringTokenFile"));
        }
        Map<String, byte[]> tokens = new java.util.LinkedHashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        given.forEach((actor, token) -> {
            String where = switch (actor) {
                case SHARED_TOKEN_ACTOR -> "the token in admin.tokenFile";
                case MONITORING_ACTOR -> "the token in admin.monitoringTokenFile";
                default -> "operator '" + actor + "' in admin.operatorsFile";
            };
            Tokens.requireLongEnough(token, where);
            if (!seen.add(token)) {
                throw new IllegalArgumentException(where + " has the same token as another: each must tell who it is");
            }
            tokens.put(actor, token.getBytes(StandardCharsets.UTF_8));
        });
        return Map.copyOf(tokens);
    }

    /** The bound address (the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** {@code https} with {@code admin.tls.keystore}, else {@code http}. */
    public String scheme() {
        return server instanceof HttpsServer ? "https" : "http";
    }

    /** Requests refused for a missing or wrong token. */
    public long refused() {
        return refused.get();
    }

    /**
     * {@code GET /metrics}: every figure of {@link Engine#metrics()} in Prometheus' text format
     * (version 0.0.4), for a scrape with the same bearer token as the API.
     */
    private void metrics(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!authorisedOrRefused(exchange, true)) {
                return;
            }
            if (!exchange.getRequestMethod().equals("GET") || !exchange.getRequestURI().getPath().equals("/metrics")) {
                reply(exchange, 404, error("no such resource; the metrics are at GET /metrics"));
                return;
            }
            var body = new java.io.ByteArrayOutputStream(16 * 1024);
            TEXT_FORMAT.write(body, engine.metrics().scrape(), io.prometheus.metrics.config.EscapingScheme.DEFAULT);
            exchange.getResponseHeaders().set("Content-Type", TEXT_FORMAT.getContentType());
            exchange.sendResponseHeaders(200, body.size());
            body.writeTo(exchange.getResponseBody());
        }
    }

    /**
     * Whether the request carries a token that may do it; if not, answers 401 (no token, or one
     * this server does not know: each said as such) or 403 (the monitoring token beyond metrics and health) and counts it. The actor it
     * names is kept on the exchange for {@link #audit}.
     *
     * @param monitoring whether the request only reads metrics or health, which the monitoring token may
     */
    private boolean authorisedOrRefused(HttpExchange exchange, boolean monitoring) throws IOException {
        String actor = actorOf(exchange.getRequestHeaders().getFirst("Authorization"));
        if (actor != null && (monitoring || !actor.equals(MONITORING_ACTOR))) {
            exchange.setAttribute(ACTOR, actor);
            return true;
        }
        refused.incrementAndGet();
        if (actor != null) {
            reply(exchange, 403, error("the monitoring token reads GET /metrics and GET /api/v1/health only"));
            return false;
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer");
            reply(exchange, 401, error("a bearer token is required (Authorization: Bearer TOKEN)"));
        } else {
            // RFC 6750's invalid_token: the caller sent one, so "required" would send them looking for the wrong fault.
            exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            reply(exchange, 401, error("the bearer token is not one of this server's tokens (admin.tokenFile, admin.operatorsFile, "
                    + "admin.monitoringTokenFile)"));
        }
        return false;
    }

    /**
     * {@code GET /api/v1/health}: 200 {@code {"status":"up",...}} while the engine routes and its
     * core answers within {@link #HEALTH_TIMEOUT_MS}; 503 {@code "halted"} after a failure (restart
     * to recover from the journal), with the failure's messages as {@code reason} (what
     * {@code loket run}'s last line says), or {@code "unresponsive"}.
     */
    private void health(HttpExchange exchange) throws IOException {
        String halted = engine.failureReason();
        if (halted != null) {
            reply(exchange, 503, JSON.createObjectNode().put("status", "halted")
                    .put("message", "the engine halted after a failure; restart to recover from the journal").put("reason", halted));
            return;
        }
        try {
            ObjectNode state = engine.query(core -> JSON.createObjectNode().put("status", "up")
                    .put("configVersion", core.config() == null ? -1 : core.config().version())
                    .put("lastSequence", core.lastSequence()).put("liveContacts", core.liveContacts()))
                    .get(HEALTH_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            reply(exchange, 200, state.put("journaledSequence", engine.egressedSequence()));
        } catch (java.util.concurrent.TimeoutException e) {
            reply(exchange, 503, JSON.createObjectNode().put("status", "unresponsive")
                    .put("message", "the core did not answer within " + HEALTH_TIMEOUT_MS + " ms"));
        } catch (Exception e) {
            reply(exchange, 503, JSON.createObjectNode().put("status", "unresponsive").put("message", e.toString()));
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            boolean health = method.equals("GET") && path.equals("/api/v1/health");
            if (!authorisedOrRefused(exchange, health)) {
                return;
            }
            if (health) {
                health(exchange);
                return;
            }
            if (engine.query(core -> core.config() == null).get(QUERY_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                reply(exchange, 503, error("the engine has no configuration yet; try again in a moment"));
                return;
            }
            Matcher agentState = AGENT_STATE.matcher(path);
            Matcher closure = QUEUE_CLOSURE.matcher(path);
            if (method.equals("GET") && path.equals("/api/v1/queues")) {
                var next = hours == null ? Map.<Integer, HoursSchedule.Transition>of() : hours.nextTransitions();
                reply(exchange, 200, engine.query(core -> queues(core, next)).get(QUERY_TIMEOUT_MS, TimeUnit.MILLISECONDS));
            } else if (method.equals("GET") && path.equals("/api/v1/agents")) {
                reply(exchange, 200, engine.query(AdminServer::agents).get(QUERY_TIMEOUT_MS, TimeUnit.MILLISECONDS));
            } else if (method.equals("GET") && path.equals("/api/v1/contacts")) {
                reply(exchange, 200, engine.query(AdminServer::contacts).get(QUERY_TIMEOUT_MS, TimeUnit.MILLISECONDS));
            } else if (method.equals("POST") && agentState.matches()) {
                changeAgentState(exchange, agentState.group(1));
            } else if (method.equals("GET") && path.startsWith("/api/v1/contacts/") && path.endsWith("/explain")) {
                explain(exchange, path.substring("/api/v1/contacts/".length(), path.length() - "/explain".length()));
            } else if (method.equals("POST") && path.equals("/api/v1/config")) {
                applyConfig(exchange);
            } else if ((method.equals("PUT") || method.equals("DELETE")) && closure.matches()) {
                setClosure(exchange, closure.group(1), method.equals("PUT"));
            } else if (path.equals("/api/v1/announcement") && List.of("GET", "PUT", "DELETE").contains(method)) {
                announcement(exchange, method);
            } else {
                reply(exchange, 404, error("no such resource: " + method + " " + path
                        + "; see GET /api/v1/queues, /api/v1/agents, /api/v1/contacts, /api/v1/contacts/{id}/explain, "
                        + "POST /api/v1/agents/{name}/state, /api/v1/config, PUT|DELETE /api/v1/queues/{name|*}/closure, "
                        + "GET|PUT|DELETE /api/v1/announcement, GET /api/v1/health, GET /metrics"));
            }
        } catch (java.util.concurrent.TimeoutException e) {
            reply(exchange, 503, error("the engine did not answer within " + QUERY_TIMEOUT_MS + " ms"));
        } catch (Exception e) {
            reply(exchange, 500, error(e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }

    /** Who the bearer token of {@code header} belongs to, or null. Every token is compared, in constant time each. */
    private String actorOf(String header) {
        if (header == null || !header.startsWith("Bearer ")) {
            return null;
        }
        byte[] given = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        String actor = null;
        for (Map.Entry<String, byte[]> t : tokens.entrySet()) {
            if (MessageDigest.isEqual(t.getValue(), given)) {
                actor = t.getKey();
            }
        }
        return actor;
    }

    /**
     * A pause reason given as its code, or as a name of the configuration in force (read from the
     * core); 0 when none is given, -1 for an unknown name.
     */
    /**
     * A pause reason of the configuration in force, by name or by its code; none given is
     * {@code UNSPECIFIED}. Loket's own codes ({@code no-answer}, {@code logout-pending},
     * {@code phone-in-use}) are not the operator's to give: they mean just that on
     * the wallboard, in metrics and reports.
     *
     * @return the code, or -1 when it is not one of the configuration's pause reasons
     */
    private int reasonCode(JsonNode reason) throws Exception {
        if (reason.isMissingNode() || reason.isNull()) {
            return org.loket.core.PauseReason.UNSPECIFIED;
        }
        if (reason.isIntegralNumber()) {
            int code = reason.asInt();
            return engine.query(core -> code == org.loket.core.PauseReason.UNSPECIFIED
                    || code >= org.loket.core.PauseReason.FIRST_OPERATOR_CODE && !core.config().pauseReasonName(code).isEmpty() ? code : -1)
                    .get(QUERY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        if (!reason.isTextual()) {
            return -1;
        }
        String name = reason.asText();
        return engine.query(core -> core.config().pauseReasonCode(name)).get(QUERY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    private void changeAgentState(HttpExchange exchange, String name) throws Exception {
        JsonNode body = body(exchange);
        if (body == null || !body.isObject()) {
            reply(exchange, 400, error("the body must be JSON: {\"state\": \"ready\" | \"paused\" | \"logged-out\", \"reason\": \"break\"}"));
            return;
        }
        String stateName = !body.has("state") ? "" : body.get("state").asText().toLowerCase(Locale.ROOT);
        AgentState state = switch (stateName) {
            case "ready" -> AgentState.READY;
            case "paused" -> AgentState.PAUSED;
            case "logged-out" -> AgentState.LOGGED_OUT;
            default -> null;
        };
        if (state == null) {
            reply(exchange, 400, error("state must be ready, paused or logged-out, not '" + stateName + "'"));
            return;
        }
        int reason = reasonCode(body.path("reason"));
        if (reason < 0) {
            List<String> valid = engine.query(core -> core.config().pauseReasons()).get(QUERY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            reply(exchange, 400, error("reason '" + body.path("reason").asText() + "' is not a pause reason of the configuration in force"
                    + "; valid: " + valid));
            return;
        }
        AgentNow before = engine.query(core -> AgentNow.of(core, core.config().agentIndex(name))).get(QUERY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        int agent = before.id();
        if (agent < 0) {
            reply(exchange, 404, error("no agent named '" + name + "'"));
            return;
        }
        String detail = stateName + (state == AgentState.PAUSED ? " " + body.path("reason").asText("") : "");
        boolean published = engine.tryPublish((command, unused) -> {
            command.type = CommandType.AGENT_STATE_CHANGED;
            command.agentId = agent;
            command.agentState = state.code();
            command.reason = reason;
        }, null);
        if (!published) {
            reply(exchange, 503, error("the engine's ring is full; try again"));
            return;
        }
        // A query sees every command published before it: the answer is the core's verdict on this one.
        AgentNow after = engine.query(core -> AgentNow.of(core, agent).withRow(agentRow(core, agent, JSON.createObjectNode())))
                .get(QUERY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        if (after.illegalTransitions() > before.illegalTransitions() && after.presence() == AgentState.LOGGED_OUT) {
            // Journaled and refused by the core (ILLEGAL_TRANSITION), as any input is: only the agent logs itself in.
            audit(exchange, "agent-state", name, detail + " refused: logged out");
            reply(exchange, 409, error("agent '" + name + "' is logged out: it logs in at its desktop or phone, then it can be made "
                    + stateName + "; nothing changed"));
            return;
        }
        audit(exchange, "agent-state", name, detail);
        ObjectNode answer = after.row().put("requested", stateName);
        if (after.pauseReason() == PauseReason.LOGOUT_PENDING && state == AgentState.LOGGED_OUT) {
            // The core paused it (nothing new) and logs it out after the last: accepted, not done.
            answer.put("pending", "holds " + after.contacts() + " contact" + (after.contacts() == 1 ? "" : "s")
                    + ": paused now, logged out when they are done");
            reply(exchange, 202, answer);
            return;
        }
        reply(exchange, 200, answer);
    }

    /**
     * An agent as the core has it now: its index (-1 unknown), the contacts it holds, its presence
     * and pause reason, and the core's count of refused transitions (of any agent), whose growth
     * across a published change tells that the change was refused; with {@link #withRow} also its
     * row as {@code GET /api/v1/agents} lists it (null otherwise), read in the same look.
     */
    private record AgentNow(int id, int contacts, AgentState presence, int pauseReason, long illegalTransitions, ObjectNode row) {
        static AgentNow of(RoutingCore core, int agent) {
            long refused = core.rejected(RejectReason.ILLEGAL_TRANSITION);
            if (agent < 0) {
                return new AgentNow(agent, 0, AgentState.LOGGED_OUT, 0, refused, null);
            }
            int held = 0;
            for (Channel channel : Channel.values()) {
                held += core.agentLoad(agent, channel);
            }
            return new AgentNow(agent, held, core.agentPresence(agent), core.agentPauseReason(agent), refused, null);
        }

        AgentNow withRow(ObjectNode agentRow) {
            return new AgentNow(id, contacts, presence, pauseReason, illegalTransitions, agentRow);
        }
    }

    /**
     * Why a contact went where it went: every offer the decision journal holds for it, with the
     * rule, the candidates considered, the score and the runner-up. Reads the decision journal's
     * days back from today to the contact's first ({@link #story}; an operator's question, not
     * the hot path).
     */
    private void explain(HttpExchange exchange, String idText) throws Exception {
        long contactId;
        try {
            contactId = Long.parseLong(idText);
        } catch (NumberFormatException e) {
            reply(exchange, 400, error("a contact id is a number, not '" + idText + "'"));
            return;
        }
        if (contactId < 0) { // -1 is the journal's "no contact": decisions about agents and configurations carry it
            reply(exchange, 400, error("a contact id is 0 or more, not " + contactId));
            return;
        }
        RoutingConfig config = engine.query(RoutingCore::config).get(QUERY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        ObjectNode answer = explain(journalFolder, config, contactId);
        if (answer == null) {
            reply(exchange, 404, error("the journal holds no routing decision for contact " + contactId));
            return;
        }
        reply(exchange, 200, answer);
    }

    /**
     * A contact's decisions in journal order, and the sequences of the configurations applied in the
     * days read (from the story's first day to now): a configuration applied after the story began
     * may have moved the ids its decisions name. The decision journal's day files are read newest
     * first, back to the first older day without a decision about it: a contact's story spans a day
     * or two, and the journal may keep a year. (A story with a day without any decision in between,
     * a callback two days later, shows from that gap on; an id the journal does not hold reads every day.)
     */
    record Story(java.util.List<org.loket.core.decision.Decision> decisions, java.util.List<Long> configurationsApplied) {
        /** Whether a configuration came into force after the command of the story's first decision. */
        boolean reloadedSince() {
            return !decisions.isEmpty() && configurationsApplied.stream().anyMatch(s -> s > decisions.getFirst().causeSequence);
        }
    }

    static Story story(Path journalFolder, long contactId) {
        java.util.ArrayDeque<java.util.List<org.loket.core.decision.Decision>> days = new java.util.ArrayDeque<>();
        java.util.ArrayDeque<java.util.List<Long>> applied = new java.util.ArrayDeque<>();
        try (org.loket.host.journal.Journal journal = org.loket.host.journal.Journal.openExisting(journalFolder)) {
            var dayFiles = journal.decisionDays();
            for (int i = dayFiles.size() - 1; i >= 0; i--) {
                java.time.LocalDate day = dayFiles.get(i).day();
                java.util.List<org.loket.core.decision.Decision> ofDay = new java.util.ArrayList<>();
                java.util.List<Long> appliedOfDay = new java.util.ArrayList<>();
                try (var reader = journal.decisionReader(day, day.plusDays(1))) {
                    while (reader.next()) {
                        for (int d = 0; d < reader.count(); d++) {
                            var decision = reader.decision(d);
                            if (decision.contactId == contactId) {
                                ofDay.add(new org.loket.core.decision.Decision().copyFrom(decision));
                            } else if (decision.type == org.loket.core.decision.DecisionType.CONFIGURATION_APPLIED) {
                                appliedOfDay.add(decision.causeSequence);
                            }
                        }
                    }
                }
                if (ofDay.isEmpty() && !days.isEmpty()) {
                    break;
                }
                applied.addFirst(appliedOfDay);
                if (!ofDay.isEmpty()) {
                    days.addFirst(ofDay);
                }
            }
        }
        java.util.List<org.loket.core.decision.Decision> story = new java.util.ArrayList<>();
        days.forEach(story::addAll);
        java.util.List<Long> configurations = new java.util.ArrayList<>();
        applied.forEach(configurations::addAll);
        return new Story(story, configurations);
    }

    /**
     * The configuration each decision of a story was made under: by the applied configurations'
     * sequences, read from the command journal from the newest snapshot before the story's first
     * decision on ({@link org.loket.host.kpi.JournalKpis#forEach}, which starts with the configuration
     * in force there). Only asked when a configuration was applied after the story began.
     */
    private static java.util.TreeMap<Long, RoutingConfig> configurationsSince(Path journalFolder, long fromNs) {
        java.util.TreeMap<Long, RoutingConfig> bySequence = new java.util.TreeMap<>();
        java.time.Instant from = java.time.Instant.ofEpochSecond(0, fromNs);
        org.loket.host.kpi.JournalKpis.forEach(journalFolder, from, Long.MAX_VALUE, (command, decisions, count) -> {
            if (command.type == org.loket.core.command.CommandType.CONFIG_APPLIED && command.payload != null
                    && !org.loket.core.decision.Decision.refused(decisions, count)) {
                bySequence.put(command.sequence, org.loket.core.config.RoutingConfigCodec.decode(command.payload));
            }
        });
        return bySequence;
    }

    /**
     * The story of one contact from the decision journal: every offer (rule, candidates, score,
     * runner-up, escalation steps passed) and every other decision about it, escalation steps
     * with their number, action and queue. Names come from {@code config}.
     *
     * @return null when the journal holds no decision about the contact
     */
    static ObjectNode explain(Path journalFolder, RoutingConfig inForce, long contactId) {
        ArrayNode offers = JSON.createArrayNode();
        ArrayNode outcome = JSON.createArrayNode();
        int queue = -1; // where the contact waits, to name the queue an escalation step belongs to
        Story story = story(journalFolder, contactId);
        // A reload since the story began may have moved every id: then each decision is named by the
        // configuration it was made under. Otherwise (nearly always) the one in force now is that one.
        java.util.TreeMap<Long, RoutingConfig> configurations = story.reloadedSince()
                ? configurationsSince(journalFolder, story.decisions().getFirst().timestampNs) : null;
        for (org.loket.core.decision.Decision d : story.decisions()) {
            var made = configurations == null ? null : configurations.floorEntry(d.causeSequence);
            RoutingConfig config = made == null ? inForce : made.getValue();
            if (d.type == org.loket.core.decision.DecisionType.OFFER_CONTACT) {
                ObjectNode o = offers.addObject().put("time", readableTime(d.timestampNs, config)).put("timestampNs", d.timestampNs)
                        .put("agent", config.agents().get(d.agentId).name())
                        .put("queue", config.queues().get(d.queueId).name())
                        .put("rule", org.loket.core.decision.OfferReason.name(d.reason))
                        .put("candidates", d.candidates).put("priority", d.priority)
                        .put("escalationStepsPassed", Math.max(0, d.nodeId));
                if (org.loket.core.decision.OfferReason.choseAgent(d.reason)) {
                    o.put("chosenIdleSinceNs", d.score);
                    if (d.runnerUp >= 0) {
                        o.put("runnerUpAgent", config.agents().get((int) d.runnerUp).name());
                    }
                } else if (d.reason == org.loket.core.decision.OfferReason.BEST_WAITING_CONTACT) {
                    o.put("effectivePriorityThousandths", d.score);
                    if (d.runnerUp >= 0) {
                        o.put("runnerUpContact", Long.toString(d.runnerUp));
                    }
                }
            } else if (d.type != org.loket.core.decision.DecisionType.PLAY_PROMPT) {
                ObjectNode o = outcome.addObject().put("time", readableTime(d.timestampNs, config)).put("timestampNs", d.timestampNs)
                        .put("decision", lower(d.type.name()))
                        .put("queue", d.queueId >= 0 && d.queueId < config.queues().size() ? config.queues().get(d.queueId).name() : null)
                        .put("agent", d.agentId >= 0 && d.agentId < config.agents().size()
                                ? config.agents().get(d.agentId).name() : null);
                if (d.type == org.loket.core.decision.DecisionType.ESCALATE) {
                    describeStep(o, config, queue >= 0 ? queue : d.queueId, d);
                } else if (d.type == org.loket.core.decision.DecisionType.END_CONTACT) {
                    o.put("outcome", org.loket.core.decision.Outcome.name(d.outcome));
                }
            }
            if (d.queueId >= 0 && d.type != org.loket.core.decision.DecisionType.PLAY_PROMPT) {
                queue = d.queueId;
            }
        }
        if (offers.isEmpty() && outcome.isEmpty()) {
            return null;
        }
        ObjectNode answer = JSON.createObjectNode().put("contact", Long.toString(contactId));
        answer.set("offers", offers);
        answer.set("decisions", outcome);
        return answer;
    }

    /** A decision's time as the helpdesk reads it: ISO-8601 with offset, to the millisecond, in the configuration's {@code hours.zone}. */
    static String readableTime(long epochNs, RoutingConfig config) {
        java.time.ZoneId zone;
        try {
            zone = java.time.ZoneId.of(config.workingDays().zone());
        } catch (java.time.DateTimeException e) {
            zone = java.time.ZoneOffset.UTC;
        }
        return java.time.OffsetDateTime.ofInstant(java.time.Instant.ofEpochSecond(0, epochNs), zone)
                .truncatedTo(java.time.temporal.ChronoUnit.MILLIS).format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    /**
     * Names the escalation step of an {@code ESCALATE} decision: its number in the queue's
     * {@code escalation} list (0-based, as in {@code queues[i].escalation[step]}), action, time and
     * what it did. {@code stepQueue} is the queue whose step it is (for an overflow, the one left).
     */
    private static void describeStep(ObjectNode o, RoutingConfig config, int stepQueue, org.loket.core.decision.Decision d) {
        org.loket.core.config.EscalationStep.Action action = org.loket.core.config.EscalationStep.Action.ofCode(d.reason);
        o.put("step", d.nodeId).put("action", action == null ? "action#" + d.reason : lower(action.name()));
        if (stepQueue < 0 || stepQueue >= config.queues().size()) {
            return;
        }
        QueueSpec spec = config.queues().get(stepQueue);
        o.put("stepOfQueue", spec.name());
        if (d.nodeId < 0 || d.nodeId >= spec.steps().size()) {
            return;
        }
        org.loket.core.config.EscalationStep step = spec.steps().get(d.nodeId);
        o.put("afterSeconds", step.afterMs() / 1000.0);
        switch (step.action()) {
            case WIDEN -> o.put("widen", step.widen().describe(config.skills()));
            case OVERFLOW -> o.put("overflowTo", config.queues().get(step.overflowQueueId()).name());
            case CLOSE -> o.put("closePrompt", config.prompts().get(step.promptId()));
            case OFFER_CALLBACK -> { }
        }
    }

    /**
     * Validates a configuration folder on this machine and, when valid, of a higher version and the
     * live state fits it, applies it during traffic through the {@link ConfigApplier}: 200 applied (or
     * already running), 422 not valid (every problem), 409 blocked by the live state or a version not
     * above the running one, 503 busy.
     */
    private void applyConfig(HttpExchange exchange) throws Exception {
        JsonNode body = body(exchange);
        if (body == null || !body.has("folder")) {
            reply(exchange, 400, error("the body must be JSON: {\"folder\": \"/path/to/config\"}"));
            return;
        }
        Path folder = Path.of(body.get("folder").asText());
        if (!underConfigRoot(folder)) {
            // The loader's messages quote the values they found: only configuration folders may be read.
            audit(exchange, "config-apply", folder.toString(), "refused: outside admin.configRoot");
            reply(exchange, 403, error("the folder must be inside " + configRootsNamed));
            return;
        }
        if (java.nio.file.Files.isRegularFile(folder)) {
            // The loader would read a single file too, and quote its lines in its messages: a folder only.
            audit(exchange, "config-apply", folder.toString(), "refused: a file rather than a folder");
            reply(exchange, 400, error(folder + " is a file: give the configuration's folder"));
            return;
        }
        ConfigApplier.Outcome outcome = applier.apply(folder);
        audit(exchange, "config-apply", folder.toString(), outcome.auditDetail());
        switch (outcome.kind()) {
            case APPLIED, UNCHANGED -> {
                ObjectNode answer = JSON.createObjectNode().put("applied", folder.toString()).put("version", outcome.version());
                if (outcome.kind() == ConfigApplier.Kind.UNCHANGED) {
                    answer.put("unchanged", true);
                }
                if (!outcome.problems().isEmpty()) {
                    ArrayNode warnings = answer.putArray("warnings");
                    outcome.problems().forEach(warnings::add);
                }
                reply(exchange, 200, answer);
            }
            case INVALID -> {
                ObjectNode refusedAnswer = error(outcome.message());
                ArrayNode problems = refusedAnswer.putArray("problems");
                outcome.problems().forEach(problems::add);
                reply(exchange, 422, refusedAnswer);
            }
            case STALE_VERSION, BLOCKED -> reply(exchange, 409, error(outcome.message()));
            case BUSY -> reply(exchange, 503, error(outcome.message()));
        }
    }

    /**
     * Emergency closure of a queue ({@code *} = every queue): PUT with {@code {"prompt": "key"}}
     * closes it with that message, DELETE opens it again. A journaled command; contacts already
     * waiting keep their place.
     */
    private void setClosure(HttpExchange exchange, String queueName, boolean close) throws Exception {
        String promptKey = close ? promptKey(exchange) : null;
        if (close && promptKey == null) {
            return;
        }
        RoutingConfig config = engine.query(RoutingCore::config).get(QUERY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        int queue = queueName.equals("*") ? -1 : config.queues().stream().map(QueueSpec::name).toList().indexOf(queueName);
        if (queue < 0 && !queueName.equals("*")) {
            reply(exchange, 404, error("no queue named '" + queueName + "'"));
            return;
        }
        int prompt = close ? promptId(exchange, config, promptKey) : -1;
        if (close && prompt < 0) {
            return;
        }
        int queueId = queue;
        if (!engine.tryPublish((command, unused) -> {
            command.type = CommandType.QUEUE_CLOSURE_SET;
            command.queueId = queueId;
            command.input = prompt;
        }, null)) {
            reply(exchange, 503, error("the engine's ring is full; try again"));
            return;
        }
        audit(exchange, close ? "closure-set" : "closure-cleared", queueName, close ? promptKey : "");
        reply(exchange, 202, JSON.createObjectNode().put("queue", queueName).put("closed", close).put("prompt", promptKey));
    }

    /**
     * The service announcement ({@code ANNOUNCEMENT_SET}): PUT with {@code {"prompt": "key"}} has every
     * call and chat that arrives from now hear or read that prompt first, DELETE clears it, GET says
     * which prompt is set ({@code null}: none). A journaled command, so replays and reports know it.
     */
    private void announcement(HttpExchange exchange, String method) throws Exception {
        if (method.equals("GET")) {
            String set = engine.query(core -> core.announcementPrompt() < 0 ? null : core.config().prompts().get(core.announcementPrompt()))
                    .get(QUERY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            reply(exchange, 200, JSON.createObjectNode().put("prompt", set));
            return;
        }
        boolean set = method.equals("PUT");
        String promptKey = set ? promptKey(exchange) : null;
        if (set && promptKey == null) {
            return;
        }
        int prompt = set ? promptId(exchange, engine.query(RoutingCore::config).get(QUERY_TIMEOUT_MS, TimeUnit.MILLISECONDS), promptKey) : -1;
        if (set && prompt < 0) {
            return;
        }
        if (!engine.tryPublish((command, unused) -> {
            command.type = CommandType.ANNOUNCEMENT_SET;
            command.input = prompt;
        }, null)) {
            reply(exchange, 503, error("the engine's ring is full; try again"));
            return;
        }
        audit(exchange, set ? "announcement-set" : "announcement-cleared", set ? promptKey : "", "");
        reply(exchange, 202, JSON.createObjectNode().put("prompt", promptKey));
    }

    /**
     * Records an accepted change in the operators' audit, with the actor its token names: an
     * operator of {@code admin.operatorsFile}, or {@value #SHARED_TOKEN_ACTOR} (whoever holds the shared one).
     */
    private void audit(HttpExchange exchange, String action, String target, String detail) {
        engine.audit().record("admin-api", String.valueOf(exchange.getAttribute(ACTOR)), action, target, detail);
    }

    /** The body's {@code prompt}, or null after a 400 reply saying what the body must be. */
    private String promptKey(HttpExchange exchange) throws Exception {
        JsonNode body = body(exchange);
        String key = body == null || !body.has("prompt") ? null : body.get("prompt").asText();
        if (key == null) {
            reply(exchange, 400, error("the body must be JSON: {\"prompt\": \"a prompt key of the configuration\"}"));
        }
        return key;
    }

    /** The prompt's id in {@code config}, or -1 after a 400 reply listing the valid keys. */
    private int promptId(HttpExchange exchange, RoutingConfig config, String key) throws Exception {
        int prompt = config.prompts().indexOf(key);
        if (prompt < 0) {
            reply(exchange, 400, error("no prompt '" + key + "'; valid: " + config.prompts()));
        }
        return prompt;
    }

    /**
     * Every queue: waiting contacts, whether it is open, an emergency closure's prompt
     * ({@code closedWith}), whether its business hours close it and with which prompt
     * ({@code closedByHours}, {@code hoursPrompt}), and when its hours next open or close it
     * ({@code hoursChangeAt}, ISO-8601 in UTC).
     *
     * @param next per queue, its next hours transition (empty when hours are ignored)
     */
    static ArrayNode queues(RoutingCore core, Map<Integer, HoursSchedule.Transition> next) {
        ArrayNode list = JSON.createArrayNode();
        RoutingConfig config = core.config();
        for (int q = 0; q < config.queues().size(); q++) {
            QueueSpec queue = config.queues().get(q);
            ObjectNode row = list.addObject().put("name", queue.name()).put("channel", lower(queue.channel().name()))
                    .put("requires", queue.requirement().describe(config.skills())).put("waiting", core.waitingCount(q))
                    .put("open", core.queueClosurePrompt(q) < 0 && core.queueHoursPrompt(q) < 0);
            if (core.queueClosurePrompt(q) >= 0) {
                row.put("closedWith", config.prompts().get(core.queueClosurePrompt(q)));
            }
            row.put("closedByHours", core.queueHoursPrompt(q) >= 0);
            if (core.queueHoursPrompt(q) >= 0) {
                row.put("hoursPrompt", config.prompts().get(core.queueHoursPrompt(q)));
            }
            HoursSchedule.Transition change = next.get(q);
            if (change != null) {
                row.put("hoursChangeAt", java.time.Instant.ofEpochMilli(change.epochMs()).toString());
            }
        }
        return list;
    }

    /**
     * Every agent of the configuration in force as {@link #agentRow} fills it, in configuration
     * order. Core thread only (an {@link Engine#query}).
     */
    static ArrayNode agents(RoutingCore core) {
        ArrayNode list = JSON.createArrayNode();
        RoutingConfig config = core.config();
        for (int a = 0; a < config.agents().size(); a++) {
            agentRow(core, a, list.addObject());
        }
        return list;
    }

    /**
     * Fills {@code row} with agent {@code a} as {@code GET /api/v1/agents} lists it and returns it:
     * {@code name}, {@code state}, {@code pauseReason} (and {@code pauseReasonName}) while paused or
     * logging out, {@code voice} ({@code "on"} or {@code "off"}, whatever its
     * state: a phone that stops answering switches it off, {@code AGENT_CHANNEL_SET}) and {@code load} per channel.
     */
    private static ObjectNode agentRow(RoutingCore core, int a, ObjectNode row) {
        RoutingConfig config = core.config();
        row.put("name", config.agents().get(a).name()).put("state", lower(core.agentState(a).name()));
        // A pending logout shows while the agent is still busy with its last contacts.
        if (core.agentState(a) == AgentState.PAUSED || core.agentPauseReason(a) == PauseReason.LOGOUT_PENDING) {
            row.put("pauseReason", core.agentPauseReason(a));
            if (!config.pauseReasonName(core.agentPauseReason(a)).isEmpty()) {
                row.put("pauseReasonName", config.pauseReasonName(core.agentPauseReason(a)));
            }
        }
        row.put("voice", core.agentChannelOn(a, Channel.VOICE) ? "on" : "off");
        ObjectNode load = row.putObject("load");
        for (Channel c : Channel.values()) {
            load.put(lower(c.name()), core.agentLoad(a, c));
        }
        return row;
    }

    /**
     * The live contacts: {@code id} (a string, see the class comment), {@code state}, and as they
     * apply {@code queue}, {@code agent}, {@code stayingAgent} and {@code position}. Core thread only.
     */
    static ArrayNode contacts(RoutingCore core) {
        ArrayNode list = JSON.createArrayNode();
        RoutingConfig config = core.config();
        long[] ids = new long[Math.max(1, core.liveContacts())];
        int n = core.liveContactIds(ids);
        for (int i = 0; i < n; i++) {
            long id = ids[i];
            ContactState state = core.contactState(id);
            ObjectNode row = list.addObject().put("id", Long.toString(id)).put("state", lower(state.name()));
            int queue = core.contactQueue(id);
            if (queue >= 0) {
                row.put("queue", config.queues().get(queue).name());
            }
            int agent = core.contactAgent(id);
            if (agent >= 0) {
                row.put("agent", config.agents().get(agent).name());
            }
            int staying = core.contactHolder(id);
            if (staying >= 0) {
                row.put("stayingAgent", config.agents().get(staying).name()); // after a warm transfer, until released
            }
            if (state == ContactState.WAITING) {
                row.put("position", core.positionInQueue(id));
            }
        }
        return list;
    }

    /** The request's JSON body (at most 4 KB), or null when it is missing or not JSON. */
    private static JsonNode body(HttpExchange exchange) {
        try (InputStream in = exchange.getRequestBody()) {
            return JSON.readTree(in.readNBytes(4096));
        } catch (IOException e) {
            return null;
        }
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    private static void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
