package org.loket.host.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The one writer of a journal folder: an exclusive lock on {@code journal.lock} in it, held while
 * the journal is open for writing ({@link Journal#open}). Two engines on one journal would both
 * append commands with their own sequence numbers, and the journal could never be replayed again.
 * The file holds the holder's process id (for the refusal's message); the operating system releases
 * the lock when the process ends, also when it is killed, so a stale file never blocks a restart.
 * Readers ({@link Journal#openExisting}) take no lock. The file is created owner-only.
 */
final class JournalLock implements AutoCloseable {
    static final String FILE = "journal.lock";
    private final FileChannel channel;
    private final FileLock lock;

    private JournalLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** What a writer refused on {@code folder} is told to do ({@link Journal#open}): the refusal's second half. */
    static String forAWriter(Path folder) {
        return "one engine writes a journal. Stop that one first to start this one on it; a second Loket beside it (a demo, a"
                + " test) needs a --journal folder of its own and ports of its own (Loket keeps the audit, sessions, transcripts and"
                + " outbox per journal, as " + JournalFiles.folder(folder) + " for this one). Readers (replay, report, trace extract)"
                + " need no lock and may run beside it";
    }

    /**
     * @param whenInUse what the refusal tells to do, after "journal DIR is in use by another Loket (process N): "
     * @throws JournalInUseException when another process (or another open of this folder in this
     *                               one) writes the journal
     */
    static JournalLock take(Path folder, String whenInUse) {
        Path file = folder.resolve(FILE);
        FileChannel channel = null;
        try {
            if (!Files.exists(file) && FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    // created by a writer starting at the same moment: the lock decides
                }
            }
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // this process holds it already
            }
            if (lock == null) {
                String holder = holder(channel);
                channel.close();
                throw new JournalInUseException("journal " + folder + " is in use by another Loket (" + holder + "): " + whenInUse);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new JournalLock(channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock journal " + folder + " (" + file + ") for writing", e);
        }
    }

    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(32);
        channel.read(bytes, 0);
        String pid = new String(bytes.array(), 0, bytes.position(), StandardCharsets.US_ASCII).trim();
        return pid.isEmpty() ? "process id unknown" : (pid.equals(Long.toString(ProcessHandle.current().pid()))
                ? "this process, pid " + pid : "process " + pid);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // the refusal or the failure says what matters
            }
        }
    }

    /** Releases the lock; the file stays (its content is only a hint). */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
    }
}
