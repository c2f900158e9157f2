package org.loket.host.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.loket.core.testkit.Commands.abandon;
import static org.loket.core.testkit.Commands.accept;
import static org.loket.core.testkit.Commands.arrive;
import static org.loket.core.testkit.Commands.config;
import static org.loket.core.testkit.Commands.end;
import static org.loket.core.testkit.Commands.login;
import static org.loket.core.testkit.Commands.ready;
import static org.loket.core.testkit.Commands.wrapUpDone;

import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.loket.core.Channel;
import org.loket.core.command.Command;
import org.loket.core.decision.Decision;
import org.loket.core.testkit.ConfigBuilder;
import org.loket.core.testkit.CoreDriver;

/**
 * A citizen's earlier contacts as the agent of their next one sees them: the real core decides,
 * the history reads its commands and decisions as the journal holds them.
 */
class CitizenHistoryTest {
    private static final long CITIZEN = 0x1234_5678_9abc_def0L;
    private static final long OTHER = 0x0fed_cba9_8765_4321L;
    private static final long DAY_MS = 86_400_000L;

    private final CoreDriver driver = new CoreDriver();
    private CitizenHistory history;
    private int ann;
    private int voice;
    private int mail;

    @BeforeEach
    void setUp() {
        ConfigBuilder b = new ConfigBuilder();
        int skill = b.skill("digid");
        int qVoice = b.queue("digid-voice", Channel.VOICE, skill);
        int qMail = b.queue("digid-email", Channel.EMAIL, skill);
        voice = b.entryToQueue("digid", qVoice);
        mail = b.entryToQueue("email", qMail);
        ann = b.agent("ann", skill, 5);
        history = new CitizenHistory(ZoneOffset.UTC, null, Duration.ofDays(7), 3);
        feed(config(0, b.build()), login(0, ann)); // not ready: contacts wait until a test says so
    }

    private void feed(Command... commands) {
        for (Command c : commands) {
            driver.apply(c);
            List<Decision> decisions = driver.sink.drain();
            history.accept(c, decisions.toArray(new Decision[0]), decisions.size());
        }
    }

    private Command arriveAs(long ms, long contactId, Channel channel, int entry, long citizen) {
        Command c = arrive(ms, contactId, channel, entry);
        c.citizenPseudonym = citizen;
        return c;
    }

    @Test
    void shouldShowTheCitizensEarlierContactsNewestFirstAsTheyEnded() {
        feed(arriveAs(1_000, 1, Channel.VOICE, voice, CITIZEN), abandon(21_000, 1));          // gave up after 20 s
        feed(ready(59_000, ann), arriveAs(60_000, 2, Channel.VOICE, voice, CITIZEN), accept(62_000, 2, ann),
                end(180_000, 2), wrapUpDone(200_000, 2, ann));                                  // answered by ann
        feed(arriveAs(300_000, 3, Channel.VOICE, voice, OTHER));                                 // someone else
        feed(arriveAs(DAY_MS, 4, Channel.EMAIL, mail, CITIZEN));                                 // the next day, by e-mail

        List<ContactRecord> earlier = history.before(4);
        assertThat(earlier).extracting(ContactRecord::contactId).containsExactly("j2", "j1");
        ContactRecord answered = earlier.get(0);
        assertThat(answered.outcome()).isEqualTo("answered");
        assertThat(answered.agent()).isEqualTo("ann");
        assertThat(answered.queue()).isEqualTo("digid-voice");
        assertThat(answered.arrivedAt()).as("local time, a minute after the testkit's T0").isEqualTo("2026-03-02T08:01:00.000");
        assertThat(answered.waitMs()).isEqualTo(2_000);
        assertThat(earlier.get(1).outcome()).isEqualTo("abandoned");
        assertThat(earlier.get(1).waitMs()).isEqualTo(20_000);
        assertThat(history.before(2)).as("only what came before").extracting(ContactRecord::contactId).containsExactly("j1");
        assertThat(history.before(3)).as("another citizen's first contact").isEmpty();
        assertThat(history.before(99)).as("a contact it never saw arrive").isEmpty();
    }

    @Test
    void shouldTellAnEarlierContactStillOpenAndNoneForAnUnknownCitizen() {
        feed(arriveAs(1_000, 1, Channel.EMAIL, mail, CITIZEN));
        feed(arriveAs(2_000, 2, Channel.VOICE, voice, CITIZEN));
        feed(arrive(3_000, 3, Channel.VOICE, voice));                                           // no pseudonym: a web chat, say
        assertThat(history.before(2)).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo("open");
            assertThat(r.channel()).isEqualTo("email");
            assertThat(r.endedAt()).isEmpty();
        });
        assertThat(history.before(3)).isEmpty();
        assertThat(history.citizens()).isEqualTo(1);
    }

    @Test
    void shouldForgetContactsOlderThanTheWindowAndKeepOnlyTheNewestFew() {
        for (int i = 1; i <= 5; i++) {
            feed(arriveAs(i * 1_000L, i, Channel.VOICE, voice, CITIZEN), abandon(i * 1_000L + 500, i));
        }
        feed(arriveAs(10_000, 6, Channel.VOICE, voice, CITIZEN));
        assertThat(history.before(6)).as("at most three, the newest").extracting(ContactRecord::contactId)
                .containsExactly("j5", "j4", "j3");

        feed(arriveAs(8 * DAY_MS, 7, Channel.VOICE, voice, OTHER));
        assertThat(history.citizens()).as("a week later only the new citizen is known").isEqualTo(1);
        feed(arriveAs(8 * DAY_MS + 1_000, 8, Channel.VOICE, voice, CITIZEN));
        assertThat(history.before(8)).as("their calls of last week are past the window").isEmpty();
    }

    @Test
    void shouldRefuseAnEmptyWindow() {
        assertThatThrownBy(() -> new CitizenHistory(ZoneOffset.UTC, null, Duration.ZERO, 3)).isInstanceOf(IllegalArgumentException.class);
    }
}
