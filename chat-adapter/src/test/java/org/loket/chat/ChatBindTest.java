package org.loket.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.loket.config.ConfigLoader;
import org.loket.config.LoadedConfig;
import org.loket.core.command.Command;
import org.loket.host.cli.Cli;
import org.loket.host.journal.Journal;
import org.loket.host.pipeline.Engine;
import org.loket.host.pipeline.EngineSettings;

/** The chat port is bound before {@code loket run} journals anything, and served once the gateway starts. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChatBindTest {
    @TempDir
    Path folder;

    @Test
    void shouldRefuseABusyChatPortBeforeAnythingIsJournaled() throws Exception {
        Path journal = folder.resolve("journal");
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            StringWriter out = new StringWriter();
            int exit = Cli.execute(out, "run", "--journal", journal.toString(), "--duration-seconds", "1", "--status-seconds", "0",
                    "--set", "chat.bind=127.0.0.1", "--set", "chat.port=" + busy.getLocalPort());
            assertThat(exit).as(out.toString()).isEqualTo(2);
            assertThat(out.toString()).contains("gateway chat could not start: chat.bind 127.0.0.1, chat.port " + busy.getLocalPort())
                    .contains("(another Loket, or another program, listens there). Nothing was journaled")
                    .doesNotContain("applying configuration");
        }
        long commands = 0;
        try (Journal reader = Journal.openExisting(journal); Journal.CommandReader in = reader.commandReader()) {
            for (Command c = new Command(); in.next(c); ) {
                commands++;
            }
        }
        assertThat(commands).as("commands the refused start journaled").isZero();
    }

    @Test
    void shouldServeAConnectionMadeBetweenBindAndStart() throws Exception {
        LoadedConfig config = ConfigLoader.load(Path.of(ChatBindTest.class.getResource("/chat-test-config").toURI()));
        try (Journal journal = Journal.open(folder.resolve("journal"))) {
            Engine engine = Engine.start(EngineSettings.defaults().withPretouch(false), journal);
            try {
                engine.publishConfig(config);
                engine.awaitQuiet(5_000);
                Map<String, String> settings = new LinkedHashMap<>(Map.of("chat.port", "0", "chat.bind", "127.0.0.1",
                        ChatSettings.JOURNAL, journal.folder().toString()));
                ChatGateway gateway = (ChatGateway) new ChatGatewayProvider().create(settings);
                gateway.bind();
                try (Socket early = new Socket(InetAddress.getLoopbackAddress(), gateway.address().getPort())) {
                    OutputStream request = early.getOutputStream();
                    request.write("GET /chat HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    request.flush();
                    engine.startGateway(gateway, config, settings);
                    early.setSoTimeout(10_000);
                    InputStream response = early.getInputStream();
                    String status = new String(response.readNBytes(15), StandardCharsets.US_ASCII);
                    assertThat(status).as("the answer to a request made before the gateway started").isEqualTo("HTTP/1.1 200 OK");
                }
            } finally {
                engine.close();
            }
        }
    }
}
