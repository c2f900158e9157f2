package org.loket.host.pipeline;

import java.nio.file.Path;

/**
 * The journal could not be written: a full disk, a file-size limit, a read-only or failing file
 * system. The engine halts on it as on any stage failure, but says what failed: it was not the core.
 * <p>How it looks (JournalDiskFullIT): Chronicle makes a day file a block (64 MiB) long before it
 * writes in it, and extends it a block at a time. Past a file-size limit ({@code ulimit -f}, the JVM
 * ignores SIGXFSZ) the extension fails as an IOException "File too large". On a full disk the
 * extension succeeds (the file is sparse) and the first write into a page with no room is a SIGBUS,
 * which the JVM throws as an {@link InternalError} "a fault occurred in an unsafe memory access
 * operation" on the thread that wrote it: Loket's pre-toucher, which runs ahead of the writers, meets
 * it first (it stops; the writers go on in the pages it touched), a writer when it reaches the
 * first page it did not.
 */
final class JournalWriteFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    JournalWriteFailure(Path folder, String what, Throwable cause) {
        // Every cause: Chronicle's own message says little ("Failed to acquireByteStore"), the innermost why.
        super("the journal could not be written to " + folder + " (" + what + "; disk full? read-only?): " + Causes.messages(cause), cause);
    }
}
