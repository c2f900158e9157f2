package org.loket.host.security;

import java.io.IOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Folders and files of personal data (the journal with its pseudonyms and agents' actions,
 * transcripts, exports, callers' numbers waiting for a callback, supervisors' sessions) are their
 * owner's alone, whatever the process's umask.
 */
public final class OwnerOnlyFiles {
    private OwnerOnlyFiles() {
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    /**
     * Creates {@code folder} (and missing parents) and makes it {@code rwx------}, also when it
     * existed (on file systems without POSIX permissions it is only created): files Chronicle or the
     * JDK create inside then stay out of other users' reach however their own modes come out.
     *
     * @return {@code folder}
     * @throws IOException when it cannot be created or its permissions set (e.g. another user owns it)
     */
    public static Path folder(Path folder) throws IOException {
        Files.createDirectories(folder);
        if (posix()) {
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
        }
        return folder;
    }

    /** Writes a file's text; the writer may be closed by it. */
    @FunctionalInterface
    public interface Text {
        void writeTo(Writer writer) throws IOException;
    }

    /**
     * Replaces {@code file} with {@code text} whole: a temporary file beside it, created
     * {@code rw-------} before a byte is in it and synced, is moved over it, so after a crash or a
     * power cut the file is the old one or the new one, never a part.
     */
    public static void replace(Path file, String text) throws IOException {
        replace(file, writer -> writer.write(text));
    }

    /**
     * Replaces {@code file} with what {@code text} writes (UTF-8), whole and owner-only as
     * {@link #replace(Path, String)}: for outputs too large to hold as one string (a day's contact
     * records). A folder of that name is refused, not replaced; on a failure the temporary file goes.
     */
    public static void replace(Path file, Text text) throws IOException {
        if (Files.isDirectory(file)) {
            throw new FileSystemException(file.toString(), null, "is a folder; give a file name");
        }
        Path temporary = file.toAbsolutePath().resolveSibling("." + file.getFileName() + ".part");
        Files.deleteIfExists(temporary);
        if (posix()) {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(temporary);
        }
        try {
            try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                text.writeTo(writer);
            }
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
    }
}
