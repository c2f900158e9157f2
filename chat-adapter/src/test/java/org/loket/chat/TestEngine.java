package org.loket.chat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.loket.config.ConfigLoader;
import org.loket.config.LoadedConfig;
import org.loket.core.config.RoutingConfigCodec;
import org.loket.host.journal.Journal;
import org.loket.host.pipeline.Engine;
import org.loket.host.pipeline.EngineSettings;

/** A real engine (ring, Chronicle journal, core) on the tests' configuration (chat-test-config) with the chat gateway on loopback. */
final class TestEngine implements AutoCloseable {
    static final String SUPERVISOR_TOKEN = "supervisor-token-for-tests";
    static final String WORK_ITEM_TOKEN = "work-item-token-for-tests";
    static final String SECRET = "secret-for-tests";
    /** The caller pseudonym of every call {@link #phone} makes. */
    static final long TESTERS_PHONE = 0x7e57_0001L;

    final Journal journal;
    final Engine engine;
    final ChatGateway gateway;
    final LoadedConfig config;
    /** Holds {@code journal/} and {@code journal.files/}: a second engine on the same folder is a restart. */
    final Path dataFolder;
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private final ScheduledExecutorService ticks;

    TestEngine(Map<String, String> extra) throws Exception {
        this("/chat-test-config", extra);
    }

    /** @param configResource a configuration folder on the test class path */
    TestEngine(String configResource, Map<String, String> extra) throws Exception {
        this(Files.createTempDirectory(Path.of("target"), "data-"), configResource, extra);
    }

    /** Where an engine on {@code dataFolder} keeps the files of its journal (audit, transcripts, sessions, outbox), as loket run does. */
    static Path files(Path dataFolder) {
        return org.loket.host.journal.JournalFiles.folder(dataFolder.resolve("journal"));
    }

    /** {@link #files(Path)} of this engine. */
    Path files() {
        return files(dataFolder);
    }

    /** On {@code dataFolder}: a fresh one, or the folder of an engine that was closed (a restart). */
    TestEngine(Path dataFolder, String configResource, Map<String, String> extra) throws Exception {
        this(dataFolder, Path.of(TestEngine.class.getResource(configResource).toURI()), extra);
    }

    /** On a fresh data folder and the configuration folder {@code configFolder}. */
    TestEngine(Path configFolder, Map<String, String> extra) throws Exception {
        this(Files.createTempDirectory(Path.of("target"), "data-"), configFolder, extra);
    }

    /**
     * The tests' configuration with shifts: chat-desk 08:00-17:00 on weekdays with a 15-minute break
     * from 10:00 (both agents), tax-desk-001 08:00-12:00, generalist-001 13:00-17:00; backoffice-001 none.
     */
    static Path scheduleConfig() throws Exception {
        return testConfigWith(
                "  - {name: chat-desk,  count: 2, skills: {digid-login: 5, digid-app: 4}, capacity: {voice: 0, chat: 3, email: 1, social: 1}}\n"
                        + "  - {name: tax-desk,   count: 1, skills: {tax-office-handover: 5, digid-login: 3}, capacity: {voice: 0, chat: 2, email: 0, social: 0}}\n"
                        + "  - {name: generalist, count: 1, skills: {digid-login: 5, digid-app: 5, digid-application: 5, tax-office-handover: 3}, capacity: {voice: 1, chat: 0, email: 0, social: 0}}\n",
                "  - {name: chat-desk, skills: {digid-login: 5, digid-app: 4}, capacity: {voice: 0, chat: 3, email: 1, social: 1},\n"
                        + "     shifts: [{start: \"08:00\", end: \"17:00\", count: 2, days: weekdays, breaks: [{minutes: 15, earliest: \"10:00\"}]}]}\n"
                        + "  - {name: tax-desk, count: 1, skills: {tax-office-handover: 5, digid-login: 3}, capacity: {voice: 0, chat: 2, email: 0, social: 0},\n"
                        + "     shifts: [{start: \"08:00\", end: \"12:00\", count: 1}]}\n"
                        + "  - {name: generalist, count: 1, skills: {digid-login: 5, digid-app: 5, digid-application: 5, tax-office-handover: 3},\n"
                        + "     capacity: {voice: 1, chat: 0, email: 0, social: 0}, shifts: [{start: \"13:00\", end: \"17:00\", count: 1}]}\n");
    }

