package org.loket.host.cli;

import java.io.PrintWriter;

import org.loket.host.kpi.Figures;
import org.loket.host.kpi.KpiCollector;
import org.loket.host.kpi.KpiReport;

/** KPI tables as plain text for the terminal. */
final class KpiText {
    private KpiText() {
    }

    static void print(PrintWriter out, KpiReport report) {
        out.printf("contacts %,d   refused %,d   still open at the end %,d   closed by an operator %,d   outside hours %,d%n",
                report.contacts(), report.refused(), report.openAtEnd(), report.totals().closed(), report.totals().outsideHours());
        header(out, "");
        row(out, report.totals());
        out.println();
        header(out, "queue");
        report.queues().forEach(q -> row(out, q));
        out.println();
        header(out, "channel");
        report.channels().forEach(c -> row(out, c));
        out.printf("service level = answered within the queue's threshold / (answered + abandoned - abandons under %d s"
                + " + deflected after joining)%n", report.shortAbandonMs() / 1000);
        out.println("target = the queue's serviceLevelPercent; for a mix of queues, their targets weighted by those contacts;"
                + " ! = under target");
        java.util.List<String> under = report.queues().stream().filter(Figures::underTarget)
                .map(q -> q.name() + " " + pct(q.serviceLevel()) + " < " + pct(q.serviceLevelTarget())).toList();
        if (!under.isEmpty()) {
            out.println("under target: " + String.join(", ", under));
        }
        escalations(out, report);
        transfers(out, report);
        wrapUpCodes(out, report);
        repeats(out, report);
        announcements(out, report);
        waitEstimates(out, report);
    }

    /**
     * When the operator's service announcement was set, and per queue who heard it and how they
     * ended, beside everyone's abandon rate (nothing when it was never set).
     */
    private static void announcements(PrintWriter out, KpiReport report) {
        if (report.announcements().isEmpty() && report.totals().announcement().heard() == 0) {
            return;
        }
        out.println();
        out.printf("%-20s %-19s %-19s %9s%n", "service announcement", "set", "cleared", "heard");
        report.announcements().forEach(p -> out.printf("%-20s %-19s %-19s %,9d%n", p.prompt(), p.from().replace('T', ' '),
                p.to() == null ? "(still set)" : p.to().replace('T', ' '), p.heard()));
        out.printf("%-20s %9s %9s %9s %9s %9s %9s %12s %10s %10s%n", "heard it", "heard", "selfSrv", "leftMenu", "offered",
                "answered", "abandoned", "before queue", "abandon %", "(everyone)");
        java.util.stream.Stream.concat(java.util.stream.Stream.of(report.totals()), report.queues().stream())
                .filter(f -> f.announcement().heard() > 0).forEach(f -> {
                    Figures.Announcement a = f.announcement();
                    out.printf("%-20s %,9d %,9d %,9d %,9d %,9d %,9d %12s %10s %10s%n", f.name(), a.heard(), a.selfServed(),
                            a.abandonedInSelfService(), a.offered(), a.answered(), a.abandoned(), pct(a.leftBeforeQueue()),
                            pct(a.abandonRate()), pct(f.abandonRate()));
                });
        out.println("heard = voice and chat contacts told the announcement on arrival; before queue = ended in self-service"
                + " (served or left); abandon % of those who queued anyway, beside everyone's in the row");
    }

    /** Per queue: contacts of known citizens, their repeat contacts and first-contact resolution (nothing when none is known). */
    private static void repeats(PrintWriter out, KpiReport report) {
        if (report.totals().repeats().known() == 0) {
            return;
        }
        out.println();
        out.printf("%-20s %9s %9s %9s %9s %11s %6s%n", "repeat contacts", "known", "repeats", "redials", "answered", "came back", "FCR");
        java.util.stream.Stream.concat(java.util.stream.Stream.of(report.totals()), report.queues().stream())
                .filter(f -> f.repeats().known() > 0).forEach(f -> {
                    Figures.Repeats r = f.repeats();
                    out.printf("%-20s %,9d %,9d %,9d %,9d %,11d %6s%n", f.name(), r.known(), r.repeated(), r.afterAbandon(),
                            r.answeredKnown(), r.unresolved(), pct(r.firstContactResolution()));
                });
        out.printf("known = the citizen's number or address was given (pseudonymised); repeats within %d days of their previous"
                + " contact, redials after an abandon; FCR = answered contacts after which the citizen did not come back within"
                + " %d days, as far as the journal reaches%n", KpiCollector.REPEAT_WINDOW_MS / 86_400_000, KpiCollector.REPEAT_WINDOW_MS / 86_400_000);
    }

