package org.loket.host.journal;

/** A journal another process writes ({@link JournalLock}): a second writer is refused, naming the holder. */
public final class JournalInUseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JournalInUseException(String message) {
        super(message);
    }
}
