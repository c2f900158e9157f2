package org.loket.host.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.loket.host.audit.OperatorAudit;

/**
 * {@code loket run --watch-config}: watches the configuration folder (or single YAML file) and, once
 * a burst of saves is over ({@link #QUIET_MS} without an event), applies the folder through the
 * {@link ConfigApplier} and logs what became of it: the version applied, every problem of an invalid
 * folder (as {@code loket config check} prints them; the running configuration stays), what blocks it,
 * or a version that is not above the running one; the operators' audit gets a line per outcome.
 *
 * <p>Editor droppings (vim's {@code .swp} and {@code 4913}, emacs's {@code .#x} and {@code #x#},
 * {@code x~}, {@code .tmp}) do not count as changes. After the quiet time the YAML files' content is
 * compared with what was last seen, so a save that changed nothing (or a change to a file the loader
 * does not read) applies nothing; an atomic swap of the whole folder (Kubernetes' {@code ..data}
 * symlink) counts. A change refused because the live state has no place for it (a contact still
 * waits in a queue the change removes), or because the engine was busy, is tried again by itself:
 * after {@link #RETRY_FIRST_MS}, then at doubling intervals up to {@link #RETRY_MAX_MS}, for as long
 * as the content stays the same, so the change lands once the blocker has gone. A save tries at once.
 *
 * <p>One daemon thread, "loket-config-watch"; only the top level of the folder is watched (the
 * loader reads nothing deeper). The folder's parent is watched too, for deploys that replace the
 * folder rather than its files ({@code mv new live}, a release symlink swapped with
 * {@code ln -sfn rel2 current}): the watch follows the new folder (a symbolic link resolved anew)
 * and treats it as a change. While the folder (or the single file) is missing it waits for it, saying
 * so, and applies nothing: the running configuration stays, with no refusal in the log, audit or
 * metrics, and a folder that comes back as it was is no change. It stops only when the parent goes away.
 */
public final class ConfigWatcher implements AutoCloseable {
    /** A burst of saves is over after this long without an event. */
    public static final long QUIET_MS = 500;
    /** Apply at the latest this long after the first event of a burst that never goes quiet. */
    public static final long MAX_DELAY_MS = 5_000;
    /** A blocked or busy change is tried again this long after, then at doubling intervals... */
    public static final long RETRY_FIRST_MS = 5_000;
    /** ...up to this. */
    public static final long RETRY_MAX_MS = 60_000;

    private final Path folder;
    /** The one file watched when {@code --config} names a file, else null. */
    private final String onlyFile;
    private final WatchService watch;
    /** The folder's parent: a folder replaced or a symbolic link swapped shows here, not in the folder. */
    private final WatchKey parentKey;
    /** The folder's own watch, or null while it is missing. */
    private WatchKey folderKey;
    private final Debounce debounce;
    private final BooleanSupplier onChange;
    private final Consumer<String> log;
    private final Thread thread;
    private final AtomicLong changes = new AtomicLong();
    private final long retryFirstNs;
    private final long retryMaxNs;
    /** When to try a refused change again (0: nothing to retry), and the interval after that one. */
    private long retryAtNs;
    private long retryIntervalNs;
    private byte[] lastSeen;
    /** Whether the configuration was found gone since it was last there (a single file's going is said once). */
    private boolean saidGone;
    private volatile boolean closed;

