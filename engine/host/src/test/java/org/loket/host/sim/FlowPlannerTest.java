package org.loket.host.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.loket.config.ConfigLoader;
import org.loket.core.Channel;
import org.loket.core.config.RoutingConfig;

/** Plans through the default configuration's IVR and chatbot. */
class FlowPlannerTest {
    private final RoutingConfig config = load();
    private final FlowPlanner planner = new FlowPlanner(config);
    private final int nl = config.languages().indexOf("nl");
    private final int en = config.languages().indexOf("en");

    private static RoutingConfig load() {
        try {
            return ConfigLoader.loadDefault().routing();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private int entry(String name) {
        return config.entries().stream().map(e -> e.name()).toList().indexOf(name);
    }

    @Test
    void shouldPressTheKeysThatLeadToTheQueueInTheCallersLanguage() {
        FlowPlanner.Plan dutch = planner.plan(Channel.VOICE, "password-voice", nl, false);
        assertThat(dutch.entryId()).isEqualTo(entry("phone"));
        assertThat(dutch.inputs()).containsExactly(1, 4, 2); // Nederlands, password menu, an agent
        assertThat(planner.plan(Channel.VOICE, "password-voice", en, false).inputs()).containsExactly(2, 4, 2);
        assertThat(planner.plan(Channel.VOICE, "misuse-voice", nl, false).inputs()).containsExactly(1, 9);
    }

    @Test
    void shouldTakeASelfServedCallerToTheInformationUnderTheirQueuesBranch() {
        FlowPlanner.Plan plan = planner.plan(Channel.VOICE, "password-voice", nl, true);
        assertThat(plan.reachesInfo()).isTrue();
        assertThat(plan.inputs()).containsExactly(1, 4, 1); // the password-reset information
    }

    @Test
    void shouldSendChatStraightToItsQueueOrThroughTheChatbotToAChatQueue() {
        FlowPlanner.Plan straight = planner.plan(Channel.CHAT, "digid-chat", nl, false);
        assertThat(straight.entryId()).isEqualTo(entry("chat"));
        assertThat(straight.inputs()).isEmpty();
        FlowPlanner.Plan bot = planner.plan(Channel.CHAT, "chatbot", nl, false);
        assertThat(bot.entryId()).isEqualTo(entry("chatbot"));
        assertThat(bot.inputs()).isNotEmpty();
        assertThat(bot.reachesInfo()).isFalse();
    }
}
