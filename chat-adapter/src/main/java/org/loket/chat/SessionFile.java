package org.loket.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.loket.host.security.OwnerOnlyFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signed-in users' sessions of one kind, kept across a restart of Loket for {@link Sessions}: the
 * supervisors' wallboard sessions ({@code chat.supervisor-session-file}, owner field
 * {@code supervisor}) or the agents' desktop sessions ({@code chat.agent-session-file}, owner field
 * {@code agent}). One file holding a header line {@code {"loket":"OWNER-sessions","format":1}}
 * (e.g. {@code supervisor-sessions}) and then one JSON object a session: {@code tokenHash} (the
 * session token's SHA-256, {@link Citizens#tokenHash}: never the token), the owner's name under
 * its field, {@code signedIn}, {@code lastUsed} and {@code expires} (UTC instants).
 *
 * <p>Written whole ({@link OwnerOnlyFiles#replace}: owner-only, synced, moved over it), so a reader
 * or a crash finds the old file or the new one, never a mix. A thread of its
 * own ("loket-chat-sessions") writes, and only the newest state handed over: the hub never waits
 * on the disk. {@link #close} writes what was handed over last. A failed write is counted and
 * logged once (the sessions live on in memory).
 *
 * <p>Read once at start ({@link #load}). A file that does not parse restores nothing: one error
 * names the file and line, the file is set aside as {@code NAME.malformed} (the next write would
 * otherwise destroy what the error points at), and Loket starts without those sessions. A file
 * its group or others may read or write restores nothing either: a line someone else could add
 * would be a sign-in.
 */
final class SessionFile implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionFile.class);
    static final int FORMAT = 1;
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    /** One session as the file keeps it: whose ({@code owner}: a supervisor's or agent's name); times in epoch ms. */
    record Saved(String tokenHash, String owner, long signedInMs, long lastUsedMs, long expiresMs) {
    }

    private final Path file;
    /** The owners' field in the file: {@code supervisor}, {@code agent}. */
    private final String ownerField;
    /** What the file is, in its header: {@code supervisor-sessions}, {@code agent-sessions}. */
    private final String kind;
    private final String header;
    /** Whose sessions, for the log: "supervisors". */
    private final String owners;
    private final ChatCounters counters;
    private final ObjectMapper json = new ObjectMapper();
    private final ExecutorService writer;
    /** The newest state handed over and not yet taken by the writer, or null. */
    private final AtomicReference<List<Saved>> newest = new AtomicReference<>();
    /** Whether the last write failed (writer thread only): logged once, and once when writes work again. */
    private boolean failing;

    /** @param ownerField what an owner is, the name of its field: {@code supervisor}, {@code agent} */
    SessionFile(Path file, String ownerField, ChatCounters counters) {
        this.file = file;
        this.ownerField = ownerField;
        this.kind = ownerField + "-sessions";
        this.header = "{\"loket\":\"" + kind + "\",\"format\":" + FORMAT + "}";
        this.owners = ownerField + "s";
        this.counters = counters;
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "loket-chat-" + kind);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The sessions the file holds, in file order; none when there is no file, and none (logged as
     * an error) when it is malformed or not its owner's alone. Expiry is the caller's to judge.
     */
    List<Saved> load() {
        List<String> lines;
        try {
            if (notOwnerOnly()) {
                LOG.error("chat: {}' sessions in {} not restored: others may read or write the file (a line added there "
                        + "would be a sign-in); {} sign in again, and the next write replaces it owner-only", owners, file, owners);
                return List.of();
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            LOG.error("chat: {}' sessions in {} not restored: the file cannot be read ({}); {} sign in again", owners, file,
                    e.toString(), owners);
            return List.of();
        }
        List<Saved> sessions = new ArrayList<>();
        int lineNumber = 0;
        try {
            if (lines.isEmpty() || !header(lines.get(0))) {
                throw new IllegalArgumentException(lines.isEmpty() ? "the file is empty; expected the header " + header
                        : "expected the header " + header + " (another format, or not a sessions file)");
            }
            for (lineNumber = 2; lineNumber <= lines.size(); lineNumber++) {
                String line = lines.get(lineNumber - 1);
                if (!line.isBlank()) {
                    sessions.add(session(line));
                }
            }
        } catch (IllegalArgumentException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".malformed");
            String kept;
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
                kept = "set aside as " + aside;
            } catch (IOException moveFailed) {
                kept = "left in place (" + moveFailed + "), so the next write replaces it";
            }
            LOG.error("chat: {}' sessions not restored: {}:{}: {}; the file is {}; {} sign in again", owners, file,
                    Math.max(1, lineNumber), e.getMessage(), kept, owners);
            return List.of();
        }
        return sessions;
    }

    private boolean notOwnerOnly() throws IOException {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            return !OWNER_FILE.containsAll(permissions);
        } catch (UnsupportedOperationException e) {
            return false; // not a POSIX file system: its own access control applies
        }
    }

    private boolean header(String line) {
        try {
            JsonNode h = json.readTree(line);
            return h != null && kind.equals(h.path("loket").asText()) && h.path("format").asInt() == FORMAT;
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /** One line's session; throws naming the field that is wrong. */
    private Saved session(String line) {
        JsonNode s;
        try {
            s = json.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON object (" + e.getOriginalMessage() + ")", e);
        }
        if (s == null || !s.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        String tokenHash = s.path("tokenHash").asText("");
        if (!tokenHash.matches("[A-Za-z0-9_-]{43}")) {
            throw new IllegalArgumentException("'tokenHash' is not a SHA-256 hash in base64url (43 characters)");
        }
        String owner = s.path(ownerField).asText("");
        if (owner.isEmpty()) {
            throw new IllegalArgumentException("'" + ownerField + "' is missing or empty");
        }
        return new Saved(tokenHash, owner, instant(s, "signedIn"), instant(s, "lastUsed"), instant(s, "expires"));
    }

    private static long instant(JsonNode session, String field) {
        String text = session.path(field).asText("");
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + field + "' '" + text + "' is not a UTC time such as 2026-11-25T08:00:00.000Z", e);
        }
    }

    /** Hands over the sessions to keep now, replacing any state not yet written. Any thread; never blocks. */
    void save(List<Saved> sessions) {
        if (newest.getAndSet(List.copyOf(sessions)) == null) {
            writer.execute(this::writeNewest); // else the task handed over before takes this state too
        }
    }

    /** Waits until what was handed over so far is written (tests). */
    void awaitWritten() throws Exception {
        writer.submit(() -> { }).get(10, TimeUnit.SECONDS);
    }

    private void writeNewest() {
        List<Saved> sessions = newest.getAndSet(null);
        if (sessions == null) {
            return;
        }
        try {
            write(sessions);
            if (failing) {
                failing = false;
                LOG.info("chat: {}' sessions are written to {} again", owners, file);
            }
        } catch (IOException | RuntimeException e) {
            counters.sessionFileFailures.increment();
            if (!failing) {
                failing = true;
                LOG.error("chat: {}' sessions cannot be written to {} ({}); they live on in memory, but a restart now would end them",
                        owners, file, e.toString());
            }
        }
    }

    private void write(List<Saved> sessions) throws IOException {
        StringBuilder text = new StringBuilder(header).append('\n');
        for (Saved s : sessions) {
            text.append(json.createObjectNode().put("tokenHash", s.tokenHash()).put(ownerField, s.owner())
                    .put("signedIn", Instant.ofEpochMilli(s.signedInMs()).toString())
                    .put("lastUsed", Instant.ofEpochMilli(s.lastUsedMs()).toString())
                    .put("expires", Instant.ofEpochMilli(s.expiresMs()).toString())).append('\n');
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        OwnerOnlyFiles.replace(file, text.toString()); // whole: the old sessions or the new ones after a crash, never a part
    }

    /** Writes what was handed over last, then stops the writer. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("chat: {}' sessions not written to {} within 10 s at the stop", owners, file);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
