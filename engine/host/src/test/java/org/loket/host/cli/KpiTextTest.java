package org.loket.host.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.loket.host.kpi.KpiCollectorTest;
import org.loket.host.kpi.KpiReport;

/** The text report's tables as an operator reads them in the terminal. */
class KpiTextTest {

    @Test
    void shouldListWhenTheServiceAnnouncementWasSetAndHowThoseWhoHeardItEnded() {
        KpiReport report = new KpiCollectorTest().announcementScenario();
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            KpiText.print(out, report);
        }
        assertThat(text.toString())
                .containsPattern("info +2026-03-02 08:00:01 2026-03-02 08:01:01 +2\\n")
                // heard, self-served, left in the menus, offered, answered, abandoned; half left before a queue; the one who queued gave up
                .containsPattern("\\ntotal +2 +1 +0 +1 +0 +1 +50\\.0% +100\\.0% +50\\.0%\\n")
                .containsPattern("\\nq +2 +1 +0 +1 +0 +1 ");
    }

    @Test
    void shouldLeaveTheAnnouncementTableOutWhenNoneWasSet() {
        KpiReport report = new KpiCollectorTest().announcementScenario();
        KpiReport without = new KpiReport(report.zone(), report.intervalMinutes(), report.shortAbandonMs(), 0, 0, 0,
                report.channels().get(2), java.util.List.of(), report.channels(), java.util.List.of(), report.waits(),
                java.util.List.of(), java.util.List.of());
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            KpiText.print(out, without);
        }
        assertThat(text.toString()).doesNotContain("service announcement").doesNotContain("heard it");
    }

    @Test
    void shouldRoundASmallNegativeBiasToZeroNotMinusZero() throws Exception {
        KpiReport report = new KpiCollectorTest().announcementScenario();
        org.loket.host.kpi.Figures totals = with(report.channels().get(2), "waitEstimate",
                new org.loket.host.kpi.Figures.WaitEstimate(3, 1_200.0, -300.0, 1.0));
        KpiReport estimated = new KpiReport(report.zone(), report.intervalMinutes(), report.shortAbandonMs(), 0, 0, 0,
                totals, java.util.List.of(), report.channels(), java.util.List.of(), report.waits(), java.util.List.of(), java.util.List.of());
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            KpiText.print(out, estimated);
        }
        assertThat(text.toString()).containsPattern("\\n" + totals.name() + " +3 +1 s +0 s +100\\.0%\\n").doesNotContain("-0 s");
    }

    /** A copy of a record with one component replaced. */
    private static <R extends Record> R with(R record, String component, Object value) throws Exception {
        var components = record.getClass().getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            values[i] = components[i].getName().equals(component) ? value : components[i].getAccessor().invoke(record);
        }
        @SuppressWarnings("unchecked")
        R copy = (R) record.getClass().getDeclaredConstructor(types).newInstance(values);
        return copy;
    }
}
