package org.loket.host.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.loket.core.Channel;

class TraceCsvTest {

    @Test
    void shouldReadRowsInAnyColumnOrderIgnoringUnknownColumnsAndSortByArrival() throws Exception {
        String csv = """
                contact_id,arrival_ms,channel,topic,self_service_ms,self_served,patience_ms,handle_ms,wrapup_ms,agent_notes
                b,2000,chat,digid-chat,0,false,,600000,30000,whatever
                a,1000,voice,login-voice,45000,true,120000,300000,60000,
                """;
        List<TraceContact> rows = TraceCsv.read(new StringReader(csv), "t.csv");
        assertThat(rows).extracting(TraceContact::contactId).containsExactly("a", "b");
        TraceContact a = rows.get(0);
        assertThat(a.line()).isEqualTo(3);
        assertThat(a.channel()).isEqualTo(Channel.VOICE);
        assertThat(a.selfServed()).isTrue();
        assertThat(a.patienceMs()).isEqualTo(120_000);
        assertThat(a.priority()).as("optional column absent").isEqualTo(-1);
        assertThat(rows.get(1).abandons()).as("empty patience: never abandons").isFalse();
    }

    @Test
    void shouldNameFileLineColumnAndValueOfEveryProblem() {
        String csv = """
                arrival_ms,contact_id,channel,topic,self_service_ms,self_served,patience_ms,handle_ms,wrapup_ms,priority
                1000,a,fax,q,0,false,,1000,0,
                soon,b,voice,q,0,maybe,,1000,0,12
                3000,a,voice,,0,false,-5,,0,
                """;
        assertThatThrownBy(() -> TraceCsv.read(new StringReader(csv), "t.csv")).isInstanceOf(TraceException.class)
                .satisfies(e -> assertThat(((TraceException) e).problems()).containsExactlyInAnyOrder(
                        "t.csv:2: column channel = 'fax': must be voice, chat, email or social",
                        "t.csv:3: column arrival_ms = 'soon': must be a whole number between 0 and 31622400000",
                        "t.csv:3: column self_served = 'maybe': must be true or false",
                        "t.csv:3: column priority = '12': must be between 0 and 9",
                        "t.csv:4: column topic: is required",
                        "t.csv:4: column patience_ms = '-5': must be between 0 and 31622400000",
                        "t.csv:4: column handle_ms: is required (milliseconds, 0 or more)",
                        "t.csv:4: contact_id 'a' appears twice"));
    }

    @Test
    void shouldRefuseAHeaderWithoutARequiredColumn() {
        assertThatThrownBy(() -> TraceCsv.read(new StringReader("arrival_ms,contact_id\n1,a\n"), "t.csv"))
                .isInstanceOf(TraceException.class).hasMessageContaining("t.csv:1: the header has no column 'channel'");
        assertThatThrownBy(() -> TraceCsv.read(new StringReader(""), "empty.csv"))
                .isInstanceOf(TraceException.class).hasMessageContaining("empty.csv:1: no header line (an empty file?)")
                .hasMessageNotContaining("UNKNOWN");
    }

    @Test
    void shouldReadBackWhatItWrites() throws Exception {
        List<TraceContact> rows = List.of(
                new TraceContact(0, 5, "1", Channel.VOICE, "login-voice", 9, "en", 40_000, false, 90_000, 300_000, 45_000, null, 60_000),
                new TraceContact(0, 7, "2", Channel.EMAIL, "digid-email", -1, null, 0, false, -1, 420_000, 0, "1", -1));
        StringWriter out = new StringWriter();
        TraceCsv.write(rows, out);
        List<TraceContact> back = TraceCsv.read(new StringReader(out.toString()), "w.csv");
        assertThat(back).usingRecursiveFieldByFieldElementComparatorIgnoringFields("source", "line").isEqualTo(rows);
    }

    private static final String HEADER = "arrival_ms,contact_id,channel,topic,self_service_ms,self_served,patience_ms,handle_ms,wrapup_ms\n";

    @Test
    void shouldReadAFileThatStartsWithAByteOrderMark(@TempDir Path folder) throws Exception {
        Path file = folder.resolve("excel.csv"); // Excel's "CSV UTF-8" writes EF BB BF first
        Files.write(file, ("\uFEFF" + HEADER + "1000,a,voice,login-voice,0,false,,1000,0\n").getBytes(StandardCharsets.UTF_8));
        List<TraceContact> rows = TraceCsv.read(file);
        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.arrivalMs()).isEqualTo(1000);
            assertThat(r.where()).isEqualTo(file + ":2");
        });
    }

    @Test
    void shouldSkipBlankLinesAndKeepTheLineNumbersOfTheRowsAfterThem() throws Exception {
        String csv = HEADER + "1000,a,voice,login-voice,0,false,,1000,0\n\n   \n2000,b,voice,,0,false,,1000,0\n\n";
        assertThatThrownBy(() -> TraceCsv.read(new StringReader(csv), "t.csv")).isInstanceOf(TraceException.class)
                .satisfies(e -> assertThat(((TraceException) e).problems()).containsExactly("t.csv:5: column topic: is required"));
        List<TraceContact> rows = TraceCsv.read(new StringReader(csv.replace(",,0,false", ",q,0,false")), "t.csv");
        assertThat(rows).extracting(TraceContact::line).containsExactly(2, 5);
    }

    @Test
    void shouldSayWhichLineIsNotUtf8Text(@TempDir Path folder) throws Exception {
        Path file = folder.resolve("latin1.csv");
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 0; i < 2_000; i++) { // past the first buffers: the line is where the byte is, not where reading was
            csv.append(1000 + i).append(",c").append(i).append(",voice,login-voice,0,false,,1000,0\n");
        }
        csv.append("9999,caf\u00e9,voice,login-voice,0,false,,1000,0\n");
        Files.write(file, csv.toString().getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> TraceCsv.read(file)).isInstanceOf(TraceException.class)
                .satisfies(e -> assertThat(((TraceException) e).problems()).containsExactly(
                        file + ":2002: not UTF-8 text (from this line on); save the file as UTF-8 (in Excel: \"CSV UTF-8\")"));
        Path staffing = Files.write(folder.resolve("staffing.csv"), "at_ms,agent,event\n0,jos\u00e9,login\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> TraceCsv.readStaffing(staffing)).isInstanceOf(TraceException.class)
                .hasMessage(staffing + ":2: not UTF-8 text (from this line on); save the file as UTF-8 (in Excel: \"CSV UTF-8\")");
    }

    @Test
    void shouldNameWhereARowIs() {
        TraceContact read = new TraceContact("peak.csv", 12, 0, "a", Channel.VOICE, "q", -1, null, 0, false, -1, 0, 0, null, -1);
        assertThat(read.where()).isEqualTo("peak.csv:12");
        TraceContact generated = new TraceContact(0, 0, "7", Channel.VOICE, "q", -1, null, 0, false, -1, 0, 0, null, -1);
        assertThat(generated.where()).isEqualTo("contact 7");
    }
}
