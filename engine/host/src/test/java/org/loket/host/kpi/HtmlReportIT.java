package org.loket.host.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.config.ConfigLoader;
import org.loket.config.LoadedConfig;
import org.loket.host.sim.DaySimulator;
import org.loket.host.testkit.Chromium;
import org.loket.host.trace.TraceContact;
import org.loket.host.trace.TraceGenerator;
import org.loket.host.trace.TrafficParams;

/** The what-if report as a supervisor opens it: in a real headless Chromium, offline. */
class HtmlReportIT {

    @Test
    void shouldDrawEveryChartAndFillTheTablesInARealBrowser(@TempDir Path folder) throws Exception {
        LoadedConfig config = ConfigLoader.loadDefault();
        List<TraceContact> trace = new TraceGenerator(TrafficParams.shipped()).generate("peak", 3, 1.0);
        KpiReport a = new DaySimulator(config, DaySimulator.Settings.defaults()).run(trace, null, null).kpis();
        KpiReport b = new DaySimulator(config, new DaySimulator.Settings(DaySimulator.Settings.defaults().date(),
                DaySimulator.Settings.defaults().zone(), 8_000, 5_000)).run(trace, null, null).kpis();
        Path page = folder.resolve("what-if.html");
        HtmlReport.write(page, "What-if: ring 3 s vs 8 s", List.of(new HtmlReport.Run("ring 3 s", a), new HtmlReport.Run("ring 8 s", b)), null);

        Chromium.Page rendered = Chromium.render(page, Path.of("target", "screenshots", "what-if-report.png"), folder.resolve("profile"), 5_000);

        assertThat(rendered.console()).as("script errors").noneMatch(line -> line.contains("Uncaught") || line.contains("Error"));
        // Chart.js sizes each canvas it draws on; the tables exist only once the page's script ran.
        for (String chart : List.of("volume", "sl", "waiting", "waits", "staff")) {
            assertThat(rendered.dom()).containsPattern("<canvas id=\"" + chart + "\"[^>]*style=\"[^\"]*width");
        }
        assertThat(rendered.dom()).contains("<th>ring 3 s</th><th>ring 8 s</th><th>B - A</th>", "login-voice (voice)", "<td>serviceLevel</td>");
        // Each queue's own target, and its service level marked in every run and row that fell short of it.
        assertThat(rendered.dom()).contains("<td>serviceLevelTarget</td>");
        long under = 0;
        for (KpiReport run : List.of(a, b)) {
            List<Figures> rows = new java.util.ArrayList<>(List.of(run.totals()));
            a.queues().forEach(q -> rows.add(run.queue(q.name())));
            rows.addAll(run.channels());
            under += rows.stream().filter(f -> f != null && f.underTarget()).count();
        }
        assertThat(under).as("the default's queues at this load: some fall short").isPositive();
        // (a cell's text starts with a digit; the page's own script has the class name too)
        assertThat(java.util.regex.Pattern.compile("class=\"worse under-target\">\\d").matcher(rendered.dom()).results().count())
                .isEqualTo(under);
        // The agents' table: a row per agent and run, the first agent of the roster with its figures.
        String first = a.agents().getFirst().name();
        KpiReport.AgentFigures firstAgent = a.agents().getFirst();
        assertThat(firstAgent.handled()).isPositive();
        assertThat(rendered.dom()).contains("<th>accepted</th><th>handled</th><th>AHT</th><th>transferred</th><th>declined</th>"
                        + "<th>rang out</th><th>logged in</th><th>occupancy</th>")
                .contains("<tr data-agent=\"" + first + "\"><td>" + first + "</td><td>ring 3 s</td><td>" + firstAgent.accepted() + "</td><td>"
                        + firstAgent.handled() + "</td><td>" + Math.round(firstAgent.ahtMs() / 1000.0) + " s</td>");
    }

    @Test
    void shouldShowWhenTheServiceAnnouncementWasSetAndWhoHeardIt(@TempDir Path folder) throws Exception {
        KpiReport report = new KpiCollectorTest().announcementScenario();
        Path page = folder.resolve("announcement.html");
        HtmlReport.write(page, "A minute's service announcement", List.of(new HtmlReport.Run("recorded", report)), null);

        Chromium.Page rendered = Chromium.render(page, Path.of("target", "screenshots", "announcement-report.png"), folder.resolve("profile"), 5_000);

        assertThat(rendered.console()).as("script errors").noneMatch(line -> line.contains("Uncaught") || line.contains("Error"));
        assertThat(rendered.dom()).containsPattern("<canvas id=\"volume\"[^>]*style=\"[^\"]*width");
        // KpiCollectorTest's day starts 2026-03-02 08:00 UTC (09:00 in Amsterdam, the report's zone is UTC here).
        assertThat(rendered.dom()).contains("Service announcement: info 2026-03-02 08:00:01 to 2026-03-02 08:01:01 (2 heard).");
        assertThat(rendered.dom()).containsPattern("<td>announcement.heard</td><td>2</td>")
                .containsPattern("<td>announcement.leftBeforeQueue</td><td>50.0%</td>")
                .containsPattern("<td>announcement.abandonRate</td><td>100.0%</td>");
    }
}
