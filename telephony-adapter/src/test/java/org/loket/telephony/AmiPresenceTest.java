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
        link.loggedInAlready(List.of("agent-1"));
        link.presence("agent-1", true); // the first resynchronisation after Loket restarted
        link.presence("agent-3", true);
        assertThat(published).extracting(c -> c.type).containsExactly(CommandType.AGENT_LOGGED_IN);
        assertThat(published.get(0).agentId).as("agent-3, the third of the roster").isEqualTo(2);
        link.presence("agent-1", false);
        assertThat(published).hasSize(2);
        assertThat(published.get(1).type).isEqualTo(CommandType.AGENT_STATE_CHANGED);
    }

    /**
     * A phone that stops answering Asterisk's qualify (a network blip) logs the agent out saying so,
     * {@link Command#PHONE_UNREACHABLE}, which keeps its desktop signed in; one that unregisters
     * ({@code Removed}) logs it out with no such reason, and a {@code Removed} after
     * {@code Unreachable} (the registration expired meanwhile) publishes nothing more.
     */
    @Test
    void shouldSayWhenAPhonesLogoutIsItsBeingUnreachableRatherThanUnregistered() throws Exception {
        AmiLink link = link();
        link.contactStatus("agent-1", "Created");
        link.contactStatus("agent-1", "Unreachable");
        link.contactStatus("agent-1", "Removed");
        link.contactStatus("agent-1", "Reachable"); // back: logged in again by the phone
        link.contactStatus("agent-1", "Removed");
        assertThat(published).extracting(c -> c.type + " " + c.agentState + " " + c.reason).containsExactly(
                CommandType.AGENT_LOGGED_IN + " -1 -1",
                CommandType.AGENT_STATE_CHANGED + " " + AgentState.LOGGED_OUT.code() + " " + Command.PHONE_UNREACHABLE,
                CommandType.AGENT_LOGGED_IN + " -1 -1",
                CommandType.AGENT_STATE_CHANGED + " " + AgentState.LOGGED_OUT.code() + " 0");
    }
}