    /** The tests' configuration (chat-test-config) with {@code from} replaced by {@code to}, in a new folder. */
    static Path testConfigWith(String from, String to) throws Exception {
        String yaml = Files.readString(Path.of(TestEngine.class.getResource("/chat-test-config/routing.yaml").toURI()));
        if (!yaml.contains(from)) {
            throw new IllegalArgumentException("chat-test-config has no '" + from + "'");
        }
        Path folder = Files.createTempDirectory(Path.of("target"), "config-");
        Files.writeString(folder.resolve("routing.yaml"), yaml.replace(from, to));
        return folder;
    }

    private TestEngine(Path dataFolder, Path configFolder, Map<String, String> extra) throws Exception {
        this.dataFolder = dataFolder;
        journal = Journal.open(dataFolder.resolve("journal"));
        engine = Engine.start(EngineSettings.defaults().withPretouch(false), journal);
        config = ConfigLoader.load(configFolder);
        if (engine.core().config() == null
                || !Arrays.equals(RoutingConfigCodec.encode(engine.core().config()), RoutingConfigCodec.encode(config.routing()))) {
            engine.publishConfig(config); // as loket run does: not again after a restart on the same configuration
        }
        engine.awaitQuiet(5_000); // as loket run does: the gateway starts on the configuration in force
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("chat.port", "0");
        settings.put("chat.bind", "127.0.0.1");
        settings.put("chat.supervisor-token", SUPERVISOR_TOKEN);
        settings.put("chat.work-item-token", WORK_ITEM_TOKEN);
        settings.put(ChatSettings.JOURNAL, journal.folder().toString()); // as loket run does: transcripts beside it
        for (String agent : new String[] {"chat-desk-001", "chat-desk-002", "tax-desk-001", "generalist-001", "backoffice-001", "floor-lead", "chat-lead"}) {
            settings.put("chat.agent-secret." + agent, SECRET);
        }
        settings.putAll(extra);
        gateway = (ChatGateway) new ChatGatewayProvider().create(settings);
        engine.startGateway(gateway, config, settings);
        ticks = Executors.newSingleThreadScheduledExecutor();
        ticks.scheduleAtFixedRate(engine::publishTick, 100, 100, TimeUnit.MILLISECONDS);
    }

    /** A queue's figure on a wallboard frame, -1 when the queue is not on it. */
    static long queueFigure(com.fasterxml.jackson.databind.JsonNode wallboard, String queue, String field) {
        for (com.fasterxml.jackson.databind.JsonNode q : wallboard.path("queues")) {
            if (q.path("name").asText().equals(queue)) {
                return q.path(field).asLong();
            }
        }
        return -1;
    }

    /** An agent desktop logged in as {@code agent} (the tests' secret), after its welcome. */
    /** A wallboard page subscribed with the shared supervisor token (view only). */
    WsClient wallboard() {
        WsClient board = new WsClient(ws() + "/ws/wallboard");
        board.send("{\"type\":\"subscribe\",\"token\":\"" + SUPERVISOR_TOKEN + "\"}");
        return board;
    }

    WsClient login(String agent) throws InterruptedException {
        WsClient desk = new WsClient(ws() + "/ws/agent");
        desk.send("{\"type\":\"login\",\"agent\":\"" + agent + "\",\"secret\":\"" + SECRET + "\"}");
        desk.await("welcome");
        return desk;
    }

    /**
     * Walks a new citizen through the chatbot in English, telling their story on the way, to a
     * human at the application desk; returns the resume token.
     */
    static String askForTheApplicationDesk(WsClient citizen) throws InterruptedException {
        citizen.send("{\"type\":\"start\",\"language\":\"en\"}");
        String token = citizen.await("session").path("token").asText();
        citizen.await("bot");
        citizen.send("{\"type\":\"choose\",\"input\":2}");
        citizen.await("bot");
        citizen.send("{\"type\":\"message\",\"text\":\"my activation letter never came\"}");
        citizen.await("bot", f -> f.path("text").asText().contains("buttons"), 10_000);
        citizen.send("{\"type\":\"choose\",\"input\":3}");
        citizen.await("bot");
        citizen.send("{\"type\":\"choose\",\"input\":2}");
        return token;
    }

    /**
     * A command as the telephony adapter publishes it (a new call arrives at the configuration's
     * first entry, "phone"): for tests of agents who work on a phone.
     */
    /** As the telephony adapter does for a phone that stops answering (voice off) and answers again. */
    void voice(int agentId, boolean on) {
        if (!engine.tryPublish((c, unused) -> {
            c.type = org.loket.core.command.CommandType.AGENT_CHANNEL_SET;
            c.agentId = agentId;
            c.channel = org.loket.core.Channel.VOICE.code();
            c.input = on ? 1 : 0;
            c.reason = on ? org.loket.core.command.Command.NONE : org.loket.core.command.Command.PHONE_UNREACHABLE;
        }, null)) {
            throw new IllegalStateException("ring full");
        }
    }

