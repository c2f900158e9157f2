package org.loket.perf.chat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.loket.chat.ChatGateway;
import org.loket.chat.ChatSettings;
import org.loket.config.ConfigLoader;
import org.loket.config.LoadedConfig;
import org.loket.core.config.RoutingConfigCodec;
import org.loket.host.journal.Journal;
import org.loket.host.pipeline.Engine;
import org.loket.host.pipeline.EngineSettings;

/**
 * The server side of the chat load test, in its own JVM so its memory can be measured alone: the
 * full engine (ring, Chronicle journal, core) on the default configuration with the chat gateway on
 * loopback. Prints {@code PORT n} when ready and stops when its standard input closes.
 * Usage: {@code ChatLoadServer JOURNAL_DIR [engine.wait-strategy=NAME] [key=value ...]} (chat gateway settings).
 */
public final class ChatLoadServer {
    private ChatLoadServer() {
    }

    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args[0]);
        Files.createDirectories(folder);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("chat.bind", "127.0.0.1");
        settings.put(ChatSettings.PORT, "0");
        settings.put("chat.idle-timeout-seconds", "600");
        settings.put("chat.resume-seconds", "600");
        settings.put("chat.max-live-chats", "1000000"); // the load is the point: no door policy
        settings.put("chat.starts-per-second", "1000000");
        settings.put("chat.transcript-folder", folder.resolve("transcripts").toString());
        String waitStrategy = "yielding";
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            if (kv[0].equals("engine.wait-strategy")) {
                waitStrategy = kv[1];
            } else {
                settings.put(kv[0], kv[1]);
            }
        }
        LoadedConfig config = ConfigLoader.loadDefault();
        try (Journal journal = Journal.open(folder)) {
            Engine engine = Engine.start(EngineSettings.defaults().withWaitStrategy(waitStrategy), journal);
            engine.publishConfig(RoutingConfigCodec.encode(config.routing()));
            ChatGateway gateway = new ChatGateway(ChatSettings.from(settings));
            engine.startGateway(gateway, config, settings);
            ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
            ticks.scheduleAtFixedRate(engine::publishTick, 100, 100, TimeUnit.MILLISECONDS);
            System.out.println("PORT " + gateway.address().getPort());
            System.out.flush();
            InputStream in = System.in;
            while (in.read() >= 0) {
                // runs until the driver closes our standard input
            }
            ticks.shutdownNow();
            System.out.println("COUNTERS " + gateway.counters().snapshot());
            System.out.println("ENGINE commands=" + engine.processed() + " decisions=" + engine.decisions()
                    + " refusedPublishes=" + engine.publishFailures());
            engine.close(); // closes the gateway too
        }
    }
}
