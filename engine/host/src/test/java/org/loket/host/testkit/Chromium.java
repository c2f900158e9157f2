package org.loket.host.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Chromium for tests of Loket's web pages: installed with apt-get when missing (CI runs as
 * root on a fresh machine; when that is impossible the test fails, it never skips), started
 * headless with the flags that keep it off the network.
 */
public final class Chromium {
    public static final String CHROMIUM = "/usr/bin/chromium";
    public static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    /** Headless, no sandbox (root), and nothing that phones home or updates itself. */
    public static final List<String> FLAGS = List.of("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--lang=en-US");

    private Chromium() {
    }

    /** Installs Debian's chromium and chromium-driver (with their recommended fonts) if either is missing. */
    public static synchronized void ensureInstalled() throws IOException, InterruptedException {
        if (Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER))) {
            return;
        }
        apt(List.of("apt-get", "update", "-qq"));
        apt(List.of("apt-get", "install", "-y", "-qq", "chromium", "chromium-driver"));
        if (!Files.isExecutable(Path.of(CHROMIUM)) || !Files.isExecutable(Path.of(CHROMEDRIVER))) {
            throw new IllegalStateException("chromium and chromium-driver are needed for the browser tests and could not be "
                    + "installed; run as root: apt-get install chromium chromium-driver");
        }
    }

    /**
     * Loads a page, lets its scripts run for {@code scriptMs} of virtual time, saves a screenshot and
     * returns the DOM as the scripts left it, with the browser's console messages.
     */
    public static Page render(Path page, Path screenshot, Path profile, int scriptMs) throws IOException, InterruptedException {
        ensureInstalled();
        Files.createDirectories(screenshot.toAbsolutePath().getParent());
        List<String> base = new ArrayList<>(List.of(CHROMIUM));
        base.addAll(FLAGS);
        base.add("--user-data-dir=" + profile.toAbsolutePath());
        base.add("--virtual-time-budget=" + scriptMs);
        base.add("--window-size=1280,2400");
        List<String> shot = new ArrayList<>(base);
        shot.add("--screenshot=" + screenshot.toAbsolutePath());
        shot.add(page.toUri().toString());
        run(shot, profile.resolve("screenshot.log"));
        List<String> dump = new ArrayList<>(base);
        dump.add("--enable-logging=stderr");
        dump.add("--dump-dom");
        dump.add(page.toUri().toString());
        Path log = profile.resolve("dump.log");
        Path dom = profile.resolve("dom.html");
        ProcessBuilder pb = new ProcessBuilder(dump).redirectOutput(dom.toFile()).redirectError(log.toFile());
        wait(pb.start(), dump);
        return new Page(Files.readString(dom, StandardCharsets.UTF_8),
                Files.readAllLines(log).stream().filter(l -> l.contains("CONSOLE")).toList());
    }

    /** A rendered page: its DOM and what its scripts wrote to the console. */
    public record Page(String dom, List<String> console) {
    }

    private static void run(List<String> command, Path log) throws IOException, InterruptedException {
        Files.createDirectories(log.getParent());
        wait(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start(), command);
    }

    private static void wait(Process p, List<String> command) throws InterruptedException {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("chromium did not finish in 60 s: " + command);
        }
    }

    private static void apt(List<String> command) throws IOException, InterruptedException {
        File log = new File("target/apt-get.log");
        log.getParentFile().mkdirs();
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process p = pb.start();
        if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(command + " failed (exit " + (p.isAlive() ? "timeout" : p.exitValue())
                    + "); see target/apt-get.log. Install chromium and chromium-driver as root.");
        }
    }
}
