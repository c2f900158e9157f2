package org.loket.host.journal;

/**
 * A journal that cannot be read to its end: a damaged or torn record in the middle of a day file, a
 * complete record whose checksum fails (a changed byte, also in the journal's last record), a
 * truncated day file, commands missing between two others (a day file gone), decisions for a
 * command the command journal does not hold. The message names the file, roughly where, and the
 * last command (or decision group) read intact. Readers refuse rather than take the journal as
 * ending there: its figures would be wrong, and a writer would reuse the sequence numbers after it.
 */
public final class JournalDamageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JournalDamageException(String message) {
        super(message);
    }

    public JournalDamageException(String message, Throwable cause) {
        super(message, cause);
    }
}
