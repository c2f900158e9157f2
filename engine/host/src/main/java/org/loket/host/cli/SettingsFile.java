package org.loket.host.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.loket.host.security.SecretFiles;

/**
 * {@code loket run --settings FILE}: the gateways' settings ({@code key=value} lines, {@code #}
 * comments, the keys of {@code --set}) in a file, so secrets (tokens, key store passwords, agents'
 * secrets) stay out of the process list, where {@code ps} shows a command line to every user of the
 * machine. A file that holds a secret must be the owner's alone, as ssh wants of a private key.
 */
final class SettingsFile {
    /** Keys whose values are secrets: {@code chat.supervisor-token}, {@code chat.tls.keystore-password}, {@code chat.agent-secret.NAME}. */
    /** How many letters to change, add or drop: the nearest known key to a misspelt one. */
    private static final org.apache.commons.text.similarity.LevenshteinDistance DISTANCE =
            org.apache.commons.text.similarity.LevenshteinDistance.getDefaultInstance();
    private static final Pattern SECRET = Pattern.compile("(?i).*(token|password|secret)(\\..+)?");

    private SettingsFile() {
    }

    /**
     * The file's settings, in key order.
     *
     * @throws IllegalArgumentException when it cannot be read, or holds a secret and others may read it
     */
    static Map<String, String> load(Path file) {
        // Read as written (split at the first '='), not as java.util.Properties: a password keeps its backslashes.
        Map<String, String> settings = new TreeMap<>(SecretFiles.readNameValueLines(file, "--settings"));
        List<String> secrets = secretKeys(settings);
        if (!secrets.isEmpty() && SecretFiles.readableByOthers(file, "--settings")) {
            throw new IllegalArgumentException("--settings " + file + " holds secrets (" + String.join(", ", secrets)
                    + ") and others may read it: chmod 600 " + file);
        }
        return settings;
    }

    /** The keys of {@code settings} whose values are secrets, in order. */
    static List<String> secretKeys(Map<String, String> settings) {
        return settings.keySet().stream().filter(key -> SECRET.matcher(key).matches()).sorted().toList();
    }

    /**
     * Refuses a key nobody reads (a misspelt {@code chat.prot} would otherwise leave the chat
     * server off without a word), naming the nearest known key and the known keys of its prefix.
     *
     * @param known every key read; one ending in {@code .} stands for all keys that start with it
     * @throws IllegalArgumentException naming the first unknown key
     */
    static void checkKnown(Map<String, String> settings, java.util.Set<String> known) {
        for (String key : new java.util.TreeSet<>(settings.keySet())) {
            if (known.contains(key) || known.stream().anyMatch(k -> k.endsWith(".") && key.startsWith(k) && key.length() > k.length())) {
                continue;
            }
            String nearest = known.stream().min(java.util.Comparator.comparingInt(k -> DISTANCE.apply(key, k))).orElse(null);
            String prefix = key.contains(".") ? key.substring(0, key.indexOf('.') + 1) : key;
            List<String> family = known.stream().filter(k -> k.startsWith(prefix)).sorted().map(k -> k.endsWith(".") ? k + "NAME" : k).toList();
            throw new IllegalArgumentException("unknown setting '" + key + "'"
                    + (nearest != null && DISTANCE.apply(key, nearest) <= 3 ? " (did you mean " + nearest + "?)" : "")
                    + (family.isEmpty() ? "; the settings start with " + known.stream().map(k -> k.contains(".") ? k.substring(0, k.indexOf('.') + 1) : k)
                            .distinct().sorted().toList()
                            : "; the " + prefix + "* settings are " + String.join(", ", family)));
        }
    }

    /** {@code fromFile} with {@code fromCommandLine} on top: a {@code --set} wins over the file. */
    static Map<String, String> merge(Map<String, String> fromFile, Map<String, String> fromCommandLine) {
        Map<String, String> merged = new LinkedHashMap<>(fromFile);
        merged.putAll(fromCommandLine);
        return merged;
    }
}