    /**
     * Per agent present in the report: offers taken, contacts finished and their AHT, transfers made,
     * offers declined and rung out, time logged in, occupancy, paused time by reason.
     */
    static void agents(PrintWriter out, KpiReport report) {
        java.util.List<String> reasons = report.agents().stream().flatMap(a -> a.pausedMs().keySet().stream()).distinct().sorted().toList();
        out.println();
        out.printf("%-20s %9s %8s %7s %8s %8s %8s %10s %9s", "agent", "accepted", "handled", "AHT s", "transfer", "declined", "rang out",
                "logged in", "occupancy");
        reasons.forEach(r -> out.printf(" %12s", "paused " + r));
        out.println();
        for (KpiReport.AgentFigures a : report.agents()) {
            out.printf("%-20s %,9d %,8d %7s %,8d %,8d %,8d %10s %9s", a.name(), a.accepted(), a.handled(),
                    a.ahtMs() == null ? "-" : Long.toString(Math.round(a.ahtMs() / 1000.0)), a.transferredOut(), a.declined(), a.rangOut(),
                    duration(a.loggedInMs()), a.occupancy() == null ? "-" : String.format(java.util.Locale.ROOT, "%.1f%%", 100 * a.occupancy()));
            reasons.forEach(r -> out.printf(" %12s", duration(a.pausedMs().getOrDefault(r, 0L))));
            out.println();
        }
        out.println("handled = answered contacts the agent finished, AHT their talk and after-contact work; transfer = contacts the"
                + " agent transferred; occupancy = time holding contacts / time available or holding; paused time while holding nothing;"
                + " logged-in and paused times in hours:minutes (8:30 = eight and a half hours)");
    }

    private static String duration(long ms) {
        long minutes = ms / 60_000;
        return String.format(java.util.Locale.ROOT, "%d:%02d", minutes / 60, minutes % 60);
    }

    /** Per queue: answered contacts by the wrap-up code their agent recorded (nothing when no agent recorded one). */
    private static void wrapUpCodes(PrintWriter out, KpiReport report) {
        java.util.List<String> codes = report.totals().wrapUpCodes().keySet().stream().toList();
        if (codes.isEmpty()) {
            return;
        }
        out.println();
        out.printf("%-20s", "wrap-up codes");
        codes.forEach(code -> out.printf(" %16s", code));
        out.println();
        java.util.stream.Stream.concat(report.queues().stream(), java.util.stream.Stream.of(report.totals()))
                .filter(q -> !q.wrapUpCodes().isEmpty()).forEach(q -> {
                    out.printf("%-20s", q.name());
                    codes.forEach(code -> out.printf(" %,16d", q.wrapUpCodes().getOrDefault(code, 0L)));
                    out.println();
                });
        out.println("answered contacts whose agent recorded a code, in their first queue");
    }

    /** The core's estimated wait at joining against the wait answered contacts had (predicted vs actual). */
    private static void waitEstimates(PrintWriter out, KpiReport report) {
        if (report.totals().waitEstimate().estimated() == 0) {
            return;
        }
        out.println();
        out.printf("%-20s %10s %14s %10s %12s%n", "estimated wait", "estimates", "mean |error|", "bias", "within 50%");
        java.util.stream.Stream.concat(java.util.stream.Stream.of(report.totals()), report.queues().stream())
                .filter(f -> f.waitEstimate().estimated() > 0).forEach(f -> {
                    Figures.WaitEstimate w = f.waitEstimate();
                    // Rounded to whole seconds first: "%.0f" of -0.3 prints "-0".
                    out.printf("%-20s %,10d %12.0f s %8d s %11.1f%%%n", f.name(), w.estimated(), w.meanAbsErrorMs() / 1000,
                            Math.round(w.biasMs() / 1000), 100 * w.withinHalf());
                });
        out.println("bias = actual - estimated wait (positive: longer than announced); within 50% of the actual wait or 30 s");
    }

    /** Per queue whose steps acted: what they did (nothing when no queue escalates). */
    private static void escalations(PrintWriter out, KpiReport report) {
        if (report.queues().stream().noneMatch(KpiText::escalated)) {
            return;
        }
        out.println();
        out.printf("%-20s %8s %8s %8s %9s %9s %8s %9s%n", "escalation", "widened", "ovflOut", "ovflIn", "cbOffers",
                "cbAccept", "closed", "deflected");
        report.queues().stream().filter(KpiText::escalated).forEach(q -> {
            Figures.Escalation e = q.escalation();
            out.printf("%-20s %,8d %,8d %,8d %,9d %,9d %,8d %,9d%n", q.name(), e.widened(), e.overflowedOut(), e.overflowedIn(),
                    e.callbackOffers(), e.callbackOffersAccepted(), e.closed(), q.deflected());
        });
        out.println("deflected counts in the contact's first queue; the steps count in the queue whose step acted");
    }

