package org.loket.telephony;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.loket.host.security.OwnerOnlyFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The numbers of callers waiting for a callback, kept across a restart of Loket: one small file per
 * contact ({@code CONTACT_ID}, holding the number and its pseudonym on two lines) in an owner-only
 * folder, written when the callback is scheduled and deleted when the contact ends. The journal never
 * holds a number (commands carry dense ids); this folder is the one place a phone number rests on
 * disk, and only while its callback is due. Without it a restart lost every promised callback.
 * Blocking file IO: not for the egress thread.
 */
final class CallbackStore {
    private static final Logger LOG = LoggerFactory.getLogger(CallbackStore.class);

    private final Path folder;

    private CallbackStore(Path folder) {
        this.folder = folder;
    }

    /** Opens (creating, owner-only) the folder. */
    static CallbackStore open(Path folder) throws IOException {
        OwnerOnlyFiles.folder(folder);
        return new CallbackStore(folder);
    }

    /** Every callback the folder holds, by contact id; files that do not parse are logged and left alone. */
    Map<Long, Calls.Callback> load() throws IOException {
        Map<Long, Calls.Callback> found = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "[0-9]*")) {
            for (Path file : files) {
                try {
                    long contactId = Long.parseLong(file.getFileName().toString());
                    String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n");
                    if (lines.length >= 2 && !lines[0].isBlank()) {
                        found.put(contactId, new Calls.Callback(lines[0], lines[1]));
                        continue;
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
                LOG.warn("callback file {} is not one of ours (CONTACT_ID holding number and pseudonym); left alone", file);
            }
        }
        return found;
    }

    /** Keeps the callback of {@code contactId}; replaces what was kept for it. */
    void put(long contactId, Calls.Callback callback) throws IOException {
        OwnerOnlyFiles.replace(folder.resolve(Long.toString(contactId)), callback.number() + "\n" + callback.pseudonym() + "\n");
    }

    /** Forgets the callback of {@code contactId} (it ended); nothing when none was kept. */
    void remove(long contactId) throws IOException {
        Files.deleteIfExists(folder.resolve(Long.toString(contactId)));
    }

    Path folder() {
        return folder;
    }
}
