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
}
