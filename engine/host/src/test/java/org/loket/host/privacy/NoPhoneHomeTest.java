package org.loket.host.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A government contact center never phones home: Chronicle's analytics must be absent and its
 * banner silent, with exactly the JVM flags Loket's launcher and build use (the parent pom's
 * {@code loket.jvm.flags}, passed in by surefire).
 */
@Timeout(120)
class NoPhoneHomeTest {
    @TempDir
    Path folder;

    @Test
    void shouldNotHaveChronicleAnalyticsOnTheClassPath() {
        assertThatThrownBy(() -> Class.forName("net.openhft.chronicle.analytics.Analytics"))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void shouldPrintNoBannerAndWriteNoAnalyticsFilesWithLoketsFlags() throws Exception {
        Path home = Files.createDirectories(folder.resolve("home"));
        String output = runProbe(loketFlags(), home);
        assertThat(output).contains("probe done");
        assertThat(output).doesNotContain("Process id").doesNotContain("chronicle.software").doesNotContain("Running under");
        try (Stream<Path> files = Files.walk(home)) {
            assertThat(files.filter(Files::isRegularFile).toList()).as("files written to the home folder").isEmpty();
        }
    }

    /** The control: without the flag the banner does appear, so the check above can fail. */
    @Test
    void shouldSeeTheBannerWhenTheAnnouncerIsNotDisabled() throws Exception {
        List<String> flags = new ArrayList<>(loketFlags());
        flags.removeIf(f -> f.startsWith("-Dchronicle.announcer.disable"));
        String output = runProbe(flags, Files.createDirectories(folder.resolve("home2")));
        assertThat(output).contains("probe done").contains("Process id");
    }

    private static List<String> loketFlags() {
        String flags = System.getProperty("loket.jvm.flags");
        assertThat(flags).as("surefire passes the parent pom's loket.jvm.flags").isNotBlank();
        return new ArrayList<>(Arrays.asList(flags.trim().split("\\s+")));
    }

    private String runProbe(List<String> flags, Path home) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(flags);
        command.add("-Duser.home=" + home);
        // Everything at INFO, Chronicle included: silence must come from the flags, not the log level.
        Path logback = folder.resolve("logback-all-info.xml");
        Files.writeString(logback, """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%level %logger - %msg%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="OUT"/></root>
                </configuration>
                """);
        command.add("-Dlogback.configurationFile=" + logback);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ChronicleProbe.class.getName());
        command.add(folder.resolve("journal-" + System.nanoTime()).toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(out, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