    /** Per queue with transfers: how many left it and how many came in (nothing when no agent transferred). */
    private static void transfers(PrintWriter out, KpiReport report) {
        if (report.totals().transfers().out() == 0) {
            return;
        }
        out.println();
        out.printf("%-20s %8s %8s%n", "transfers", "out", "in");
        report.queues().stream().filter(q -> q.transfers().out() + q.transfers().in() > 0)
                .forEach(q -> out.printf("%-20s %,8d %,8d%n", q.name(), q.transfers().out(), q.transfers().in()));
        out.println("a transferred contact is offered once, in its first queue; out and in count the agents' transfers");
    }

    private static boolean escalated(Figures q) {
        Figures.Escalation e = q.escalation();
        return e.widened() + e.overflowedOut() + e.overflowedIn() + e.callbackOffers() + e.closed() + q.deflected() > 0;
    }

    static void compare(PrintWriter out, String labelA, KpiReport a, String labelB, KpiReport b) {
        out.printf("A = %s%nB = %s%n", labelA, labelB);
        out.printf("%-22s %14s %14s %14s%n", "", "A", "B", "B - A");
        compareRows(out, "total", a.totals(), b.totals());
        for (Figures qa : a.queues()) {
            Figures qb = b.queue(qa.name());
            if (qb != null && (qa.offered() > 0 || qb.offered() > 0)) {
                compareRows(out, qa.name(), qa, qb);
            }
        }
    }

    private static void compareRows(PrintWriter out, String name, Figures a, Figures b) {
        out.println(name);
        line(out, "  offered", a.offered(), b.offered());
        line(out, "  answered", a.answered(), b.answered());
        line(out, "  abandoned", a.abandoned(), b.abandoned());
        if (a.deflected() + b.deflected() > 0) {
            line(out, "  deflected", a.deflected(), b.deflected());
        }
        if (a.escalation().overflowedOut() + b.escalation().overflowedOut() > 0) {
            line(out, "  overflowed out", a.escalation().overflowedOut(), b.escalation().overflowedOut());
        }
        if (a.escalation().callbackOffers() + b.escalation().callbackOffers() > 0) {
            line(out, "  callback offers", a.escalation().callbackOffers(), b.escalation().callbackOffers());
            line(out, "  callbacks accepted", a.escalation().callbackOffersAccepted(), b.escalation().callbackOffersAccepted());
        }
        percent(out, "  service level", a.serviceLevel(), b.serviceLevel());
        percent(out, "  target", a.serviceLevelTarget(), b.serviceLevelTarget());
        seconds(out, "  ASA", a.asaMs(), b.asaMs());
        seconds(out, "  AHT", a.ahtMs(), b.ahtMs());
        percent(out, "  occupancy", a.occupancy(), b.occupancy());
        if (a.announcement().heard() + b.announcement().heard() > 0) {
            line(out, "  heard announcement", a.announcement().heard(), b.announcement().heard());
        }
        if (a.repeats().known() + b.repeats().known() > 0) {
            line(out, "  repeat contacts", a.repeats().repeated(), b.repeats().repeated());
            if (a.repeats().unresolved() + b.repeats().unresolved() > 0) { // simulated citizens never come back once helped
                percent(out, "  first-contact res.", a.repeats().firstContactResolution(), b.repeats().firstContactResolution());
            }
        }
    }

    private static void line(PrintWriter out, String label, long a, long b) {
        out.printf("%-22s %,14d %,14d %+,14d%n", label, a, b, b - a);
    }

    private static void percent(PrintWriter out, String label, Double a, Double b) {
        out.printf("%-22s %14s %14s %14s%n", label, pct(a), pct(b),
                a == null || b == null ? "" : String.format("%+.1f pt", 100 * (b - a)));
    }

    private static void seconds(PrintWriter out, String label, Double a, Double b) {
        out.printf("%-22s %14s %14s %14s%n", label, sec(a), sec(b),
                a == null || b == null ? "" : String.format("%+.1f s", (b - a) / 1000));
    }

    private static void header(PrintWriter out, String first) {
        out.printf("%-20s %8s %8s %9s %7s %8s %7s %7s %8s %8s %9s %6s%n", first, "offered", "answered", "abandoned", "short",
                "selfSrv", "SL", "target", "ASA", "AHT", "maxWait", "occ");
    }

    private static void row(PrintWriter out, Figures f) {
        out.printf("%-20s %,8d %,8d %,9d %,7d %,8d %7s %7s %8s %8s %9s %6s%n", f.name(), f.offered(), f.answered(), f.abandoned(),
                f.shortAbandoned(), f.selfServed(), pct(f.serviceLevel()) + (f.underTarget() ? "!" : ""), pct(f.serviceLevelTarget()),
                sec(f.asaMs()), sec(f.ahtMs()),
                sec((double) f.longestWaitMs()), pct(f.occupancy()));
    }

    private static String pct(Double v) {
        return v == null ? "-" : String.format("%.1f%%", 100 * v);
    }

    private static String sec(Double ms) {
        return ms == null ? "-" : String.format("%.0f s", ms / 1000);
    }

}