    private ConfigWatcher(Path config, long quietMs, long maxDelayMs, long retryFirstMs, long retryMaxMs, BooleanSupplier onChange,
                          Consumer<String> log) throws IOException {
        Path absolute = config.toAbsolutePath();
        boolean file = Files.isRegularFile(absolute);
        this.folder = file ? absolute.getParent() : absolute;
        this.onlyFile = file ? absolute.getFileName().toString() : null;
        this.debounce = new Debounce(TimeUnit.MILLISECONDS.toNanos(quietMs), TimeUnit.MILLISECONDS.toNanos(maxDelayMs));
        this.onChange = onChange;
        this.log = log;
        this.retryFirstNs = TimeUnit.MILLISECONDS.toNanos(retryFirstMs);
        this.retryMaxNs = TimeUnit.MILLISECONDS.toNanos(retryMaxMs);
        this.lastSeen = fingerprint();
        this.watch = FileSystems.getDefault().newWatchService();
        this.folderKey = register(folder);
        this.parentKey = folder.getParent() == null || onlyFile != null ? null : register(folder.getParent());
        this.thread = new Thread(this::run, "loket-config-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Starts watching {@code config} and applying its changes with {@code applier}.
     *
     * @param config the folder (or YAML file) the running configuration was loaded from; its content
     *               now counts as seen
     * @param log    receives one line per outcome (and one per problem); called on the watch thread
     */
    public static ConfigWatcher start(Path config, ConfigApplier applier, OperatorAudit audit, Consumer<String> log) throws IOException {
        AtomicReference<String> lastAudited = new AtomicReference<>();
        return start(config, QUIET_MS, MAX_DELAY_MS, RETRY_FIRST_MS, RETRY_MAX_MS, () -> {
            ConfigApplier.Outcome outcome;
            try {
                outcome = applier.apply(config);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            audit(audit, config, outcome, lastAudited);
            return report(outcome, log);
        }, log);
    }

    /**
     * Records the outcome in the operators' audit (via {@code config-watch}; the actor is
     * {@code unknown}: a saved file names no one): every apply and every refusal, but a blocked change
     * only once while its retries end the same way, and nothing for a content already in force.
     */
    private static void audit(OperatorAudit audit, Path config, ConfigApplier.Outcome outcome, AtomicReference<String> lastAudited) {
        if (outcome.kind() == ConfigApplier.Kind.UNCHANGED) {
            return;
        }
        String line = outcome.auditDetail() + ": " + outcome.message();
        boolean retrying = outcome.kind() == ConfigApplier.Kind.BLOCKED || outcome.kind() == ConfigApplier.Kind.BUSY;
        if (retrying && line.equals(lastAudited.get())) {
            return;
        }
        lastAudited.set(retrying ? line : null);
        audit.record("config-watch", "unknown", "config-apply", config.toAbsolutePath().toString(), outcome.auditDetail());
    }

    /**
     * Starts watching with another action (tests).
     *
     * @param onChange runs on the watch thread after a burst that changed the content; returns false
     *                 when the same content should be tried again (by itself after a while, or on the next save)
     */
    static ConfigWatcher start(Path config, long quietMs, long maxDelayMs, long retryFirstMs, long retryMaxMs,
                               BooleanSupplier onChange, Consumer<String> log) throws IOException {
        return new ConfigWatcher(config, quietMs, maxDelayMs, retryFirstMs, retryMaxMs, onChange, log);
    }

    /** Logs the outcome of applying the folder; false when a later save of the same content should retry. */
    private static boolean report(ConfigApplier.Outcome outcome, Consumer<String> log) {
        String running = outcome.running() < 0 ? "" : " (running: version " + outcome.running() + ")";
        switch (outcome.kind()) {
            case APPLIED -> {
                log.accept("config watch: " + outcome.message() + (outcome.running() < 0 ? "" : ", was version " + outcome.running()));
                outcome.problems().forEach(p -> log.accept("  " + p));
            }
            case UNCHANGED -> log.accept("config watch: " + outcome.message());
            case INVALID -> {
                log.accept("config watch: " + outcome.message() + running + ":");
                outcome.problems().forEach(p -> log.accept("  " + p));
            }
            case STALE_VERSION -> log.accept("config watch: " + outcome.message());
            case BLOCKED, BUSY -> log.accept("config watch: " + outcome.message() + running + "; will try again");
        }
        return outcome.kind() != ConfigApplier.Kind.BLOCKED && outcome.kind() != ConfigApplier.Kind.BUSY;
    }

    /** Bursts of changes acted upon so far. */
    public long changes() {
        return changes.get();
    }

    /** Whether a file of this name in the watched folder can change the configuration (editor temp files cannot). */
    static boolean relevant(String name, String onlyFile) {
        if (onlyFile != null) {
            return name.equals(onlyFile);
        }
        String lower = name.toLowerCase(Locale.ROOT);
        return !(lower.startsWith(".#") || lower.startsWith("#") || lower.endsWith("~") || lower.equals("4913")
                || lower.endsWith(".swp") || lower.endsWith(".swx") || lower.endsWith(".swo") || lower.endsWith(".tmp")
                || lower.endsWith(".bak") || lower.endsWith(".part") || lower.endsWith(".crswap"));
    }

    private WatchKey register(Path directory) throws IOException {
        return directory.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
    }

    /**
     * The folder was replaced (or its link swapped): watch what the path names now. Registering the
     * path again resolves a symbolic link anew; the old key, which watches the old directory, goes.
     */
    private void follow() {
        if (folderKey != null) {
            folderKey.cancel();
            folderKey = null;
        }
        if (!Files.isDirectory(folder)) {
            log.accept("config watch: the folder " + folder + " is gone; waiting for it to come back");
            return;
        }
        try {
            folderKey = register(folder);
            log.accept("config watch: following the folder " + folder + " anew (replaced)");
        } catch (IOException e) {
            log.accept("config watch: cannot watch " + folder + " (" + e.getMessage() + "); waiting for it to change again");
        }
    }

    private void run() {
        try {
            while (!closed) {
                long nowNs = System.nanoTime();
                long waitNs = debounce.remainingNs(nowNs);
                if (retryAtNs != 0 && waitNs == Debounce.IDLE) {
                    waitNs = Math.max(0, retryAtNs - nowNs);
                }
                WatchKey key = waitNs == Debounce.IDLE ? watch.take() : waitNs > 0 ? watch.poll(waitNs, TimeUnit.NANOSECONDS) : null;
                if (key != null && key == parentKey) {
                    boolean replaced = false;
                    for (WatchEvent<?> event : key.pollEvents()) {
                        replaced |= event.kind() == StandardWatchEventKinds.OVERFLOW
                                || ((Path) event.context()).getFileName().equals(folder.getFileName());
                    }
                    if (!key.reset()) {
                        log.accept("config watch: the folder " + folder.getParent() + " is gone; no longer watching " + folder);
                        return;
                    }
                    if (replaced) {
                        follow();
                        if (folderKey != null) { // back (or replaced): a change; gone: nothing to apply until it is back
                            debounce.event(System.nanoTime());
                        }
                    }
                } else if (key != null) {
                    for (WatchEvent<?> event : key.pollEvents()) {
                        if (event.kind() == StandardWatchEventKinds.OVERFLOW
                                || relevant(((Path) event.context()).getFileName().toString(), onlyFile)) {
                            debounce.event(System.nanoTime());
                        }
                    }
                    if (!key.reset() && key == folderKey) {
                        if (parentKey == null) {
                            log.accept("config watch: the folder " + folder + " is gone; no longer watching it");
                            return;
                        }
                        follow(); // gone, or already back under the same name
                    }
                }
                if (debounce.takeDue(System.nanoTime())) {
                    act();
                } else if (retryAtNs != 0 && debounce.remainingNs(System.nanoTime()) == Debounce.IDLE
                        && System.nanoTime() >= retryAtNs) {
                    act();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    private void act() {
        // Whatever happens below, a retry already planned is obsolete (the content is back to what is
        // in force, or it is tried now); a blocked try plans the next one.
        retryAtNs = 0;
        if (!present()) {
            // Moved away or deleted: the running configuration stays, and applying what is not there
            // would only be refused (an "invalid" audit line, metric and alert for a deploy in progress).
            // Its return is the next change. A folder's going is said by follow().
            if (onlyFile != null && !saidGone) {
                log.accept("config watch: the file " + folder.resolve(onlyFile) + " is gone; waiting for it to come back");
            }
            saidGone = true;
            return;
        }
        saidGone = false;
        byte[] now = fingerprint();
        if (now != null && Arrays.equals(now, lastSeen)) {
            retryIntervalNs = 0;
            return;
        }
        changes.incrementAndGet();
        boolean settled;
        try {
            settled = onChange.getAsBoolean();
        } catch (RuntimeException e) {
            // A fault, not a blocker that goes away: no retry by itself, but a save of the same content tries again.
            log.accept("config watch: applying " + folder + " failed: " + e + "; save again to retry");
            retryIntervalNs = 0;
            return;
        }
        if (settled) {
            lastSeen = now;
            retryIntervalNs = 0;
        } else {
            retryIntervalNs = retryIntervalNs == 0 ? retryFirstNs : Math.min(retryMaxNs, retryIntervalNs * 2);
            retryAtNs = System.nanoTime() + retryIntervalNs;
        }
    }

    /** Whether the watched folder (or file) is there to be applied. */
    private boolean present() {
        return onlyFile == null ? Files.isDirectory(folder) : Files.isRegularFile(folder.resolve(onlyFile));
    }

    /** A digest of the YAML files the loader would read (names and bytes), or null when they cannot be read. */
    private byte[] fingerprint() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            List<Path> files;
            if (onlyFile != null) {
                files = List.of(folder.resolve(onlyFile));
            } else {
                try (Stream<Path> list = Files.list(folder)) {
                    files = list.filter(p -> {
                        String name = p.getFileName().toString();
                        return name.endsWith(".yaml") || name.endsWith(".yml");
                    }).sorted().toList();
                }
            }
            for (Path file : files) {
                digest.update(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(Files.readAllBytes(file));
                digest.update((byte) 0);
            }
            return digest.digest();
        } catch (IOException e) {
            return null; // a file vanished mid-save: let the loader say what is wrong
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            watch.close();
        } catch (IOException e) {
            // closing a watch service only releases its inotify handle
        }
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
