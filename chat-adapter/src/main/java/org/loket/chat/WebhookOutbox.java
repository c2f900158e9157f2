package org.loket.chat;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.loket.host.security.OwnerOnlyFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook's messages on disk until the gateway took them ({@code chat.webhook-outbox-file},
 * {@link OutboxLines}' format), so a stop or a crash while the gateway is down loses no citizen's
 * reply. {@link #add} appends a message and syncs it before it returns; {@link #delivered} and
 * {@link #givenUp} mark it (synced too). The file holds citizens' texts, so it is kept small: it is
 * replaced whole, owner-only ({@link OwnerOnlyFiles#replace}), by the messages still waiting alone
 * whenever none waits (the usual case: the header is all that stays), and otherwise once
 * {@value #REWRITE_AFTER} or as many marks as messages waiting piled up (each rewrite pays for the
 * appends since the last).
 *
 * <p>A message given up goes to {@value #GIVEN_UP_FILE} beside the outbox (appended, owner-only,
 * synced; the same format with {@code givenUpAt} and {@code why}), for an operator to inspect and
 * re-send: at {@link #open}, the messages of {@value #RESEND_FILE} beside the outbox (a given-up
 * file renamed) are queued behind the outbox's, with their ids and a fresh give-up clock, and the
 * file is deleted.
 *
 * <p>{@link #open} accepts every complete line (the last one may be cut short by a crash); other
 * bad lines are named in the log, the file as read is copied aside as {@code NAME.malformed} and the
 * good messages are kept. A file that others than its owner may read or write is not sent from (a
 * line added there would be posted with the gateway's token): it is moved aside as
 * {@code NAME.not-owner-only} and logged, like {@link SessionFile}'s.
 *
 * <p>Thread-safe: the hub adds, the webhook's sender marks; one lock, held for one write and sync
 * (or one rewrite). Writes use streams, not channels, so an interrupt never closes the file.
 */
final class WebhookOutbox implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookOutbox.class);
    static final String GIVEN_UP_FILE = "webhook-given-up.jsonl";
    static final String RESEND_FILE = "webhook-resend.jsonl";
    /** Marks written since the last rewrite that make the next mark a rewrite even with messages waiting. */
    static final int REWRITE_AFTER = 256;
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    private final Path file;
    private final Path givenUpFile;
    /** What the file holds as waiting, in order: a rewrite writes these. */
    private final Map<String, WebhookMessage> waiting = new LinkedHashMap<>();
    private final List<WebhookMessage> recovered;
    private FileOutputStream out;
    private int marksSinceRewrite;
    /** A write failed: the file may end in part of a line, so the next change rewrites it whole. */
    private boolean rewriteNeeded;
    private boolean closed;

    private WebhookOutbox(Path file, List<WebhookMessage> recovered) {
        this.file = file;
        this.givenUpFile = file.toAbsolutePath().resolveSibling(GIVEN_UP_FILE);
        this.recovered = recovered;
        for (WebhookMessage m : recovered) {
            waiting.put(m.id(), m);
        }
    }

    /**
     * Reads what waits in {@code file} and in {@value #RESEND_FILE} beside it, writes the outbox anew
     * with those alone (owner-only, synced), and deletes the re-send file.
     *
     * @param nowMs the re-sent messages' new queue time
     * @throws IOException when the outbox cannot be written (Loket cannot promise delivery then)
     */
    static WebhookOutbox open(Path file, long nowMs) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Map<String, WebhookMessage> found = new LinkedHashMap<>();
        for (WebhookMessage m : take(file)) {
            found.putIfAbsent(m.id(), m);
        }
        Path resend = file.toAbsolutePath().resolveSibling(RESEND_FILE);
        boolean resending = Files.exists(resend);
        int resent = 0;
        for (WebhookMessage m : resending ? take(resend) : List.<WebhookMessage>of()) {
            resent += found.putIfAbsent(m.id(), m.queuedAgain(nowMs)) == null ? 1 : 0;
        }
        WebhookOutbox outbox = new WebhookOutbox(file, List.copyOf(found.values()));
        outbox.rewrite();
        if (resending && Files.deleteIfExists(resend)) {
            LOG.info("webhook: {} messages of {} queued again behind those waiting; the file is deleted", resent, resend);
        }
        return outbox;
    }

    /** The messages waiting at {@link #open}, in the order they are to be sent. */
    List<WebhookMessage> recovered() {
        return recovered;
    }

    Path file() {
        return file;
    }

    /**
     * What {@code source} holds as waiting; a bad line, another format or a file others may use is
     * logged and the file (or a copy) is set aside.
     */
    private static List<WebhookMessage> take(Path source) throws IOException {
        try {
            if (!OWNER_FILE.containsAll(Files.getPosixFilePermissions(source))) {
                Path aside = setAside(source, "not-owner-only", true);
                LOG.error("webhook: nothing is sent from {}: others than its owner may read or write it (a line added there would be "
                        + "posted with the gateway's token); moved to {}. Check it, chmod 600 it and move it to {} to send it",
                        source, aside, source.toAbsolutePath().resolveSibling(RESEND_FILE));
                return List.of();
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its own access control applies
        }
        OutboxLines.Read read = OutboxLines.read(source);
        if (read.refused() != null) {
            Path aside = setAside(source, "malformed", true);
            LOG.error("webhook: nothing is sent from {}: {}; moved to {}", source, read.refused(), aside);
            return List.of();
        }
        if (!read.badLines().isEmpty()) {
            Path aside = setAside(source, "malformed", false);
            LOG.error("webhook: {}:{}: {}; {} bad lines in all (lines {}) are skipped and the file as read is copied to {}; "
                    + "the {} good messages waiting are kept", source, read.badLines().getFirst(), read.firstProblem(),
                    read.badLines().size(), read.badLines(), aside, read.waiting().size());
        }
        if (read.truncatedTail()) {
            LOG.warn("webhook: {} ends in a line cut short (a stop during a write, whose message was never promised); skipped", source);
        }
        return read.waiting();
    }

    /** Moves or copies {@code source} to {@code NAME.suffix} (or {@code NAME.suffix.N}: an earlier one is kept). */
    private static Path setAside(Path source, String suffix, boolean move) throws IOException {
        Path aside = source.resolveSibling(source.getFileName() + "." + suffix);
        for (int n = 1; Files.exists(aside); n++) {
            aside = source.resolveSibling(source.getFileName() + "." + suffix + "." + n);
        }
        if (move) {
            Files.move(source, aside);
        } else {
            Files.copy(source, aside, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
        return aside;
    }

    /**
     * Appends {@code m} and syncs it: once this returns, a crash does not lose it.
     *
     * @throws IOException when it is not on disk (it is still kept for the next rewrite)
     */
    synchronized void add(WebhookMessage m) throws IOException {
        waiting.put(m.id(), m);
        append(OutboxLines.message(m));
    }

    /**
     * Marks {@code m} delivered (a rewrite when nothing else waits).
     *
     * @throws IOException when the mark is not on disk (a restart sends {@code m} again, with its id)
     */
    synchronized void delivered(WebhookMessage m) throws IOException {
        waiting.remove(m.id());
        mark(OutboxLines.marker("delivered", m.id()));
    }

    /**
     * Appends {@code m} to the given-up file (synced), then marks it given up in the outbox.
     *
     * @param why the reason recorded with it: no text, no token
     * @throws IOException when the given-up file cannot take it: {@code m} then stays in the outbox (a restart sends it again)
     */
    synchronized void givenUp(WebhookMessage m, String why, long nowMs) throws IOException {
        boolean created = !Files.exists(givenUpFile);
        if (created) {
            Files.createFile(givenUpFile, PosixFilePermissions.asFileAttribute(OWNER_FILE));
        } else if (Files.getFileAttributeView(givenUpFile, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(givenUpFile, OWNER_FILE); // citizens' texts: owner-only, as the transcripts, whatever was done to it
        }
        try (FileOutputStream given = new FileOutputStream(givenUpFile.toFile(), true)) {
            given.write(((created ? OutboxLines.header(OutboxLines.GIVEN_UP) : "") + OutboxLines.givenUp(m, nowMs, why))
                    .getBytes(StandardCharsets.UTF_8));
            given.getFD().sync();
        }
        if (waiting.remove(m.id()) != null) {
            mark(OutboxLines.marker("givenUp", m.id()));
        }
    }

    Path givenUpFile() {
        return givenUpFile;
    }

    private void append(String line) throws IOException {
        if (closed) {
            throw new IOException("the outbox " + file + " is closed");
        }
        if (rewriteNeeded) {
            rewrite();
            return;
        }
        try {
            out.write(line.getBytes(StandardCharsets.UTF_8));
            out.getFD().sync();
        } catch (IOException e) {
            rewriteNeeded = true;
            throw e;
        }
    }

    /** A mark is appended, or, when nothing waits or marks piled up, the file is rewritten from {@link #waiting} instead. */
    private void mark(String line) throws IOException {
        marksSinceRewrite++;
        if (!closed && (waiting.isEmpty() || marksSinceRewrite >= Math.max(REWRITE_AFTER, waiting.size()))) {
            rewrite();
        } else {
            append(line);
        }
    }

    /** The file anew: the header and what waits, owner-only, synced, moved over the old one. */
    private void rewrite() throws IOException {
        StringBuilder text = new StringBuilder(OutboxLines.header(OutboxLines.OUTBOX));
        for (WebhookMessage m : waiting.values()) {
            text.append(OutboxLines.message(m));
        }
        rewriteNeeded = true;
        if (out != null) {
            out.close();
            out = null;
        }
        OwnerOnlyFiles.replace(file, text.toString());
        out = new FileOutputStream(file.toFile(), true);
        rewriteNeeded = false;
        marksSinceRewrite = 0;
    }

    /** Messages the file holds as waiting. */
    synchronized int waiting() {
        return waiting.size();
    }

    @Override
    public synchronized void close() {
        closed = true;
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException e) {
            LOG.warn("webhook: outbox {} not closed cleanly ({}); every message in it was synced", file, e.toString());
        }
    }
}
