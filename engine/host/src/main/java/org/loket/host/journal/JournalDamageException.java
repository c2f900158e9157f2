package org.loket.host.journal;

import java.nio.file.Path;

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
    /** The journal folder whose record is damaged; null when the damage is not a record's. */
    private final transient Path journal;

    public JournalDamageException(String message) {
        this(null, message);
    }

    /**
     * A damaged record of {@code journal}: one {@link JournalRepair} can cut off (the message then
     * names {@code loket journal repair}, see the CLI's error handling).
     */
    public JournalDamageException(Path journal, String message) {
        super(message);
        this.journal = journal;
    }

    public JournalDamageException(String message, Throwable cause) {
        super(message, cause);
        this.journal = null;
    }

    /** The journal folder of a damaged record (see {@link JournalRepair}); null when the damage is of another kind. */
    public Path journal() {
        return journal;
    }
}
