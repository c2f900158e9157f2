package org.loket.host.privacy;

import java.nio.file.Path;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.host.journal.Journal;

/** Run in a child JVM by {@link NoPhoneHomeTest}: opens a journal and writes to it, as the engine does. */
public final class ChronicleProbe {
    private ChronicleProbe() {
    }

    public static void main(String[] args) {
        try (Journal journal = Journal.open(Path.of(args[0])); var writer = journal.commandWriter()) {
            Command command = new Command();
            command.type = CommandType.TICK;
            writer.append(command);
        }
        System.out.println("probe done");
    }
}
