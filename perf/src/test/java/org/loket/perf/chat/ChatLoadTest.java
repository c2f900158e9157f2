package org.loket.perf.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A small run of the WebSocket load driver as a functional check: the figures are perf/chat-load.sh's job. */
class ChatLoadTest {
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldCarryTwoHundredConcurrentCitizensThroughTheChatbot() throws Exception {
        ChatLoad.Result r = ChatLoad.run(new ChatLoad.Options(200, 500, 5, 1_000, 3, false), Path.of("target", "chat-load"));
        assertThat(r.connected()).isEqualTo(200);
        assertThat(r.errors()).isZero();
        assertThat(r.closedEarly()).isZero();
        // 8 s at one choice per 0.5 s per citizen: up to 16 answers each. Only the functioning is
        // checked (a busy CI machine may be slow): every citizen got through the language choice,
        // the main menu and the application menu at least once.
        assertThat(r.answers()).isGreaterThanOrEqualTo(200 * 3);
        assertThat(r.heapLoadedBytes()).isGreaterThan(0);
        assertThat(r.serverCounters()).contains("malformedFrames=0", "rateLimited=0");
    }
}
