package org.loket.host.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Files that hold secrets (tokens, agents' secrets, settings with passwords) are read only when they
 * are their owner's alone, as ssh wants of a private key: a secret that every user of the machine
 * may read is no secret, and an operator learns it at start rather than from an incident.
 */
public final class SecretFiles {
    private SecretFiles() {
    }

    /**
     * Refuses a file that its group or others may read.
     *
     * @param setting the setting (or option) that named it, for the message
     * @throws IllegalArgumentException naming the setting, the file and the fix
     */
    public static void requireOwnerOnly(Path file, String setting) {
        if (readableByOthers(file, setting)) {
            throw new IllegalArgumentException(setting + " " + file + " holds secrets and others may read it: chmod 600 " + file);
        }
    }

    /**
     * The file's text, stripped, once {@link #requireOwnerOnly} let it through.
     *
     * @throws IllegalArgumentException when others may read it or it cannot be read
     */
    public static String read(Path file, String setting) {
        requireOwnerOnly(file, setting);
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException(setting + " " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Lines {@code name=secret} (split at the first {@code =}, both sides trimmed; the secret taken as
     * written, backslashes and all), once {@link #requireOwnerOnly} let the file through; blank lines
     * and lines starting with {@code #} are skipped. In file order.
     *
     * @throws IllegalArgumentException when others may read it, it cannot be read, or a line has no name
     */
    public static Map<String, String> nameValueLines(Path file, String setting) {
        requireOwnerOnly(file, setting);
        return readNameValueLines(file, setting);
    }

    /**
     * The same lines without the owner-only check: for a file that may or may not hold a secret
     * (a settings file), whose reader checks once it knows.
     */
    public static Map<String, String> readNameValueLines(Path file, String setting) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException(setting + " " + file + ": no such file", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(setting + " " + file + " cannot be read: " + e.getMessage(), e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Integer> lineOf = new java.util.HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(setting + " " + file + ":" + (i + 1) + ": expected name=value");
            }
            String name = line.substring(0, eq).strip();
            Integer first = lineOf.putIfAbsent(name, i + 1);
            if (first != null) { // which one would win is a guess the file's editor should not have to make
                throw new IllegalArgumentException(setting + " " + file + ":" + (i + 1) + ": " + name + " given twice (first on line "
                        + first + ")");
            }
            values.put(name, line.substring(eq + 1).strip());
        }
        return values;
    }

    /** Whether the file's group or others may read it (false on a file system without POSIX permissions). */
    public static boolean readableByOthers(Path file, String setting) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            return permissions.contains(PosixFilePermission.GROUP_READ) || permissions.contains(PosixFilePermission.OTHERS_READ);
        } catch (UnsupportedOperationException e) {
            return false; // not a POSIX file system: its own access control applies
        } catch (IOException e) {
            throw new IllegalArgumentException(setting + " " + file + " cannot be read: " + e.getMessage(), e);
        }
    }
}
