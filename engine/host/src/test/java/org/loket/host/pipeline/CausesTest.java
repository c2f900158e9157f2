package org.loket.host.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CausesTest {
    @Test
    void shouldNameEveryCauseOnce() {
        var cause = new java.nio.file.FileSystemException("/var/lib/loket/journal", null, "Read-only file system");
        var e = new java.io.UncheckedIOException("journal folder /var/lib/loket/journal cannot be created owner-only", cause);
        assertThat(Causes.messages(e)).isEqualTo("journal folder /var/lib/loket/journal cannot be created owner-only: "
                + "/var/lib/loket/journal: Read-only file system");
        assertThat(Causes.messages(new IllegalStateException("x", new IllegalStateException("x")))).isEqualTo("x");
    }
}