    void phone(org.loket.core.command.CommandType type, long contactId, int agentId, int agentState, int reason) {
        if (!engine.tryPublish((c, unused) -> {
            c.type = type;
            c.contactId = contactId;
            c.agentId = agentId;
            c.agentState = agentState;
            c.reason = reason;
            if (type == org.loket.core.command.CommandType.CONTACT_ARRIVED) {
                c.channel = org.loket.core.Channel.VOICE.code();
                c.entryId = 0;
                c.citizenPseudonym = TESTERS_PHONE; // every test call comes from one phone, as a tester's would
            }
        }, null)) {
            throw new IllegalStateException("ring full");
        }
    }

    /** A caller through the phone menu to application-voice (Nederlands, aanvragen, medewerker); returns its contact id. */
    long callTheApplicationDesk(long caller) throws InterruptedException {
        phone(org.loket.core.command.CommandType.CONTACT_ARRIVED, caller, -1, -1, -1);
        for (int input : new int[] {1, 3, 2}) {
            engine.awaitQuiet(5_000);
            engine.tryPublish((c, id) -> {
                c.type = org.loket.core.command.CommandType.SELF_SERVICE_INPUT;
                c.contactId = id;
                c.input = input;
            }, caller);
        }
        return caller;
    }

    /** The agent's id in the configuration in force. */
    int agentId(String name) {
        return engine.core().config().agents().stream().map(a -> a.name()).toList().indexOf(name);
    }

    /** A GET of {@code path} on the chat server; {@code authorization} is the header's value, or null for none. */
    java.net.http.HttpResponse<String> get(java.net.http.HttpClient http, String path, String authorization) throws Exception {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(http() + path)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** A client that connects from another loopback address than 127.0.0.1 (another desk, as the lockout sees it). */
    static java.net.http.HttpClient elsewhere() throws Exception {
        return java.net.http.HttpClient.newBuilder().localAddress(java.net.InetAddress.getByName("127.0.0.2")).build();
    }

    /** An {@code Authorization} header's value: HTTP Basic with {@code name} and {@code secret}. */
    static String basic(String name, String secret) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((name + ":" + secret).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * The operators' audit (beside the journal) after its header, each line without its time, once it
     * has at least {@code lines} (sign-in lockouts and transcript reads are written off the hub
     * thread); fails after 10 s.
     */
    java.util.List<String> audit(int lines) throws Exception {
        Path file = files().resolve("audit.csv");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        java.util.List<String> read = java.util.List.of();
        while (read.size() < lines + 1) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + lines + " audit lines within 10 s: " + read);
            }
            Thread.sleep(20);
            read = Files.exists(file) ? Files.readAllLines(file) : java.util.List.of();
        }
        return read.stream().skip(1).map(line -> line.substring(line.indexOf(',') + 1)).toList();
    }

    /** A frame as a page sends it, for the hub's {@code onFrame}. */
    static com.fasterxml.jackson.databind.JsonNode frame(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    /** The frames the hub sent so far to a peer on {@code channel} (a test's own, without a socket), read on the hub thread. */
    java.util.List<com.fasterxml.jackson.databind.JsonNode> sentTo(io.netty.channel.embedded.EmbeddedChannel channel) throws Exception {
        java.util.List<String> sent = gateway.hub().ask(h -> {
            java.util.List<String> read = new java.util.ArrayList<>();
            for (Object o = channel.readOutbound(); o != null; o = channel.readOutbound()) {
                if (o instanceof io.netty.handler.codec.http.websocketx.TextWebSocketFrame text) {
                    read.add(text.text());
                    text.release();
                }
            }
            return read;
        }).get(5, TimeUnit.SECONDS);
        java.util.List<com.fasterxml.jackson.databind.JsonNode> frames = new java.util.ArrayList<>();
        for (String text : sent) {
            frames.add(JSON.readTree(text));
        }
        return frames;
    }

    String http() {
        return "http://127.0.0.1:" + gateway.address().getPort();
    }

    String ws() {
        return "ws://127.0.0.1:" + gateway.address().getPort();
    }

    @Override
    public void close() throws Exception {
        ticks.shutdownNow();
        gateway.close();
        engine.close();
        journal.close();
    }
}
