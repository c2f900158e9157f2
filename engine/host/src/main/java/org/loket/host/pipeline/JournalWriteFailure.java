package org.loket.host.pipeline;

import java.nio.file.Path;

/**
 * The journal could not be written: a full disk (Chronicle maps its day files, so a write that
 * finds no room is a SIGBUS, thrown as an {@link InternalError} "unsafe memory access"), a
 * read-only or failing file system. The engine halts on it as on any stage failure, but says what
 * failed: it was not the core.
 */
final class JournalWriteFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    JournalWriteFailure(Path folder, String what, Throwable cause) {
        super("the journal could not be written to " + folder + " (" + what + "; disk full? read-only?): " + cause, cause);
    }
}
