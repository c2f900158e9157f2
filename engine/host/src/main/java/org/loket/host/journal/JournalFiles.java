package org.loket.host.journal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.loket.host.security.OwnerOnlyFiles;

/**
 * The folder of the files Loket keeps for one journal, beside it: {@code var/journal.files/} for
 * {@code var/journal} (the operators' audit, the phone's monitoring log and callbacks, the chat's
 * transcripts, sessions and webhook outbox, by default). One per journal, so Lokets on two journals
 * in one parent folder share none of these files; only the process holding the journal's lock writes
 * in it. It stays outside the journal folder: a copy of a journal for replay or analysis carries
 * no transcript and no session, and a repair ({@link JournalRepair}) leaves it where it is.
 *
 * <p>Loket before this folder kept these files in the journal's parent, shared by every journal
 * there: {@link #adoptShared} moves them in at the first start after the upgrade.
 */
public final class JournalFiles {
    /** What the folder's name adds to the journal's. */
    public static final String SUFFIX = ".files";

    private JournalFiles() {
    }

    /** The folder of {@code journal}'s files: its sibling named after it. */
    public static Path folder(Path journal) {
        Path absolute = journal.toAbsolutePath().normalize();
        return absolute.resolveSibling(absolute.getFileName() + SUFFIX);
    }

    /** The default place of the file (or folder) {@code name} kept for {@code journal}. */
    public static Path of(Path journal, String name) {
        return folder(journal).resolve(name);
    }

    /**
     * Creates the journal's folder of files (owner-only) and moves into it what an older Loket kept
     * in the journal's parent folder: each entry there matching one of {@code patterns} (file names or
     * globs, e.g. {@code transcripts}, {@code audit-*.csv}) whose name the folder does not hold yet.
     * Call it holding the journal's lock, before anything opens those files.
     *
     * @return one line per entry moved ("moved /srv/var/audit.csv to /srv/var/journal.files/audit.csv")
     * @throws IllegalStateException when there is something to move but the parent holds other
     *                               journals too: whose it is cannot be told, so nothing is moved and the
     *                               message says what to move by hand
     * @throws IOException           when the folder cannot be made or an entry moved
     */
    public static List<String> adoptShared(Path journal, Collection<String> patterns) throws IOException {
        Path folder = OwnerOnlyFiles.folder(folder(journal));
        Path parent = folder.getParent();
        List<PathMatcher> matchers = new ArrayList<>();
        for (String pattern : patterns) {
            matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern));
        }
        List<Path> shared = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent)) {
            for (Path entry : entries) {
                Path name = entry.getFileName();
                if (matchers.stream().anyMatch(m -> m.matches(name)) && !Files.exists(folder.resolve(name))) {
                    shared.add(entry);
                }
            }
        }
        if (shared.isEmpty()) {
            return List.of();
        }
        shared.sort(null);
        List<Path> others = otherJournals(parent, journal.toAbsolutePath().normalize());
        if (!others.isEmpty()) {
            throw new IllegalStateException(parent + " holds files an older Loket kept there for every journal in it (" + names(shared)
                    + "), and other journals than " + journal + " (" + others.stream().map(Path::toString).sorted()
                    .collect(java.util.stream.Collectors.joining(", ")) + "): whose they are cannot be told, so they were not moved"
                    + " into " + folder + ". Loket now keeps them per journal, in the folder named after it: move them into the"
                    + " one of the journal they belong to (mkdir -m 700 JOURNAL" + SUFFIX + " && mv "
                    + shared.stream().map(Path::toString).collect(java.util.stream.Collectors.joining(" ")) + " JOURNAL" + SUFFIX
                    + "/), or out of " + parent + ", and start again. Nothing was started");
        }
        List<String> moved = new ArrayList<>();
        for (Path entry : shared) {
            Path target = folder.resolve(entry.getFileName());
            Files.move(entry, target);
            moved.add("moved " + entry + " to " + target);
        }
        return moved;
    }

    /** Journal folders in {@code parent} other than {@code journal} and its repair's (its {@code .damaged-TIME} and {@code .repairing}). */
    private static List<Path> otherJournals(Path parent, Path journal) throws IOException {
        String own = journal.getFileName().toString();
        List<Path> others = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                boolean repairs = name.startsWith(own + ".damaged-") || name.equals(own + ".repairing");
                if (!entry.equals(journal) && !repairs && Files.isDirectory(entry.resolve("commands"))) {
                    others.add(entry);
                }
            }
        }
        others.sort(null);
        return others;
    }

    private static String names(List<Path> entries) {
        return entries.stream().map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.joining(", "));
    }
}
