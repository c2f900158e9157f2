package org.loket.host.kpi;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.time.ZoneId;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.core.config.RoutingConfigCodec;
import org.loket.core.decision.Decision;
import org.loket.core.routing.RoutingCore;
import org.loket.host.journal.Journal;
import org.loket.host.journal.JournalDamageException;
import org.loket.host.journal.JournalStart;

/** Measures the KPIs of a journal (live or simulated) with {@link KpiCollector}. */
public final class JournalKpis {
    private JournalKpis() {
    }

    /** Takes one journaled command with the decisions recorded for it. */
    @FunctionalInterface
    public interface Visitor {
        /** @param command and {@code decisions} are reused for the next command: copy what you keep */
        void accept(Command command, Decision[] decisions, int count);
    }

    /**
     * Reads every command with the decisions recorded for it.
     *
     * @throws IllegalArgumentException when the folder holds no journal
     */
    public static KpiReport read(Path folder, ZoneId zone, long shortAbandonMs) {
        KpiCollector kpis = new KpiCollector(zone, shortAbandonMs);
        forEach(folder, Long.MAX_VALUE, kpis::accept);
        return kpis.report();
    }

    /**
     * Hands the commands of the journal, from its start, to the visitor with the decisions recorded
     * for each, in journal order; it stops before {@code beforeSequence} or at the journal's end. A
     * journal the engine is writing can be read: then every command before {@code beforeSequence}
     * must have passed egress (its decisions are journaled by then; a later one's may not be yet).
     * <p>A journal whose oldest days its retention deleted starts at its origin snapshot
     * ({@link JournalStart}): the visitor first gets a {@code CONFIG_APPLIED} with the configuration in
     * force there (the origin's sequence and time, no decisions), an {@code ANNOUNCEMENT_SET} with the
     * service announcement set there, if any (the same sequence and time), then the commands after it. What
     * was in flight at the origin (contacts waiting, agents talking) is not in the commands.
     *
     * @throws IllegalArgumentException when the folder holds no journal
     * @throws JournalDamageException   when the journal cannot be read to its end (a damaged record,
     *                                  a truncated or missing day file) or holds decisions of commands it lacks
     */
    public static void forEach(Path folder, long beforeSequence, Visitor visitor) {
        forEach(folder, null, beforeSequence, visitor);
    }

    /**
     * {@link #forEach(Path, long, Visitor)} for a reader that needs only what happened from
     * {@code from} on (and the configuration in force then): it starts at the newest snapshot
     * written before {@code from} ({@link JournalStart#before}) as at an origin, and reads the
     * journal's day files from that snapshot's day on.
     *
     * @param from null starts at the journal's own start
     */
    public static void forEach(Path folder, Instant from, long beforeSequence, Visitor visitor) {
        forEach(folder, from, beforeSequence, Long.MAX_VALUE, visitor);
    }

    /**
     * {@link #forEach(Path, Instant, long, Visitor)} that also stops at the first command stamped at
     * or after {@code untilNs} (epoch ns): one day of a long journal without reading the days after it.
     */
    public static void forEach(Path folder, Instant from, long beforeSequence, long untilNs, Visitor visitor) {
        try (Journal journal = Journal.openExisting(folder)) {
            JournalStart start = from == null ? JournalStart.of(journal) : JournalStart.before(journal, from);
            long origin = start.afterSequence();
            RoutingCore originCore = origin > 0 && origin < beforeSequence ? start.core(d -> { }) : null;
            LocalDate firstDay = originCore == null ? null : JournalStart.firstDayAfter(originCore.nowNs());
            try (Journal.CommandReader commands = firstDay == null ? journal.commandReader() : journal.commandReader(firstDay);
                 Journal.DecisionReader decisions = firstDay == null ? journal.decisionReader() : journal.decisionReader(firstDay)) {
                read(origin, originCore, commands, decisions, beforeSequence, untilNs, visitor);
            } catch (JournalDamageException e) {
                throw e.getMessage().contains(folder.toString()) ? e : new JournalDamageException(folder + ": " + e.getMessage(), e);
            }
        }
    }

    private static void read(long origin, RoutingCore originCore, Journal.CommandReader commands, Journal.DecisionReader decisions,
                             long beforeSequence, long untilNs, Visitor visitor) {
        Decision[] group = new Decision[16];
        Command command = new Command();
        if (originCore != null && originCore.config() != null) {
            command.type = CommandType.CONFIG_APPLIED;
            command.sequence = origin;
            command.timestampNs = originCore.nowNs();
            command.payload = RoutingConfigCodec.encode(originCore.config());
            visitor.accept(command, group, 0);
            command.clear();
            if (originCore.announcementPrompt() >= 0) { // set before the origin: still in force there
                command.type = CommandType.ANNOUNCEMENT_SET;
                command.sequence = origin;
                command.timestampNs = originCore.nowNs();
                command.input = originCore.announcementPrompt();
                visitor.accept(command, group, 0);
                command.clear();
            }
        }
        boolean haveGroup = decisions.next();
        boolean toTheEnd = true;
        while (commands.next(command)) {
            if (command.sequence >= beforeSequence || command.timestampNs >= untilNs) {
                toTheEnd = false;
                break;
            }
            if (command.sequence <= origin) {
                continue;
            }
            // Skip the groups of the commands in the origin; a later one without its command is damage.
            while (haveGroup && decisions.cause() < command.sequence) {
                if (decisions.cause() > origin) {
                    throw withoutCommand(decisions.cause(), command.sequence);
                }
                haveGroup = decisions.next();
            }
            int count = 0;
            if (haveGroup && decisions.cause() == command.sequence) {
                count = decisions.count();
                if (count > group.length) {
                    group = Arrays.copyOf(group, Math.max(count, group.length * 2));
                }
                for (int i = 0; i < count; i++) {
                    if (group[i] == null) {
                        group[i] = new Decision();
                    }
                    group[i].copyFrom(decisions.decision(i)); // the reader reuses its holders on next()
                }
                haveGroup = decisions.next();
            }
            visitor.accept(command, group, count);
        }
        // The group was read before the command reader found its end, and a command is journaled
        // before its decisions: a group past the last command is damage, also in a journal being written.
        if (toTheEnd && haveGroup && decisions.cause() > Math.max(origin, commands.lastSequence())) {
            throw beyondCommands(decisions.cause(), commands.lastSequence());
        }
    }

    private static JournalDamageException withoutCommand(long cause, long next) {
        return new JournalDamageException("the decision journal holds decisions of command " + cause
                + ", which the command journal lacks (its next command is " + next + "): the journal is damaged");
    }

    /** The decision journal goes on where the command journal ended: commands lost or damaged. */
    public static JournalDamageException beyondCommands(long cause, long lastCommand) {
        return new JournalDamageException("the decision journal holds decisions of command " + cause
                + ", but the command journal ends at command " + lastCommand + ": commands " + (lastCommand + 1) + "-" + cause
                + " are lost or damaged (a day file moved away, a damaged record)");
    }
}
