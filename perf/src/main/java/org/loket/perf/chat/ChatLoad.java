package org.loket.perf.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * WebSocket load on loopback: N concurrent citizens walk the chatbot (language, main menu,
 * application menu, information leaf, start again) against the full engine in a child JVM. Each
 * citizen sends one choice per interval; the round trip is measured from the choice's
 * <em>intended</em> send time to the bot's answer (coordinated omission corrected: a late answer
 * delays the next send, and that delay is counted), into an HdrHistogram. The server's heap after
 * a full GC (jcmd) and its resident size are read before the citizens connect and, after the
 * measured window, while all of them are still connected: memory per session.
 *
 * <p>Usage: {@code ChatLoad [--sessions 10000] [--interval-ms 2000] [--seconds 60] [--ramp-per-second 2000]
 * [--warmup-seconds 10] [--wait-strategy yielding|sleeping|blocking] [--json]}
 */
public final class ChatLoad {
    /** Options; {@link #parse} reads them from the command line. */
    public record Options(int sessions, long intervalMs, long seconds, int rampPerSecond, long warmupSeconds, boolean json,
                          String waitStrategy) {
        public Options(int sessions, long intervalMs, long seconds, int rampPerSecond, long warmupSeconds, boolean json) {
            this(sessions, intervalMs, seconds, rampPerSecond, warmupSeconds, json, "yielding");
        }

        public static Options parse(String[] args) {
            Map<String, String> m = new LinkedHashMap<>();
            boolean json = false;
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--json")) {
                    json = true;
                } else if (args[i].startsWith("--") && i + 1 < args.length) {
                    m.put(args[i].substring(2), args[++i]);
                } else {
                    throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            return new Options(Integer.parseInt(m.getOrDefault("sessions", "10000")),
                    Long.parseLong(m.getOrDefault("interval-ms", "2000")), Long.parseLong(m.getOrDefault("seconds", "60")),
                    Integer.parseInt(m.getOrDefault("ramp-per-second", "2000")),
                    Long.parseLong(m.getOrDefault("warmup-seconds", "10")), json, m.getOrDefault("wait-strategy", "yielding"));
        }
    }

    /** What a run measured: answers counts every bot answer, round trips those in the measured window. Latencies in µs, memory in bytes. */
    public record Result(int sessions, int connected, long answers, long roundTrips, long errors, long closedEarly, long fellToQueue,
                         double roundTripsPerSecond,
                         long p50Us, long p90Us, long p99Us, long p999Us, long maxUs, long heapBaselineBytes, long heapLoadedBytes,
                         long heapPerSessionBytes, long rssBaselineBytes, long rssLoadedBytes, long rssPerSessionBytes,
                         String serverCounters) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Error frames by code, over the driver's life (printed by {@link #main}). */
    static final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.LongAdder> ERROR_CODES =
            new java.util.concurrent.ConcurrentHashMap<>();

