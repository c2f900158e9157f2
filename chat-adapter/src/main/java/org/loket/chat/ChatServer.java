package org.loket.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.loket.host.security.PlainListeners;
import org.loket.host.security.ServerKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty server: static pages, the work-item webhook, and three WebSocket endpoints
 * ({@code /ws/citizen}, {@code /ws/agent}, {@code /ws/wallboard}). Handlers decode and validate
 * on the event loop and hand work to the {@link ChatHub}; they never route and never block.
 */
final class ChatServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChatServer.class);
    private static final String TRANSCRIPTS = "/api/v1/transcripts/";
    /** Largest HTTP request body (work items carry an e-mail's text). */
    static final int MAX_HTTP_BODY_BYTES = 256 * 1024;
    /** Refused frames in a row after which a connection is closed (1008): the server survives, that client does not. */
    private static final int MAX_REFUSED_IN_A_ROW = 50;
    /** Connections the listening socket holds before they are accepted. */
    private static final int BACKLOG = 4096;
    private static final String CSP = "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; "
            + "script-src 'self'; frame-ancestors 'none'";
    private static final Map<String, String[]> PAGES = Map.of(
            "/chat", new String[] {"chat.html", "text/html; charset=utf-8"},
            "/desktop", new String[] {"desktop.html", "text/html; charset=utf-8"},
            "/wallboard", new String[] {"wallboard.html", "text/html; charset=utf-8"},
            "/static/chat.js", new String[] {"chat.js", "text/javascript; charset=utf-8"},
            "/static/desktop.js", new String[] {"desktop.js", "text/javascript; charset=utf-8"},
            "/static/wallboard.js", new String[] {"wallboard.js", "text/javascript; charset=utf-8"},
            "/static/loket.css", new String[] {"loket.css", "text/css; charset=utf-8"});

    private final ChatSettings settings;
    private final ChatHub hub;
    private final ChatCounters counters;
    private final TranscriptStore transcripts;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, byte[]> resources = new HashMap<>();
    private final SslContext ssl;
    /** Wrong bearer tokens per token and address: the hub's {@link SignIn} guard, so the wall displays' token counts alike over HTTP and the WebSocket. */
    private final CredentialGuard tokenGuard;
    private final Origins origins;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel listener;

    ChatServer(ChatSettings settings, ChatHub hub, ChatCounters counters, TranscriptStore transcripts) throws Exception {
        this.settings = settings;
        this.hub = hub;
        this.counters = counters;
        this.transcripts = transcripts;
        for (String[] page : PAGES.values()) {
            try (InputStream in = ChatServer.class.getResourceAsStream("web/" + page[0])) {
                if (in == null) {
                    throw new IllegalStateException("resource web/" + page[0] + " is missing from the chat adapter's jar");
                }
                resources.put(page[0], in.readAllBytes());
            }
        }
        ssl = settings.tls() ? sslContext(settings) : null;
        tokenGuard = hub.credentialGuard(); // the sign-ins' guard: the wall displays' token counts alike here and over the WebSocket
        origins = new Origins(settings.allowedOrigins(), settings.tls());
    }

    private static SslContext sslContext(ChatSettings settings) throws Exception {
        return SslContextBuilder.forServer(ServerKeys.keyManagers(settings.keyStore(), settings.keyStorePassword(), "chat.tls.keystore"))
                .build();
    }

    /**
     * Binds {@code chat.bind}:{@code chat.port} and serves nothing yet ({@link ChatGateway#bind}).
     *
     * @throws java.io.IOException naming the settings when the address cannot be bound (the port in use)
     */
    static java.nio.channels.ServerSocketChannel bind(ChatSettings settings) throws java.io.IOException {
        java.nio.channels.ServerSocketChannel channel = java.nio.channels.ServerSocketChannel.open();
        try {
            channel.bind(new java.net.InetSocketAddress(settings.bindAddress(), settings.port()), BACKLOG);
            return channel;
        } catch (java.io.IOException | RuntimeException e) {
            channel.close();
            throw bindFailed(settings, e);
        }
    }

    private static java.io.IOException bindFailed(ChatSettings settings, Exception e) {
        return new java.io.IOException("chat.bind " + settings.bindAddress() + ", chat.port " + settings.port() + ": " + e.getMessage()
                + (e instanceof java.net.BindException ? " (another Loket, or another program, listens there)" : ""), e);
    }

    /**
     * Serves; binds first unless {@code bound} is the socket {@link #bind} bound (then connections
     * made since wait in its backlog). A bind that fails (the port in use) names the settings.
     */
    void start(java.nio.channels.ServerSocketChannel bound) throws InterruptedException, java.io.IOException {
        boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(0, NioIoHandler.newFactory());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 256 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        if (ssl != null) {
                            p.addLast(ssl.newHandler(ch.alloc()));
                        }
                        p.addLast(new IdleStateHandler(settings.idleTimeoutSeconds(), 0, 0));
                        p.addLast(new HttpServerCodec());
                        p.addLast(new HttpObjectAggregator(MAX_HTTP_BODY_BYTES));
                        p.addLast(new HttpHandler());
                    }
                });
        if (bound != null) {
            // Registered already bound, the channel starts accepting at once (what bind() would have done).
            listener = bootstrap.channelFactory(() -> new NioServerSocketChannel(bound)).register().sync().channel();
        } else {
            try {
                listener = bootstrap.channel(NioServerSocketChannel.class).bind(settings.bindAddress(), settings.port()).sync().channel();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) { // Netty rethrows the bind's IOException unchecked
                throw bindFailed(settings, e);
            }
        }
        String plain = PlainListeners.warning(address().getAddress(), settings.tls(), "chat.bind", "chat.tls.keystore");
        if (plain != null) {
            LOG.warn(plain);
        }
    }

    InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    @Override
    public synchronized void close() {
        if (listener != null) {
            listener.close().awaitUninterruptibly();
            listener = null;
        }
        if (boss != null && !boss.isShuttingDown()) {
            boss.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static boolean tokenMatches(String expected, String header) {
        return header != null && header.startsWith("Bearer ")
                && SignIn.secretMatches(expected, header.substring("Bearer ".length()));
    }

    /** The name and secret of an {@code Authorization: Basic} header, or null when it is none. */
    static String[] basicCredentials(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon <= 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    /** What a transcript request came to: the sign-in's verdict, and when accepted what the store has. */
    private record TranscriptRead(SignIn.Verdict verdict, List<TranscriptStore.Entry> entries) {
    }

    /** HTTP: pages, the work-item webhook, stats, and the upgrade to a WebSocket. One per connection. */
    private final class HttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        /** Wrong credentials on this connection: the third closes it. */
        private int authFailures;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (!request.decoderResult().isSuccess()) {
                counters.badRequests.increment();
                respond(ctx, request, HttpResponseStatus.BAD_REQUEST, "text/plain", "bad request");
                return;
            }
            String path = new QueryStringDecoder(request.uri()).path();
            Peer.Kind kind = switch (path) {
                case "/ws/citizen" -> Peer.Kind.CITIZEN;
                case "/ws/agent" -> Peer.Kind.AGENT;
                case "/ws/wallboard" -> Peer.Kind.WALLBOARD;
                default -> null;
            };
            if (kind != null) {
                upgrade(ctx, request, path, kind);
                return;
            }
            if (path.equals("/api/v1/work-items")) {
                workItem(ctx, request);
                return;
            }
            if (path.equals("/api/v1/stats")) {
                if (!bearer(ctx, request, ChatSettings.SUPERVISOR_TOKEN, settings.supervisorToken())) {
                    return;
                }
                respondJson(ctx, request, HttpResponseStatus.OK, counters.snapshot());
                return;
            }
            if (path.startsWith(TRANSCRIPTS)) {
                transcript(ctx, request, path.substring(TRANSCRIPTS.length()));
                return;
            }
            if (request.method() != HttpMethod.GET) {
                counters.badRequests.increment();
                respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "method not allowed");
                return;
            }
            if (path.equals("/")) {
                FullHttpResponse redirect = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FOUND);
                redirect.headers().set(HttpHeaderNames.LOCATION, "/chat").setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
                send(ctx, request, redirect);
                return;
            }
            if (path.equals("/health")) {
                respond(ctx, request, HttpResponseStatus.OK, "text/plain", "ok");
                return;
            }
            String[] page = PAGES.get(path);
            if (page == null) {
                counters.badRequests.increment();
                respond(ctx, request, HttpResponseStatus.NOT_FOUND, "text/plain", "not found");
                return;
            }
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(resources.get(page[0])));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, page[1]);
            send(ctx, request, response);
        }

        /**
         * Whether the request carries the bearer token {@code setting} gives ({@code expected}); if not,
         * it was answered. Wrong tokens count per address ({@link #tokenGuard}): an address that sent
         * too many lately is refused without a check (429), whatever it sends, until the lockout ends.
         */
        private boolean bearer(ChannelHandlerContext ctx, FullHttpRequest request, String setting, String expected) {
            String address = ClientAddress.of(ctx.channel(), request.headers(), settings.trustedProxies());
            switch (tokenGuard.attempt(setting, address, () -> tokenMatches(expected, request.headers().get(HttpHeaderNames.AUTHORIZATION)),
                    counters)) {
                case ACCEPTED -> {
                    return true;
                }
                case LOCKED -> refuseCredentials(ctx, request, HttpResponseStatus.TOO_MANY_REQUESTS, "too many wrong tokens from your address;"
                        + " try again in " + settings.lockoutMinutes() + " minutes", false);
                case REFUSED_AND_LOCKED -> {
                    LOG.warn("chat: {} refuses {} for {} minutes after {} wrong tokens", setting, address, settings.lockoutMinutes(),
                            settings.lockoutFailures());
                    refuseCredentials(ctx, request, HttpResponseStatus.UNAUTHORIZED, "unauthorised", false);
                }
                case REFUSED -> refuseCredentials(ctx, request, HttpResponseStatus.UNAUTHORIZED, "unauthorised", false);
            }
            return false;
        }

        /** Counts and answers a wrong or missing credential; the third on this connection closes it after the answer. */
        private void refuseCredentials(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, String error,
                                       boolean askForBasic) {
            counters.authFailures.increment();
            boolean close = ++authFailures >= SignIn.MAX_FAILURES_PER_CONNECTION;
            if (close) {
                counters.authClosed.increment();
            }
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.copiedBuffer(errorJson(error), StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            if (askForBasic) {
                response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"Loket transcripts\", charset=\"UTF-8\"");
            }
            if (status == HttpResponseStatus.TOO_MANY_REQUESTS) {
                response.headers().setInt(HttpHeaderNames.RETRY_AFTER, settings.lockoutMinutes() * 60);
            }
            send(ctx, request, response, close);
        }

        /**
         * {@code GET /api/v1/transcripts/{contact}} by a supervisor of the configuration with its name
         * and secret (HTTP Basic), through the sign-in's lockout ({@link SignIn#transcriptReader}; the
         * wall display's shared token reads no transcripts): a conversation as the transcript store has
         * it (ended ones too, within the retention). Every read is in the operators' audit before the
         * answer leaves (a supervisor's refusals too). The check runs on the hub, the read on the
         * store's reader thread, the audit on the sign-in's writer; the event loop only answers.
         */
        private void transcript(ChannelHandlerContext ctx, FullHttpRequest request, String id) {
            if (request.method() != HttpMethod.GET) {
                counters.badRequests.increment();
                respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "application/json", "{\"error\":\"use GET\"}");
                return;
            }
            long contactId;
            try {
                contactId = Long.parseLong(id);
            } catch (NumberFormatException e) {
                counters.badRequests.increment();
                respondJson(ctx, request, HttpResponseStatus.BAD_REQUEST, Map.of("error", "'" + id + "' is not a contact id"));
                return;
            }
            String[] credentials = basicCredentials(request.headers().get(HttpHeaderNames.AUTHORIZATION));
            if (credentials == null) {
                refuseCredentials(ctx, request, HttpResponseStatus.UNAUTHORIZED, "a supervisor of the configuration reads transcripts "
                        + "with its name and secret (HTTP Basic: curl -u NAME)", true);
                return;
            }
            String name = credentials[0];
            String address = ClientAddress.of(ctx.channel(), request.headers(), settings.trustedProxies());
            request.retain();
            hub.ask(h -> h.transcriptReader(name, credentials[1], address, contactId))
                    .thenCompose(verdict -> verdict != SignIn.Verdict.ACCEPTED
                            ? CompletableFuture.completedFuture(new TranscriptRead(verdict, List.of()))
                            : transcripts.read(contactId).thenCompose(entries -> hub.audited(SignIn.VIA_API, name, "transcript-read",
                                    Long.toString(contactId), entries.isEmpty() ? "none stored" : "read")
                                    .thenApply(written -> new TranscriptRead(verdict, entries))))
                    .whenComplete((read, error) -> ctx.executor().execute(() -> {
                        try {
                            if (error != null) {
                                LOG.error("transcript of contact {} could not be read", contactId, error);
                                respondJson(ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR, Map.of("error", "internal error"));
                                return;
                            }
                            switch (read.verdict()) {
                                case LOCKED -> refuseCredentials(ctx, request, HttpResponseStatus.TOO_MANY_REQUESTS, "too many wrong secrets "
                                        + (tokenGuard.addressLocked(address) ? "" : "for '" + name + "' ") + "from your address; try again in "
                                        + settings.lockoutMinutes() + " minutes", false);
                                case REFUSED -> refuseCredentials(ctx, request, HttpResponseStatus.UNAUTHORIZED,
                                        "unknown supervisor or wrong secret", true);
                                case ACCEPTED -> {
                                    if (read.entries().isEmpty()) {
                                        respondJson(ctx, request, HttpResponseStatus.NOT_FOUND,
                                                Map.of("error", "no transcript of contact " + contactId + " (unknown, or past the retention)"));
                                    } else {
                                        respond(ctx, request, HttpResponseStatus.OK, "application/json",
                                                transcriptJson(contactId, read.entries()).toString());
                                    }
                                }
                            }
                        } finally {
                            request.release();
                        }
                    }));
        }

        /** A WebSocket upgrade: refused (403) for a page of a site {@link Origins} does not accept. */
        private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, String path, Peer.Kind kind) {
            if (!origins.accepts(request.headers().get(HttpHeaderNames.ORIGIN), request.headers().get(HttpHeaderNames.HOST))) {
                counters.originRefused.increment();
                respond(ctx, request, HttpResponseStatus.FORBIDDEN, "text/plain", "pages of this origin may not connect (chat.allowed-origins)");
                return;
            }
            ChannelPipeline p = ctx.pipeline();
            p.addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                    .websocketPath(path)
                    .maxFramePayloadLength(settings.maxFrameBytes())
                    .checkStartsWith(false)
                    .handshakeTimeoutMillis(10_000)
                    .build()));
            p.addLast(new FrameHandler(new Peer(ctx.channel(), kind, settings.burstMessages(),
                    ClientAddress.of(ctx.channel(), request.headers(), settings.trustedProxies()))));
            p.remove(this);
            ctx.fireChannelRead(request.retain());
        }

        private void workItem(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (request.method() != HttpMethod.POST) {
                counters.badRequests.increment();
                respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "application/json", "{\"error\":\"use POST\"}");
                return;
            }
            if (!bearer(ctx, request, "chat.work-item-token", settings.workItemToken())) {
                return;
            }
            JsonNode body;
            try {
                body = json.readTree(request.content().toString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                body = null;
            }
            String problem = null;
            org.loket.core.Channel channel = null;
            if (body == null || !body.isObject()) {
                problem = "the body must be a JSON object";
            } else {
                String ch = body.path("channel").asText("");
                channel = switch (ch.toLowerCase(Locale.ROOT)) {
                    case "email" -> org.loket.core.Channel.EMAIL;
                    case "social" -> org.loket.core.Channel.SOCIAL;
                    default -> null;
                };
                if (channel == null) {
                    problem = "channel must be 'email' or 'social', not '" + ch + "'";
                } else if (!body.path("externalId").isTextual() || body.path("externalId").asText().isBlank()
                        || body.path("externalId").asText().length() > 200) {
                    problem = "externalId must be a text of 1..200 characters (the id in your mail or webcare system)";
                } else if (!body.path("body").isTextual() || body.path("body").asText().isBlank()) {
                    problem = "body must be a non-empty text";
                } else if (body.path("subject").asText("").length() > 500 || body.path("from").asText("").length() > 320) {
                    problem = "subject is at most 500 characters and from at most 320";
                } else if (body.has("preferredAgent") && !body.path("preferredAgent").isTextual()) {
                    problem = "preferredAgent must be an agent's name (e.g. the one who answered the earlier mail)";
                }
            }
            if (problem != null) {
                counters.badRequests.increment();
                respondJson(ctx, request, HttpResponseStatus.BAD_REQUEST, Map.of("error", problem));
                return;
            }
            JsonNode item = body;
            org.loket.core.Channel itemChannel = channel;
            request.retain();
            hub.ask(h -> h.acceptWorkItem(itemChannel, item.path("externalId").asText(), item.path("from").asText(null),
                    item.path("subject").asText(""), item.path("body").asText(), item.path("preferredAgent").asText(null)))
                    .whenComplete((id, error) ->
                    ctx.executor().execute(() -> {
                        try {
                            if (error != null) {
                                respondJson(ctx, request, HttpResponseStatus.INTERNAL_SERVER_ERROR, Map.of("error", "internal error"));
                            } else if (id == null) {
                                respondJson(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE,
                                        Map.of("error", "busy; retry later", "retryAfterSeconds", 2));
                            } else if (id.duplicate()) {
                                // Loket had it already (a retry): the same id, 200, and nothing new was made
                                respondJson(ctx, request, HttpResponseStatus.OK, Map.of("workItem", id.id(), "duplicate", true));
                            } else {
                                respondJson(ctx, request, HttpResponseStatus.ACCEPTED, Map.of("workItem", id.id()));
                            }
                        } finally {
                            request.release();
                        }
                    }));
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof IdleStateEvent) {
                counters.idleClosed.increment();
                ctx.close();
                return;
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            counters.badRequests.increment();
            ctx.close();
        }
    }

    /** A stored conversation as the transcript endpoint answers it. */
    ObjectNode transcriptJson(long contactId, List<TranscriptStore.Entry> entries) {
        ObjectNode t = json.createObjectNode().put("contact", Long.toString(contactId));
        ArrayNode path = t.putArray("path");
        ArrayNode notes = t.putArray("notes");
        ArrayNode lines = t.putArray("lines");
        for (TranscriptStore.Entry e : entries) {
            switch (e.kind()) {
                case OPENED -> {
                    t.put("channel", e.who()).put("opened", Instant.ofEpochMilli(e.atMs()).toString());
                    if (e.externalId() != null) {
                        t.put("externalId", e.externalId()).put("subject", e.subject()).put("from", e.from());
                    }
                }
                case LINE -> {
                    ObjectNode line = lines.addObject().put("from", e.who()).put("text", e.text()).put("at", Instant.ofEpochMilli(e.atMs()).toString());
                    if (e.from() != null) {
                        line.put("agent", e.from()); // an agent's line names the agent (an introduction has two)
                    }
                }
                case PATH -> path.add(e.text());
                case TOPIC -> t.put("topic", e.text());
                case NOTE -> notes.add(e.text());
                case REPLY_TO -> t.put("replyTo", e.text());
                case QUEUED -> t.put("queue", e.text());
                case LANGUAGE -> t.put("language", e.text());
                case CALLBACK -> t.put("callback", true);
                case ENDED -> t.put("outcome", e.text()).put("ended", Instant.ofEpochMilli(e.atMs()).toString());
            }
        }
        return t;
    }

    private void respondJson(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, Object body) {
        try {
            respond(ctx, request, status, "application/json", json.writeValueAsString(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String errorJson(String message) {
        return json.createObjectNode().put("error", message).toString();
    }

    private void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, String type, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, type.startsWith("text/plain") ? "text/plain; charset=utf-8" : type);
        send(ctx, request, response);
    }

    private void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
        send(ctx, request, response, false);
    }

    /** @param close close the connection after this answer, whatever the request asked */
    private void send(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response, boolean close) {
        response.headers().set("Content-Security-Policy", CSP)
                .set("X-Content-Type-Options", "nosniff")
                .set("Referrer-Policy", "no-referrer")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        if (!close && HttpUtil.isKeepAlive(request)) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            if (close) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * One WebSocket connection's frames (the {@code ChatFrameAdapter} of STYLE.md): rate limit,
     * JSON check, then hand to the hub. Refused frames are answered and counted; a connection that
     * keeps sending them is closed, the server carries on.
     */
    private final class FrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
        private final Peer peer;
        private int refusedInARow;

        FrameHandler(Peer peer) {
            this.peer = peer;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            counters.framesIn.increment();
            if (!peer.admit(settings.messagesPerSecond(), settings.burstMessages())) {
                counters.rateLimited.increment();
                if (peer.kind == Peer.Kind.CITIZEN) {
                    refused(CitizenError.RATE_LIMITED.frame(json, peer.language).toString());
                } else {
                    refused("rate-limited", "Too many messages; slow down.");
                }
                return;
            }
            if (!(frame instanceof TextWebSocketFrame text) || frame instanceof ContinuationWebSocketFrame
                    || !frame.isFinalFragment()) {
                counters.malformedFrames.increment();
                refused("malformed", frame instanceof BinaryWebSocketFrame ? "binary frames are not accepted"
                        : "fragmented frames are not accepted");
                return;
            }
            JsonNode node;
            try {
                node = json.readTree(text.text());
            } catch (IOException e) {
                node = null;
            }
            if (node == null || !node.isObject() || !node.path("type").isTextual()) {
                counters.malformedFrames.increment();
                refused("malformed", "a frame is a JSON object with a text field 'type'");
                return;
            }
            refusedInARow = 0;
            JsonNode parsed = node;
            hub.execute(() -> hub.onFrame(peer, parsed));
        }

        private void refused(String code, String message) {
            refused("{\"type\":\"error\",\"code\":\"" + code + "\",\"message\":\"" + message + "\"}");
        }

        private void refused(String frame) {
            peer.send(frame);
            if (++refusedInARow >= MAX_REFUSED_IN_A_ROW) {
                peer.close(1008, "too many refused frames");
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            hub.execute(() -> hub.onClosed(peer));
            super.channelInactive(ctx);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof IdleStateEvent) {
                counters.idleClosed.increment();
                peer.close(1001, "idle");
                return;
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof CorruptedWebSocketFrameException || cause.getCause() instanceof CorruptedWebSocketFrameException) {
                if (String.valueOf(cause.getMessage()).contains("length")) {
                    counters.oversizedFrames.increment();
                } else {
                    counters.malformedFrames.increment();
                }
            } else {
                counters.malformedFrames.increment();
                LOG.debug("chat connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            }
            ctx.close();
        }
    }
}
