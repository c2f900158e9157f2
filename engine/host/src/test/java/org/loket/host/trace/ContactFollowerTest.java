package org.loket.host.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.loket.core.testkit.Commands.accept;
import static org.loket.core.testkit.Commands.arrive;
import static org.loket.core.testkit.Commands.config;
import static org.loket.core.testkit.Commands.end;
import static org.loket.core.testkit.Commands.introducingTransfer;
import static org.loket.core.testkit.Commands.login;
import static org.loket.core.testkit.Commands.transferLeft;

import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.loket.core.Channel;
import org.loket.core.command.Command;
import org.loket.core.decision.Decision;
import org.loket.core.testkit.ConfigBuilder;
import org.loket.core.testkit.CoreDriver;

/** The follower reads what the real core decided: here, introductions and where their calls end. */
class ContactFollowerTest {
    private final CoreDriver driver = new CoreDriver();
    private final ContactFollower follower = new ContactFollower(ZoneOffset.UTC, null, c -> true);

    private void feed(Command... commands) {
        for (Command c : commands) {
            driver.apply(c);
            List<Decision> decisions = driver.sink.drain();
            follower.accept(c, decisions.toArray(new Decision[0]), decisions.size());
        }
    }

    /**
     * Ann introduces two callers to the expert of app-voice. The expert leaves the first call: it is
     * ann's again, back in digid-voice, where it ends, and her conversation did not end at the
     * transfer. Ann leaves the second: it ends in app-voice with the expert.
     */
    @Test
    void shouldEndAnIntroductionTheColleagueLeftInTheIntroducersQueue() {
        ConfigBuilder b = new ConfigBuilder();
        int digid = b.skill("digid");
        int app = b.skill("digid-app");
        int qDigid = b.queue("digid-voice", Channel.VOICE, digid);
        int qApp = b.queue("app-voice", Channel.VOICE, app);
        int entry = b.entryToQueue("digid", qDigid);
        int ann = b.agent("ann", digid, 5);
        int expert = b.agent("expert", app, 5);
        feed(config(0, b.build()), login(0, ann), login(0, expert),
                arrive(1_000, 1, Channel.VOICE, entry), accept(2_000, 1, ann),
                introducingTransfer(3_000, 1, ann, qApp), accept(4_000, 1, expert),
                transferLeft(5_000, 1, expert), end(9_000, 1));
        feed(arrive(10_000, 2, Channel.VOICE, entry), accept(11_000, 2, ann),
                introducingTransfer(12_000, 2, ann, qApp), accept(13_000, 2, expert),
                transferLeft(14_000, 2, ann), end(19_000, 2));

        ContactFollower.Followed returned = follower.get(1);
        ContactRecord first = follower.record(returned);
        assertThat(List.of(first.queue(), first.lastQueue(), first.agent(), first.outcome()))
                .containsExactly("digid-voice", "digid-voice", "ann", "answered");
        assertThat(first.transfers()).as("the introduction was made").isEqualTo(1);
        assertThat(returned.firstLegEndNs).as("ann's conversation went on").isEqualTo(-1);

        ContactFollower.Followed introduced = follower.get(2);
        ContactRecord second = follower.record(introduced);
        assertThat(List.of(second.queue(), second.lastQueue(), second.agent())).containsExactly("digid-voice", "app-voice", "ann");
        assertThat(introduced.firstLegEndNs).as("ann's part ended at the transfer").isEqualTo(org.loket.core.testkit.Commands.ns(12_000));
    }
}
