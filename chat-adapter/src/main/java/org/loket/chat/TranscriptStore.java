package org.loket.chat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.StoreFileListener;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.loket.core.Channel;
import org.loket.host.security.OwnerOnlyFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat gateway's durable transcripts: an append-only Chronicle Queue of its own (never the
 * routing journal, whose replay needs no text), one excerpt per {@link Entry}, keyed by contact id,
 * rolled daily. The one place in Loket where chat texts, transfer notes and the e-mail addresses
 * of citizens are kept; the journal stays pseudonymised (dense ids only).
 *
 * <p>Threads: {@link #append} may be called from any thread and never blocks (the hub calls it);
 * a writer thread of its own ("loket-chat-transcripts") appends what was handed to it in batches.
 * Reads ({@link #read}) and the retention cleanup run on a reader thread of their own, so a scan
 * never delays the writer or the hub.
 *
 * <p>Durability: everything appended before {@link #close} is written on a clean stop. A crash of
 * the process loses only what the writer had not taken yet (its queue: normally the last
 * milliseconds; see NOTES.md), since written excerpts are in the page cache; a crash of the machine
 * may also lose pages the OS had not written back (the store does not fsync, like the journal).
 *
 * <p>Retention: cycle files (one a day, UTC) older than {@code retentionDays} are deleted at open
 * and hourly after. Privacy: the folder is created owner-only (rwx------) and its files rw-------.
 */
final class TranscriptStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TranscriptStore.class);
    /** First byte of every excerpt; a reader skips excerpts of another format. */
    static final int FORMAT = 1;
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final long BLOCK_SIZE_BYTES = 4L << 20;
    private static final long CLEANUP_EVERY_MS = 3_600_000;
    private static final Entry STOP = new Entry(-1, Kind.LINE, 0, 0, null, null, null, null, null);

    /** What an entry records. Codes are stable: they are on disk. */
    enum Kind {
        /** A conversation of this gateway began: {@code who} = channel name, {@code text} = hash of the resume token (chat) or null, work-item fields. */
        OPENED(1),
        /** A transcript line: {@code who} (citizen, bot, agent, system) said {@code text}; an agent's name in {@code from}. */
        LINE(2),
        /** The self-service flow presented node {@code text} (the path the agent sees). */
        PATH(3),
        /** The topic the desktop shows: {@code text}. */
        TOPIC(4),
        /** A transfer note that travels with the contact: {@code text}. */
        NOTE(5),
        /** The e-mail address the citizen gave for a reply later: {@code text} (personal data). */
        REPLY_TO(6),
        /** The contact joined a queue: {@code text} = queue name, {@code value} = priority, {@code atMs} = joined (core time). */
        QUEUED(7),
        /** The contact ended: {@code text} = outcome name, {@code value} = outcome code (-1: refused at the door). */
        ENDED(8),
        /** The conversation's language from here on: {@code text} = language code. */
        LANGUAGE(9),
        /** The core scheduled a reply later for the citizen (they keep their place without the window open). */
        CALLBACK(10);

        private static final Kind[] BY_CODE = new Kind[11];

        static {
            for (Kind k : values()) {
                BY_CODE[k.code] = k;
            }
        }

        final int code;

        Kind(int code) {
            this.code = code;
        }

        static Kind ofCode(int code) {
            return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        }
    }

    /**
     * One fact of a conversation. Texts may be null where the kind says nothing of them.
     *
     * @param atMs wall-clock epoch milliseconds (core time for {@link Kind#QUEUED})
     */
    record Entry(long contactId, Kind kind, long atMs, long value, String who, String text, String subject, String from,
                 String externalId) {
        /** @param agentName on an agent's line, the agent's name (kept in {@code from}), else null */
        static Entry line(long contactId, String who, String text, long atMs, String agentName) {
            return new Entry(contactId, Kind.LINE, atMs, 0, who, text, null, agentName, null);
        }

        static Entry of(long contactId, Kind kind, String text, long value, long atMs) {
            return new Entry(contactId, kind, atMs, value, null, text, null, null, null);
        }
    }

    private final Path folder;
    private final int retentionDays;
    private final SingleChronicleQueue queue;
    private final LinkedBlockingQueue<Entry> pending = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final ExecutorService reader;
    private final AtomicLong appended = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    /** The day file the writer last made owner-only (writer thread only). */
    private int ownedCycle = Integer.MIN_VALUE;
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean closed;

    private TranscriptStore(Path folder, int retentionDays, TimeProvider time) {
        this.folder = folder;
        this.retentionDays = retentionDays;
        ownerOnlyFolder(folder);
        this.queue = SingleChronicleQueueBuilder.single(folder.toFile())
                .rollCycle(RollCycles.FAST_DAILY)
                .blockSize(BLOCK_SIZE_BYTES)
                .timeProvider(time)
                .storeFileListener(new StoreFileListener() {
                    @Override
                    public void onAcquired(int cycle, File file) {
                        ownerOnlyFile(file.toPath());
                    }

                    @Override
                    public void onReleased(int cycle, File file) {
                    }
                })
                .build();
        ownerOnlyFiles();
        this.reader = Executors.newSingleThreadExecutor(r -> daemon(r, "loket-chat-transcript-reader"));
        deleteExpired();
        this.writer = daemon(this::writeLoop, "loket-chat-transcripts");
        writer.start();
    }

    /**
     * Opens (or creates) the store in {@code folder} and deletes cycle files past the retention.
     *
     * @param retentionDays days a cycle file is kept after its day ended (at least 1)
     */
    static TranscriptStore open(Path folder, int retentionDays) {
        return open(folder, retentionDays, SystemTimeProvider.INSTANCE);
    }

    /** As {@link #open(Path, int)} with Chronicle's clock (tests step it through days). */
    static TranscriptStore open(Path folder, int retentionDays, TimeProvider time) {
        if (retentionDays < 1) {
            throw new IllegalArgumentException("transcript retention " + retentionDays + " days must be at least 1");
        }
        return new TranscriptStore(folder, retentionDays, time);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    Path folder() {
        return folder;
    }

    /** Any thread; never blocks. After {@link #close} an entry is dropped and counted as a failure. */
    void append(Entry entry) {
        if (closed) {
            failures.incrementAndGet();
            return;
        }
        appended.incrementAndGet();
        pending.add(entry);
    }

    /** Entries handed over and entries written so far; the difference is what a crash would lose now. */
    long appended() {
        return appended.get();
    }

    long written() {
        return written.get();
    }

    /** Entries that could not be written (logged once each with the contact id, never the text). */
    long failures() {
        return failures.get();
    }

    private void writeLoop() {
        List<Entry> batch = new ArrayList<>(256);
        long nextCleanupMs = System.currentTimeMillis() + CLEANUP_EVERY_MS;
        boolean stopping = false;
        try (ExcerptAppender appender = queue.createAppender()) {
            while (true) {
                Entry first;
                try {
                    first = pending.poll(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    first = null; // close() interrupts only after STOP is queued: drain on
                }
                if (first != null) {
                    batch.add(first);
                    pending.drainTo(batch, 4_096);
                    for (Entry e : batch) {
                        if (e == STOP) {
                            stopping = true;
                        } else {
                            write(appender, e);
                        }
                    }
                    batch.clear();
                }
                if (stopping && pending.isEmpty()) {
                    return;
                }
                long now = System.currentTimeMillis();
                if (now >= nextCleanupMs) {
                    nextCleanupMs = now + CLEANUP_EVERY_MS;
                    reader.execute(this::deleteExpiredLogged);
                }
            }
        }
    }

    private void write(ExcerptAppender appender, Entry e) {
        try (DocumentContext dc = appender.writingDocument()) {
            Bytes<?> b = dc.wire().bytes();
            b.writeByte((byte) FORMAT);
            b.writeByte((byte) e.kind().code);
            b.writeLong(e.contactId());
            b.writeLong(e.atMs());
            b.writeLong(e.value());
            b.writeUtf8(e.who());
            b.writeUtf8(e.text());
            b.writeUtf8(e.subject());
            b.writeUtf8(e.from());
            b.writeUtf8(e.externalId());
        } catch (RuntimeException ex) {
            failures.incrementAndGet();
            LOG.error("transcript entry {} of contact {} not written to {}", e.kind(), e.contactId(), folder, ex);
            return;
        }
        if (appender.cycle() != ownedCycle) {
            // A new day file: owner-only before its entry counts as written. The store listener
            // alone is not enough: it can fire for a cycle before the appender created its file.
            ownedCycle = appender.cycle();
            try {
                ownerOnlyFiles();
            } catch (UncheckedIOException ex) {
                LOG.error("transcript day files in {} could not be made owner-only", folder, ex);
            }
        }
        written.incrementAndGet();
    }

    private static Entry decode(Bytes<?> b) {
        if (b.readRemaining() < 2 || b.readByte() != FORMAT) {
            return null;
        }
        Kind kind = Kind.ofCode(b.readByte());
        if (kind == null) {
            return null;
        }
        long contactId = b.readLong();
        long atMs = b.readLong();
        long value = b.readLong();
        return new Entry(contactId, kind, atMs, value, b.readUtf8(), b.readUtf8(), b.readUtf8(), b.readUtf8(), b.readUtf8());
    }

    /**
     * Every stored entry of the contacts {@code ids}, in the order written, by contact. Scans the
     * whole store (every cycle file within the retention) on the reader thread.
     */
    CompletableFuture<Map<Long, List<Entry>>> read(Set<Long> ids) {
        return CompletableFuture.supplyAsync(() -> scan(ids), reader);
    }

    /**
     * A work item whose end the store holds: its contact id, channel code, the gateway's
     * {@code externalId} and when it ended (wall clock).
     */
    record EndedWorkItem(long contactId, int channel, String externalId, long endedMs) {
    }

    /** What a restart takes from the store: the entries of the live contacts asked for, and the work items ended since a time. */
    record Restart(Map<Long, List<Entry>> live, List<EndedWorkItem> endedWorkItems) {
    }

    /**
     * In one scan of the whole store (on the reader thread): every stored entry of the contacts
     * {@code ids}, as {@link #read(Set)}, and the work items that ended at or after {@code endedSinceMs},
     * in the order they ended (so a restart knows which {@code externalId}s it already had).
     */
    CompletableFuture<Restart> readForRestart(Set<Long> ids, long endedSinceMs) {
        return CompletableFuture.supplyAsync(() -> {
            List<EndedWorkItem> ended = new ArrayList<>();
            Map<Long, List<Entry>> live = scan(ids, endedSinceMs, ended);
            return new Restart(live, ended);
        }, reader);
    }

    /** The stored entries of one contact (empty when unknown or past the retention). */
    CompletableFuture<List<Entry>> read(long contactId) {
        return read(Set.of(contactId)).thenApply(m -> m.getOrDefault(contactId, List.of()));
    }

    private Map<Long, List<Entry>> scan(Set<Long> ids) {
        return ids.isEmpty() ? new HashMap<>() : scan(ids, Long.MAX_VALUE, null);
    }

    /**
     * @param ended where work items that ended at or after {@code endedSinceMs} go, in end order;
     *              null: none are collected
     */
    private Map<Long, List<Entry>> scan(Set<Long> ids, long endedSinceMs, List<EndedWorkItem> ended) {
        Map<Long, List<Entry>> found = new HashMap<>();
        // Work items opened within the retention, by contact id, for the ends that follow (ended != null only).
        Map<Long, Entry> workItems = new HashMap<>();
        try (ExcerptTailer tailer = queue.createTailer()) {
            tailer.toStart();
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    Bytes<?> b = dc.wire().bytes();
                    if (b.readRemaining() < 10 || b.peekUnsignedByte() != FORMAT) {
                        continue;
                    }
                    long contactId = b.readLong(b.readPosition() + 2);
                    int kind = b.peekUnsignedByte(b.readPosition() + 1);
                    if (ids.contains(contactId)) {
                        Entry e = decode(b);
                        if (e != null) {
                            found.computeIfAbsent(contactId, k -> new ArrayList<>()).add(e);
                        }
                    } else if (ended != null && kind == Kind.OPENED.code) {
                        Entry e = decode(b);
                        if (e != null && e.externalId() != null) {
                            workItems.put(contactId, e);
                        }
                    } else if (ended != null && kind == Kind.ENDED.code && b.readRemaining() >= 18) {
                        long endedMs = b.readLong(b.readPosition() + 10);
                        Entry opened = workItems.remove(contactId);
                        if (opened != null && endedMs >= endedSinceMs) {
                            ended.add(new EndedWorkItem(contactId, Channel.valueOf(opened.who().toUpperCase(Locale.ROOT)).code(),
                                    opened.externalId(), endedMs));
                        }
                    }
                }
            }
        }
        return found;
    }

    /** Waits until everything appended before this call is written (tests; a clean stop does it in {@link #close}). */
    void awaitWritten(long timeoutMs) throws InterruptedException {
        long target = appended.get();
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (written.get() + failures.get() < target) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("transcript store wrote " + written.get() + " of " + target + " entries in " + timeoutMs + " ms");
            }
            Thread.sleep(1);
        }
    }

    /**
     * Deletes cycle files whose day ended more than {@code retentionDays} ago (by the queue's clock),
     * never the current one. Runs on the reader thread (it serialises with scans).
     *
     * @return how many files were deleted
     */
    int deleteExpired() {
        try {
            return reader.submit(this::deleteExpiredLogged).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Reader thread: a failed cleanup is logged and tried again in an hour. */
    private int deleteExpiredLogged() {
        try {
            return deleteExpiredNow();
        } catch (IOException | RuntimeException e) {
            LOG.error("transcript retention cleanup in {} failed; next try in an hour", folder, e);
            return 0;
        }
    }

    private int deleteExpiredNow() throws IOException {
        long today = queue.cycle(); // FAST_DAILY: days since the epoch, UTC
        long oldestKept = today - retentionDays;
        DateTimeFormatter names = DateTimeFormatter.ofPattern(RollCycles.FAST_DAILY.format());
        int deleted = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*" + SingleChronicleQueue.SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                long day;
                try {
                    day = LocalDate.parse(name.substring(0, name.length() - SingleChronicleQueue.SUFFIX.length()), names).toEpochDay();
                } catch (DateTimeParseException e) {
                    continue;
                }
                if (day < oldestKept) {
                    Files.delete(file);
                    deleted++;
                }
            }
        }
        if (deleted > 0) {
            queue.refreshDirectoryListing();
            LOG.info("transcripts: deleted {} day files older than {} days from {}", deleted, retentionDays, folder);
        }
        return deleted;
    }

    private static void ownerOnlyFolder(Path folder) {
        try {
            OwnerOnlyFiles.folder(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("transcript folder " + folder + " cannot be created owner-only", e);
        }
    }

    private static void ownerOnlyFile(Path file) {
        try {
            if (Files.exists(file) && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(file, OWNER_FILE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("transcript file " + file + " cannot be made owner-only", e);
        }
    }

    private void ownerOnlyFiles() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path file : files) {
                if (Files.isRegularFile(file)) {
                    ownerOnlyFile(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("transcript folder " + folder + " cannot be listed", e);
        }
    }

    /** Writes everything appended so far, then closes the queue (a clean stop loses nothing). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        pending.add(STOP);
        try {
            writer.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            LOG.error("transcript writer did not finish within 30 s; {} entries not written", pending.size());
        }
        reader.shutdown();
        try {
            reader.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.close();
    }
}
