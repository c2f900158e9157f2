package org.loket.host.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnerOnlyFilesTest {
    @TempDir
    Path folder;

    @Test
    void shouldReplaceAFileWholeAndOwnerOnlyFromAWriter() throws IOException {
        Path file = Files.writeString(folder.resolve("contacts.csv"), "old\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        OwnerOnlyFiles.replace(file, writer -> {
            writer.write("contact_id\n1\n");
            writer.close(); // a CSV writer closes what it writes to
        });
        assertThat(Files.readString(file)).isEqualTo("contact_id\n1\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(folder.resolve(".contacts.csv.part")).doesNotExist();
    }

    /** An output option given a folder's name (--contacts-out var/) does not replace the folder. */
    @Test
    void shouldRefuseAFolderAndKeepTheOldFileWhenWritingFails() throws IOException {
        Path out = Files.createDirectory(folder.resolve("out"));
        assertThatThrownBy(() -> OwnerOnlyFiles.replace(out, "text")).isInstanceOf(FileSystemException.class)
                .hasMessageContaining("is a folder");
        assertThat(out).isDirectory();
        Path file = Files.writeString(folder.resolve("report.html"), "old");
        assertThatThrownBy(() -> OwnerOnlyFiles.replace(file, writer -> {
            writer.write("half");
            throw new IOException("disk full");
        })).hasMessage("disk full");
        assertThat(Files.readString(file)).isEqualTo("old");
        assertThat(folder.resolve(".report.html.part")).doesNotExist();
    }
}
