package org.loket.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.loket.config.ConfigLoader;
import org.loket.core.AgentState;
import org.loket.core.command.Command;
import org.loket.core.command.CommandType;
import org.loket.host.gateway.CommandPublisher;
import org.loket.host.gateway.GatewayContext;

/**
 * Phones' reachability as logins and logouts, without Asterisk ({@link PhoneChannelIT} registers a
 * real softphone): once per change, and none for an agent the core already holds logged in.
 */
class AmiPresenceTest {
    private final List<Command> published = new CopyOnWriteArrayList<>();
    private final CommandPublisher publisher = StandIns.recording(published);

    private AmiLink link() throws Exception {
        TelephonyGateway gateway = new TelephonyGateway(TelephonySettings.from(Map.of("telephony.ami.secretFile", "unused")));
        gateway.prepare(new GatewayContext(publisher, ConfigLoader.load(Path.of("src/test/resources/phone-it")), Map.of()));
        return new AmiLink(gateway);
    }

    @Test
    void shouldLogAnAgentInAndOutOncePerChangeOfItsPhone() throws Exception {
        AmiLink link = link();
        link.presence("agent-1", true);
        link.presence("agent-1", true); // a resynchronisation after an AMI reconnect: no news
        link.presence("agent-1", false);
        link.presence("not-an-agent", true);
        assertThat(published).extracting(c -> c.type).containsExactly(CommandType.AGENT_LOGGED_IN, CommandType.AGENT_STATE_CHANGED);
        assertThat(published.get(1).agentState).isEqualTo(AgentState.LOGGED_OUT.code());
    }

    @Test
    void shouldNotLogInAgainAnAgentTheCoreRecoveredLoggedIn() throws Exception {
        AmiLink link = link();
        link.knownAtStart(List.of("agent-1"), List.of());
        link.presence("agent-1", true); // the first resynchronisation after Loket restarted
        link.presence("agent-3", true);
        assertThat(published).extracting(c -> c.type).containsExactly(CommandType.AGENT_LOGGED_IN);
        assertThat(published.get(0).agentId).as("agent-3, the third of the roster").isEqualTo(2);
        link.presence("agent-1", false);
        assertThat(published).hasSize(2);
        assertThat(published.get(1).type).isEqualTo(CommandType.AGENT_STATE_CHANGED);
    }

    /**
     * A phone that stops answering Asterisk's qualify (a network blip) only switches its agent's
     * voice off, saying why ({@link Command#PHONE_UNREACHABLE}); answering again, it switches voice on
     * and logs nobody in (an agent on a break stays on it). A device state read at a reconnection
     * meanwhile (unavailable) changes nothing; one that unregisters ({@code Removed}) logs the agent
     * out, also while unreachable (the registration expired), and a new registration switches voice
     * on and logs it in.
     */
    @Test
    void shouldSwitchVoiceOffWhileAPhoneIsUnreachableRatherThanLogItsAgentOut() throws Exception {
        AmiLink link = link();
        link.contactStatus("agent-1", "Created");
        link.contactStatus("agent-1", "Unreachable");
        link.contactStatus("agent-1", "Unreachable"); // the next qualify round
        link.deviceState("agent-1", false, link.statusEventCounts()); // an AMI reconnection or a reload meanwhile
        link.contactStatus("agent-1", "Reachable");
        link.contactStatus("agent-1", "Unreachable");
        link.contactStatus("agent-1", "Removed");
        link.contactStatus("agent-1", "Created");
        assertThat(published).extracting(c -> c.type + " " + c.channel + " " + c.input + " " + c.agentState + " " + c.reason).containsExactly(
                CommandType.AGENT_LOGGED_IN + " -1 -1 -1 -1",
                CommandType.AGENT_CHANNEL_SET + " 0 0 -1 " + Command.PHONE_UNREACHABLE,
                CommandType.AGENT_CHANNEL_SET + " 0 1 -1 -1",
                CommandType.AGENT_CHANNEL_SET + " 0 0 -1 " + Command.PHONE_UNREACHABLE,
                CommandType.AGENT_STATE_CHANGED + " -1 -1 " + AgentState.LOGGED_OUT.code() + " -1",
                CommandType.AGENT_CHANNEL_SET + " 0 1 -1 -1",
                CommandType.AGENT_LOGGED_IN + " -1 -1 -1 -1");
    }

    /**
     * A resynchronisation's list is read while the AMI reader goes on: a phone that had a contact
     * status meanwhile keeps what that newer status made of it (here: voice off, not switched on
     * again by the list's older "reachable"; a new registration not logged out by an older "unavailable").
     */
    @Test
    void shouldSkipInAResynchronisationAPhoneWhoseStatusChangedWhileTheListWasRead() throws Exception {
        AmiLink link = link();
        link.contactStatus("agent-1", "Created");
        Map<String, Long> before = link.statusEventCounts(); // the resynchronisation asks for the list
        link.contactStatus("agent-1", "Unreachable");
        link.contactStatus("agent-2", "Created");
        link.deviceState("agent-1", true, before); // the list's older states arrive
        link.deviceState("agent-2", false, before);
        assertThat(published).extracting(c -> c.type + " " + c.agentId + " " + c.input).containsExactly(
                CommandType.AGENT_LOGGED_IN + " 0 -1", CommandType.AGENT_CHANNEL_SET + " 0 0", CommandType.AGENT_LOGGED_IN + " 1 -1");
    }

    /** After a restart of Loket, a phone whose agent's voice the journal holds off switches it on when it answers, logging nobody in. */
    @Test
    void shouldSwitchOnTheVoiceAPreviousProcessSwitchedOff() throws Exception {
        AmiLink link = link();
        link.knownAtStart(List.of("agent-1", "agent-2"), List.of("agent-1"));
        link.deviceState("agent-1", false, link.statusEventCounts()); // the first resynchronisation: still unreachable
        link.deviceState("agent-2", true, link.statusEventCounts());
        link.contactStatus("agent-1", "Reachable");
        assertThat(published).extracting(c -> c.type + " " + c.agentId + " " + c.input)
                .containsExactly(CommandType.AGENT_CHANNEL_SET + " 0 1");
    }
}
