package org.loket.config;

/**
 * One thing wrong with a configuration folder, pointing at the exact place.
 *
 * @param file    the file name, relative to the configuration folder
 * @param line    1-based line, or 0 when the problem has no single place
 * @param field   the field's path, e.g. {@code queues[2].skill}
 * @param value   the offending value as written, or empty
 * @param message what is wrong and what would be valid
 * @param warning whether the configuration is still usable
 */
public record ConfigProblem(String file, int line, String field, String value, String message, boolean warning) {

    @Override
    public String toString() {
        // A problem of the folder or file as a whole (unreadable, empty) has no field to name.
        return (warning ? "warning: " : "error: ") + file + (line > 0 ? ":" + line : "") + ": "
                + (field.isEmpty() ? "" : field + (value.isEmpty() ? "" : " = '" + value + "'") + ": ") + message;
    }
}
