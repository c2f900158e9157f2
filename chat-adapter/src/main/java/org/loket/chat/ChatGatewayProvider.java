package org.loket.chat;

import java.util.Map;
import org.loket.host.gateway.Gateway;
import org.loket.host.gateway.GatewayProvider;

/** Creates the chat gateway when {@code chat.port} is set; without it no socket is opened. */
public final class ChatGatewayProvider implements GatewayProvider {
    @Override
    public Gateway create(Map<String, String> settings) {
        return settings.containsKey(ChatSettings.PORT) ? new ChatGateway(ChatSettings.from(settings)) : null;
    }

    @Override
    public java.util.List<String> filesKeptForJournal(Map<String, String> settings) {
        return settings.containsKey(ChatSettings.PORT) ? ChatSettings.filesKeptForJournal(settings) : java.util.List.of();
    }

    @Override
    public java.util.Set<String> settingKeys() {
        return ChatSettings.KEYS;
    }
}
