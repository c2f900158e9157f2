package org.loket.host.security;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Folders of personal data (the journal with its pseudonyms and agents' actions, transcripts,
 * exports, callers' numbers waiting for a callback) are their owner's alone, whatever the process's
 * umask: files Chronicle or the JDK create inside then stay out of other users' reach however
 * their own modes come out.
 */
public final class OwnerOnlyFolder {
    private OwnerOnlyFolder() {
    }

    /**
     * Creates {@code folder} (and missing parents) and makes it {@code rwx------}, also when it
     * existed (on file systems without POSIX permissions it is only created).
     *
     * @return {@code folder}
     * @throws IOException when it cannot be created or its permissions set (e.g. another user owns it)
     */
    public static Path create(Path folder) throws IOException {
        Files.createDirectories(folder);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
        }
        return folder;
    }
}
