package org.loket.host.kpi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes KPI reports as one self-contained HTML page (Chart.js inlined, no network): offered and
 * answered per interval, service level against target, contacts waiting, the wait distribution and
 * staffing with occupancy, then tables per queue and channel. With two runs (a what-if), every chart
 * shows both and the tables show the difference.
 */
public final class HtmlReport {
    private static final String CHART_JS = "/META-INF/resources/webjars/chart.js/4.4.7/dist/chart.umd.js";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One labelled run. */
    public record Run(String label, KpiReport report) {
    }

    private HtmlReport() {
    }

    /**
     * Writes the page whole and readable by its owner only (the per-agent table names the agents).
     *
     * @param serviceLevelTarget one target (0..1) to draw on the service-level chart, or null to draw each run's
     *                           own per interval ({@link Figures#serviceLevelTarget()}: the queues' targets)
     */
    public static void write(Path file, String title, List<Run> runs, Double serviceLevelTarget) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        org.loket.host.security.OwnerOnlyFiles.replace(file, render(title, runs, serviceLevelTarget));
    }

    static String render(String title, List<Run> runs, Double serviceLevelTarget) throws IOException {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("title", title);
        data.put("target", serviceLevelTarget);
        data.put("runs", runs);
        String json;
        try {
            json = MAPPER.writeValueAsString(data).replace("</", "<\\/");
        } catch (JsonProcessingException e) {
            throw new IOException("cannot encode the report data", e);
        }
        return TEMPLATE.replace("@TITLE@", escape(title)).replace("@CHARTJS@", chartJs()).replace("@DATA@", json);
    }

    private static String chartJs() throws IOException {
        try (InputStream in = HtmlReport.class.getResourceAsStream(CHART_JS)) {
            if (in == null) {
                throw new IOException(CHART_JS + " is missing from the class path (org.webjars.npm:chart.js)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("</script", "<\\/script");
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static final String TEMPLATE = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>@TITLE@</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <style>
            body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1b1b1b;max-width:1200px}
            h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
            .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:1.5rem}
            .card{border:1px solid #ddd;border-radius:6px;padding:.8rem}
            table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}
            th,td{border-bottom:1px solid #eee;padding:.25rem .6rem;text-align:right}
            th:first-child,td:first-child{text-align:left}
            .better{color:#11772b}.worse{color:#b3261e}.note{color:#555;font-size:.85rem}
            </style>
            <script>@CHARTJS@</script>
            </head><body>
            <h1>@TITLE@</h1>
            <p class="note" id="about"></p>
            <div id="totals"></div>
            <div class="grid">
            <div class="card"><canvas id="volume"></canvas></div>
            <div class="card"><canvas id="sl"></canvas></div>
            <div class="card"><canvas id="waiting"></canvas></div>
            <div class="card"><canvas id="waits"></canvas></div>
            <div class="card"><canvas id="staff"></canvas></div>
            </div>
            <h2>Per queue</h2><div id="queues"></div>
            <h2>Per channel</h2><div id="channels"></div>
            <h2>Per agent</h2><div id="agents"></div>
            <script id="data" type="application/json">@DATA@</script>
            <script>
            const data = JSON.parse(document.getElementById('data').textContent);
            const runs = data.runs;
            const colours = ['#1f5fa8', '#d9731a', '#2e8b57', '#8e44ad'];
            const labels = [...new Set(runs.flatMap(r => r.report.intervals.map(i => i.start)))].sort();
            const clock = labels.map(l => l.substring(11));
            const byStart = r => Object.fromEntries(r.report.intervals.map(i => [i.start, i]));
            const series = (r, f) => { const m = byStart(r); return labels.map(l => m[l] ? f(m[l]) : null); };
            const pct = v => v == null ? '' : (100 * v).toFixed(1) + '%';
            const sec = v => v == null ? '' : (v / 1000).toFixed(1) + ' s';
            const num = v => v == null ? '' : v.toLocaleString('en');
            const r0 = runs[0].report;
            document.getElementById('about').textContent = 'Intervals of ' + r0.intervalMinutes + ' minutes, ' + r0.zone
              + '. Service level = answered within the queue threshold / (answered + abandoned - abandons under '
              + (r0.shortAbandonMs / 1000) + ' s + deflected after joining). Contacts count in the interval they joined a queue; escalation steps in the queue whose step acted.';
            function chart(id, type, title, datasets, options) {
              new Chart(document.getElementById(id), {type, data: {labels: id === 'waits' ? waitLabels() : clock, datasets},
                options: Object.assign({animation: false, responsive: true, plugins: {title: {display: true, text: title}},
                  interaction: {mode: 'index', intersect: false}}, options || {})});
            }
            function waitLabels() {
              const b = r0.waits.bucketUpperSeconds; return b.map((u, i) => (i ? b[i - 1] : 0) + '-' + u + ' s').concat(['>' + b[b.length - 1] + ' s']);
            }
            const suffix = r => runs.length > 1 ? ' (' + r.label + ')' : '';
            chart('volume', 'bar', 'Offered, answered and abandoned per interval', runs.flatMap((r, k) => [
              {type: 'bar', label: 'offered' + suffix(r), data: series(r, i => i.figures.offered), backgroundColor: colours[k] + '55'},
              {type: 'line', label: 'answered' + suffix(r), data: series(r, i => i.figures.answered), borderColor: colours[k], pointRadius: 0},
              {type: 'line', label: 'abandoned' + suffix(r), data: series(r, i => i.figures.abandoned), borderColor: colours[k], borderDash: [4, 3], pointRadius: 0}]
              // While the operator's service announcement was set: the contacts told it, per interval.
              .concat(r.report.totals.announcement.heard > 0 ? [{type: 'line', label: 'heard the announcement' + suffix(r),
                data: series(r, i => i.figures.announcement.heard), borderColor: '#7a4f9a', borderDash: [2, 2], pointRadius: 0}] : [])));
            chart('sl', 'line', 'Service level per interval against target', runs.map((r, k) => (
              {label: 'service level' + suffix(r), data: series(r, i => i.figures.serviceLevel == null ? null : 100 * i.figures.serviceLevel), borderColor: colours[k], pointRadius: 0}))
              .concat(data.target != null
                ? [{label: 'target', data: labels.map(() => 100 * data.target), borderColor: '#b3261e', borderDash: [6, 4], pointRadius: 0}]
                // Each run's queues' own targets, weighted by the contacts of the interval (a what-if may change them).
                : runs.map((r, k) => ({label: 'target' + suffix(r), data: series(r, i => i.figures.serviceLevelTarget == null ? null : 100 * i.figures.serviceLevelTarget),
                    borderColor: k ? '#e8a09a' : '#b3261e', borderDash: [6, 4], pointRadius: 0, stepped: true}))),
              {scales: {y: {min: 0, max: 100, title: {display: true, text: '%'}}}});
            chart('waiting', 'line', 'Contacts waiting (mean and most at once)', runs.flatMap((r, k) => [
              {label: 'mean' + suffix(r), data: series(r, i => i.meanQueueLength), borderColor: colours[k], pointRadius: 0},
              {label: 'most' + suffix(r), data: series(r, i => i.maxQueueLength), borderColor: colours[k], borderDash: [4, 3], pointRadius: 0}]));
            chart('waits', 'bar', 'Wait distribution (answered and abandoned contacts)', runs.flatMap((r, k) => [
              {label: 'answered' + suffix(r), data: r.report.waits.answered, backgroundColor: colours[k]},
              {label: 'abandoned' + suffix(r), data: r.report.waits.abandoned, backgroundColor: colours[k] + '66'}]),
              {scales: {y: {type: 'logarithmic', title: {display: true, text: 'contacts (log scale)'}}}});
            chart('staff', 'bar', 'Agents staffed and occupancy', runs.flatMap((r, k) => [
              {type: 'bar', label: 'agents staffed' + suffix(r), data: series(r, i => i.agentsStaffed), backgroundColor: colours[k] + '55', yAxisID: 'y'},
              {type: 'line', label: 'occupancy %' + suffix(r), data: series(r, i => i.figures.occupancy == null ? null : 100 * i.figures.occupancy), borderColor: colours[k], pointRadius: 0, yAxisID: 'y1'}]),
              {scales: {y: {position: 'left', title: {display: true, text: 'agents'}}, y1: {position: 'right', min: 0, max: 100, title: {display: true, text: '%'}, grid: {drawOnChartArea: false}}}});
            const columns = [['offered', num], ['answered', num], ['abandoned', num], ['shortAbandoned', num], ['selfServed', num],
              ['callbacks', num], ['closed', num], ['outsideHours', num], ['deflected', num], ['escalation.widened', num], ['escalation.overflowedOut', num],
              ['escalation.overflowedIn', num], ['escalation.callbackOffers', num], ['escalation.callbackOffersAccepted', num], ['transfers.out', num], ['transfers.in', num], ['serviceLevel', pct], ['serviceLevelTarget', pct], ['abandonRate', pct], ['asaMs', sec], ['ahtMs', sec], ['longestWaitMs', sec], ['occupancy', pct],
              ['repeats.known', num], ['repeats.repeated', num], ['repeats.afterAbandon', num], ['repeats.firstContactResolution', pct]];
            if (runs.some(r => r.report.totals.announcement.heard > 0)) {
              columns.push(['announcement.heard', num], ['announcement.leftBeforeQueue', pct], ['announcement.abandonRate', pct]);
            }
            // When each run's service announcement was set (local clock times).
            runs.filter(r => r.report.announcements.length).forEach(r => document.getElementById('about').textContent += ' Service announcement'
              + suffix(r) + ': ' + r.report.announcements.map(p => p.prompt + ' ' + p.from.replace('T', ' ') + ' to '
                + (p.to == null ? 'the end' : p.to.replace('T', ' ')) + ' (' + num(p.heard) + ' heard)').join(', ') + '.');
            // Answered contacts by the wrap-up code their agent recorded: a row per code any run has.
            [...new Set(runs.flatMap(r => Object.keys(r.report.totals.wrapUpCodes || {})))].sort()
              .forEach(code => columns.push(['wrapUpCodes.' + code, num]));
            const lowerIsBetter = new Set(['abandoned', 'shortAbandoned', 'abandonRate', 'asaMs', 'longestWaitMs', 'repeats.repeated', 'repeats.afterAbandon', 'announcement.abandonRate']);
            function table(rows) {
              const head = '<tr><th></th>' + runs.map(r => '<th>' + r.label + '</th>').join('') + (runs.length === 2 ? '<th>B - A</th>' : '') + '</tr>';
              return '<table>' + head + rows.map(([name, get]) => '<tr><th colspan="' + (runs.length + 2) + '">' + name + '</th></tr>'
                + columns.map(([key, fmt]) => {
                  const values = runs.map(r => { const f = get(r); const v = f ? key.split('.').reduce((o, k) => o == null ? null : o[k], f) : null;
                    return v == null && key.startsWith('wrapUpCodes.') && f ? 0 : v; });
                  let diff = '';
                  if (runs.length === 2 && values[0] != null && values[1] != null) {
                    const d = Math.abs(values[1] - values[0]) < 1e-9 ? 0 : values[1] - values[0]; // no '-0.0%' from rounding
                    const better = d === 0 ? '' : (d < 0) === lowerIsBetter.has(key) ? 'better' : 'worse';
                    const neutral = ['offered', 'repeats.known', 'announcement.heard', 'announcement.leftBeforeQueue', 'serviceLevelTarget', 'occupancy', 'ahtMs', 'selfServed', 'callbacks', 'closed', 'outsideHours', 'deflected'].includes(key) || key.startsWith('escalation.') || key.startsWith('wrapUpCodes.');
                    diff = '<td class="' + (neutral ? '' : better) + '">' + (d > 0 ? '+' : '') + fmt(d) + '</td>';
                  } else if (runs.length === 2) { diff = '<td></td>'; }
                  // A service level under its target is marked in each run's cell.
                  const under = k => key === 'serviceLevel' && values[k] != null && get(runs[k]) && get(runs[k]).serviceLevelTarget != null
                    && values[k] < get(runs[k]).serviceLevelTarget - 1e-9;
                  return '<tr><td>' + key + '</td>' + values.map((v, k) => under(k) ? '<td class="worse under-target">' + fmt(v) + ' !</td>' : '<td>' + fmt(v) + '</td>').join('') + diff + '</tr>';
                }).join('')).join('') + '</table>';
            }
            document.getElementById('totals').innerHTML = table([['all contacts', r => r.report.totals]]);
            document.getElementById('queues').innerHTML = table(r0.queues.map(q => [q.name + ' (' + q.channel + ')', r => r.report.queues.find(x => x.name === q.name)]));
            document.getElementById('channels').innerHTML = table(r0.channels.map(c => [c.name, r => r.report.channels.find(x => x.name === c.name)]));
            // Per agent and run: offers taken, contacts finished and their AHT, transfers, offers declined and rung out,
            // time logged in, occupancy, paused time by reason.
            const hm = ms => { const m = Math.floor(ms / 60000); return Math.floor(m / 60) + ':' + String(m % 60).padStart(2, '0'); };
            const esc = t => String(t).replace(/&/g, '&amp;').replace(/</g, '&lt;');
            const reasons = [...new Set(runs.flatMap(r => (r.report.agents || []).flatMap(a => Object.keys(a.pausedMs))))].sort();
            document.getElementById('agents').innerHTML = '<table><tr><th>agent</th>' + (runs.length > 1 ? '<th>run</th>' : '')
              + '<th>accepted</th><th>handled</th><th>AHT</th><th>transferred</th><th>declined</th><th>rang out</th><th>logged in</th><th>occupancy</th>' + reasons.map(x => '<th>paused ' + esc(x) + '</th>').join('') + '</tr>'
              + runs.flatMap(r => (r.report.agents || []).map(a => '<tr data-agent="' + esc(a.name) + '"><td>' + esc(a.name) + '</td>'
                + (runs.length > 1 ? '<td>' + esc(r.label) + '</td>' : '') + '<td>' + num(a.accepted) + '</td><td>' + num(a.handled)
                + '</td><td>' + (a.ahtMs == null ? '–' : Math.round(a.ahtMs / 1000) + ' s') + '</td><td>' + num(a.transferredOut)
                + '</td><td>' + num(a.declined) + '</td><td>' + num(a.rangOut) + '</td><td>' + hm(a.loggedInMs)
                + '</td><td>' + pct(a.occupancy) + '</td>' + reasons.map(x => '<td>' + hm(a.pausedMs[x] || 0) + '</td>').join('') + '</tr>')).join('')
              + '</table>';
            </script>
            </body></html>
            """;
}
