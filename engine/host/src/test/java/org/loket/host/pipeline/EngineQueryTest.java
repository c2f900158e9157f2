package org.loket.host.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.config.ConfigLoader;
import org.loket.core.Channel;
import org.loket.core.command.CommandType;
import org.loket.host.journal.Journal;

/** {@link Engine#query} reads the core after every command published before it was asked. */
class EngineQueryTest {
    @TempDir
    Path folder;

    @Test
    void shouldSeeEveryCommandPublishedBeforeTheQuery() throws Exception {
        try (Journal journal = Journal.open(folder.resolve("journal"))) {
            Engine engine = Engine.start(EngineSettings.defaults().withSnapshotEvery(0), journal);
            try {
                engine.publishConfig(ConfigLoader.loadDefault());
                engine.awaitQuiet(5_000);
                for (int round = 1; round <= 20; round++) {
                    for (int i = 0; i < 500; i++) {
                        long id = round * 1_000L + i;
                        while (!engine.tryPublish((c, unused) -> {
                            c.type = CommandType.CONTACT_ARRIVED;
                            c.contactId = id;
                            c.entryId = 0;
                            c.channel = Channel.VOICE.code();
                        }, null)) {
                            Thread.onSpinWait();
                        }
                    }
                    // Asked at once, while the core works through the burst: the answer counts all of it.
                    int live = engine.query(core -> core.liveContacts()).get(10, TimeUnit.SECONDS);
                    assertThat(live).as("round %d", round).isEqualTo(round * 500);
                }
            } finally {
                engine.close();
            }
        }
    }
}
