package org.loket.host.gateway;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.loket.core.Channel;
import org.loket.core.command.CommandType;
import org.loket.core.decision.Decision;

/**
 * A gateway found through {@code META-INF/services}, as an adapter module's would be. It starts only
 * when {@code --set recording-gateway=on}, so other tests' engines never see it. On start it
 * publishes an agent login and a contact through the publisher, the way an adapter does.
 */
public final class RecordingGatewayProvider implements GatewayProvider {
    /** Decisions the last started gateway received, for the test to read. */
    public static final List<Decision> RECEIVED = new CopyOnWriteArrayList<>();
    public static volatile boolean started;

    private static final CommandFiller<Integer> LOGIN = (command, agent) -> {
        command.type = CommandType.AGENT_LOGGED_IN;
        command.agentId = agent;
    };
    private static final CommandFiller<Long> ARRIVAL = (command, contactId) -> {
        command.type = CommandType.CONTACT_ARRIVED;
        command.contactId = contactId;
        command.channel = Channel.CHAT.code();
        command.entryId = 1; // the default configuration's chat entry
    };

    /** The test's own settings: the switch, and two secrets for the settings tests (the chat gateway is not on this class path). */
    @Override
    public java.util.Set<String> settingKeys() {
        return java.util.Set.of("recording-gateway", "chat.webhook-token", "chat.supervisor-token");
    }

    @Override
    public Gateway create(Map<String, String> settings) {
        String value = settings.get("recording-gateway");
        if (value != null && !value.equals("on") && !value.equals("off")) { // as a real gateway refuses a bad setting
            throw new IllegalArgumentException("recording-gateway='" + value + "': on or off");
        }
        if (!"on".equals(value)) {
            return null;
        }
        return new Gateway() {
            @Override
            public String name() {
                return "recording";
            }

            @Override
            public void start(GatewayContext context) {
                RECEIVED.clear();
                started = true;
                int chatDesk = context.config().routing().agents().stream().map(a -> a.name()).toList().indexOf("chat-desk-001");
                if (!context.publisher().tryPublish(LOGIN, chatDesk) || !context.publisher().tryPublish(ARRIVAL, 42L)) {
                    throw new IllegalStateException("ring refused a command");
                }
            }

            @Override
            public void onDecision(Decision decision) {
                RECEIVED.add(new Decision().copyFrom(decision));
            }

            @Override
            public void close() {
                started = false;
            }
        };
    }
}