    private ChatLoad() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Result r = run(options, Path.of("perf", "target", "chat-load"));
        if (options.json()) {
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
        } else {
            System.out.printf("sessions %d (connected %d), round trips %d (%.0f/s), errors %d, closed early %d, fell to queue %d%n",
                    r.sessions(), r.connected(), r.roundTrips(), r.roundTripsPerSecond(), r.errors(), r.closedEarly(), r.fellToQueue());
            System.out.printf("round trip p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms%n", r.p50Us() / 1e3,
                    r.p90Us() / 1e3, r.p99Us() / 1e3, r.p999Us() / 1e3, r.maxUs() / 1e3);
            System.out.printf("server heap after GC: %d -> %d bytes, %d bytes per session; RSS %d -> %d, %d bytes per session%n",
                    r.heapBaselineBytes(), r.heapLoadedBytes(), r.heapPerSessionBytes(), r.rssBaselineBytes(), r.rssLoadedBytes(),
                    r.rssPerSessionBytes());
            System.out.println("error frames by code " + ERROR_CODES);
            System.out.println("server " + r.serverCounters());
        }
    }

    /** Runs the load; {@code work} holds the server's journal. */
    public static Result run(Options o, Path work) throws Exception {
        Path journal = work.resolve("journal-" + System.currentTimeMillis());
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ChatLoadServer.class.getName());
        command.add(journal.toString());
        command.add("chat.messages-per-second=50");
        command.add("engine.wait-strategy=" + o.waitStrategy());
        Files.createDirectories(work);
        Process server = new ProcessBuilder(command).redirectError(work.resolve("server.log").toFile()).start();
        BufferedReader serverOut = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        try {
            String line = serverOut.readLine();
            while (line != null && !line.startsWith("PORT ")) {
                line = serverOut.readLine(); // e.g. a JVM's own notice when a recording is on
            }
            if (line == null || !line.startsWith("PORT ")) {
                throw new IllegalStateException("the load server did not start (see " + work.resolve("server.log") + "): " + line);
            }
            int port = Integer.parseInt(line.substring(5).trim());
            Thread.sleep(1_000);
            long heapBaseline = heapAfterGc(server.pid());
            long rssBaseline = rss(server.pid());
            Result partial = drive(o, port, server.pid(), heapBaseline, rssBaseline);
            OutputStream stdin = server.getOutputStream();
            stdin.close();
            StringBuilder counters = new StringBuilder();
            for (String l = serverOut.readLine(); l != null; l = serverOut.readLine()) {
                counters.append(l).append(' ');
            }
            server.waitFor(30, TimeUnit.SECONDS);
            return new Result(partial.sessions(), partial.connected(), partial.answers(), partial.roundTrips(), partial.errors(),
                    partial.closedEarly(),
                    partial.fellToQueue(), partial.roundTripsPerSecond(), partial.p50Us(), partial.p90Us(), partial.p99Us(), partial.p999Us(),
                    partial.maxUs(), heapBaseline, partial.heapLoadedBytes(), partial.heapPerSessionBytes(), rssBaseline,
                    partial.rssLoadedBytes(), partial.rssPerSessionBytes(), counters.toString().trim());
        } finally {
            server.destroy();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private static Result drive(Options o, int port, long serverPid, long heapBaseline, long rssBaseline) throws Exception {
        URI uri = URI.create("ws://127.0.0.1:" + port + "/ws/citizen");
        Recorder recorder = new Recorder(3);
        AtomicLong roundTrips = new AtomicLong();
        AtomicLong answers = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong closedEarly = new AtomicLong();
        AtomicLong connected = new AtomicLong();
        AtomicLong fellToQueue = new AtomicLong();
        long startNs = System.nanoTime();
        long rampNs = TimeUnit.SECONDS.toNanos(1) * o.sessions() / Math.max(1, o.rampPerSecond());
        long measureFromNs = startNs + rampNs + TimeUnit.SECONDS.toNanos(o.warmupSeconds());
        long endNs = measureFromNs + TimeUnit.SECONDS.toNanos(o.seconds());
        long intervalNs = TimeUnit.MILLISECONDS.toNanos(o.intervalMs());
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        List<Channel> channels = new ArrayList<>(o.sessions());
        try {
            Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 20_000);
            for (int i = 0; i < o.sessions(); i++) {
                long firstNs = startNs + rampNs * i / o.sessions();
                long wait = firstNs - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                Citizen citizen = new Citizen(firstNs, intervalNs, measureFromNs, endNs, recorder, roundTrips, errors, connected,
                        fellToQueue, answers);
                Channel ch = bootstrap.handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65_536),
                                new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                                        .webSocketUri(uri).maxFramePayloadLength(65_536).handshakeTimeoutMillis(30_000).build()),
                                citizen);
                    }
                }).connect("127.0.0.1", port).channel();
                ch.closeFuture().addListener(f -> {
                    if (System.nanoTime() < endNs) {
                        closedEarly.incrementAndGet();
                    }
                });
                channels.add(ch);
            }
            long rest = endNs - System.nanoTime();
            if (rest > 0) {
                TimeUnit.NANOSECONDS.sleep(rest);
            }
            Thread.sleep(500); // answers to the last choices
            Histogram h = recorder.getIntervalHistogram();
            // After the measured window (a full GC must not land in the latencies), with every
            // citizen still connected and inside a conversation: the server's memory.
            long heapLoaded = heapAfterGc(serverPid);
            long rssLoaded = rss(serverPid);
            double seconds = (endNs - measureFromNs) / 1e9;
            int n = Math.max(1, o.sessions());
            return new Result(o.sessions(), (int) connected.get(), answers.get(), h.getTotalCount(), errors.get(), closedEarly.get(),
                    fellToQueue.get(), h.getTotalCount() / seconds, h.getValueAtPercentile(50) / 1000, h.getValueAtPercentile(90) / 1000,
                    h.getValueAtPercentile(99) / 1000, h.getValueAtPercentile(99.9) / 1000, h.getMaxValue() / 1000,
                    heapBaseline, heapLoaded, (heapLoaded - heapBaseline) / n, rssBaseline, rssLoaded, (rssLoaded - rssBaseline) / n,
                    "");
        } finally {
            for (Channel ch : channels) {
                ch.close();
            }
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** One citizen: start, then one choice per interval through the bot's menus, forever. */
    private static final class Citizen extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        private final long intervalNs;
        private final long measureFromNs;
        private final long endNs;
        private final Recorder recorder;
        private final AtomicLong roundTrips;
        private final AtomicLong errors;
        private final AtomicLong connected;
        private final AtomicLong fellToQueue;
        private final AtomicLong answers;
        private long intendedNs;
        private boolean awaiting;
        private static final String START = "{\"type\":\"start\",\"language\":\"en\"}";
        private String next = START;
        /** The menu the pending choice answers (null for a start). */
        private String answeredFrom;

        Citizen(long firstNs, long intervalNs, long measureFromNs, long endNs, Recorder recorder, AtomicLong roundTrips,
                AtomicLong errors, AtomicLong connected, AtomicLong fellToQueue, AtomicLong answers) {
            this.fellToQueue = fellToQueue;
            this.answers = answers;
            this.intendedNs = firstNs;
            this.intervalNs = intervalNs;
            this.measureFromNs = measureFromNs;
            this.endNs = endNs;
            this.recorder = recorder;
            this.roundTrips = roundTrips;
            this.errors = errors;
            this.connected = connected;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                connected.incrementAndGet();
                sendAtIntended(ctx);
            }
            super.userEventTriggered(ctx, event);
        }

        private void sendAtIntended(ChannelHandlerContext ctx) {
            long delay = intendedNs - System.nanoTime();
            if (delay > 0) {
                ctx.executor().schedule(() -> send(ctx), delay, TimeUnit.NANOSECONDS);
            } else {
                send(ctx);
            }
        }

        private void send(ChannelHandlerContext ctx) {
            if (System.nanoTime() >= endNs) {
                return;
            }
            awaiting = true;
            ctx.writeAndFlush(new TextWebSocketFrame(next));
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) throws IOException {
            JsonNode f = JSON.readTree(frame.text());
            String type = f.path("type").asText();
            if (type.equals("error")) {
                errors.incrementAndGet();
                ERROR_CODES.computeIfAbsent(f.path("code").asText(), k -> new java.util.concurrent.atomic.LongAdder()).increment();
                if (awaiting) {
                    startOver(ctx);
                }
                return;
            }
            if (!type.equals("bot") || !awaiting) {
                return; // "queued", "ended", and prompts repeated while the citizen is thinking
            }
            String node = f.path("node").asText();
            if (node.equals(answeredFrom)) {
                // The bot repeated the menu we answered: its input timeout fired before our choice
                // arrived. Still waiting for the answer to the choice.
                return;
            }
            if (node.startsWith("to-")) {
                // The timeout's fallback queued the citizen for a human: counted, and the citizen
                // leaves and starts over (only when the server fell behind by the input timeout).
                fellToQueue.incrementAndGet();
                startOver(ctx);
                return;
            }
            long now = System.nanoTime();
            awaiting = false;
            answers.incrementAndGet();
            if (intendedNs >= measureFromNs && intendedNs < endNs) {
                recorder.recordValue(Math.max(0, now - intendedNs));
                roundTrips.incrementAndGet();
            }
            next = switch (node) {
                case "welcome" -> "{\"type\":\"choose\",\"input\":2}";
                case "main-menu" -> "{\"type\":\"choose\",\"input\":3}";
                case "application-menu" -> "{\"type\":\"choose\",\"input\":1}";
                default -> START; // the information leaf: the conversation ended self-served
            };
            answeredFrom = START.equals(next) ? null : node;
            intendedNs += intervalNs;
            sendAtIntended(ctx);
        }

        private void startOver(ChannelHandlerContext ctx) {
            awaiting = false;
            ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"leave\"}"));
            next = START;
            answeredFrom = null;
            intendedNs += intervalNs;
            sendAtIntended(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.incrementAndGet();
            ctx.close();
        }
    }

    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    /** The server's used heap after a full GC, through the JDK's jcmd (no hook in the server itself). */
    static long heapAfterGc(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher m = USED.matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("jcmd GC.heap_info said: " + info);
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    private static String jcmd(long pid, String what) throws IOException, InterruptedException {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        Path jcmd = java.resolveSibling("jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), what).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + what + " failed: " + out);
        }
        return out;
    }

    /** Resident set size of a process, from /proc. */
    static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }
}
