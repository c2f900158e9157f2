package org.loket.host.pipeline;

/**
 * What went wrong, for an operator: the messages of an exception and its causes, without class names
 * or stack traces. Used by the command line's error lines, the engine's halt reason ({@link Engine#failureReason()})
 * and {@link JournalWriteFailure}.
 */
public final class Causes {
    private Causes() {
    }

    /**
     * The messages of {@code e} and its causes, outermost first, each once ("journal folder X cannot be
     * created: X: Read-only file system"); a file system exception as its file and reason, an exception
     * without a message as its class's simple name.
     */
    public static String messages(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t instanceof java.nio.file.NoSuchFileException missing ? missing.getFile() + ": no such file or folder"
                    : t instanceof java.nio.file.AccessDeniedException denied ? denied.getFile() + ": permission denied"
                    : t instanceof java.nio.file.FileSystemException fs && fs.getReason() != null
                            ? fs.getFile() + ": " + fs.getReason()
                    : t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (text.indexOf(message) < 0) {
                text.append(text.isEmpty() ? "" : ": ").append(message);
            }
        }
        return text.toString();
    }
}
