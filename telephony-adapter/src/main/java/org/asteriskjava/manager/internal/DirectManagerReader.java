package org.asteriskjava.manager.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.asteriskjava.manager.ManagerConnection;
import org.asteriskjava.manager.event.DisconnectEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.ProtocolIdentifierReceivedEvent;
import org.asteriskjava.manager.response.ManagerResponse;
import org.asteriskjava.util.DateUtil;
import org.asteriskjava.util.SocketConnectionFacade;

/**
 * An AMI reader that hands each event and response to the connection on its own thread.
 * <p>asterisk-java's {@code ManagerReaderImpl} passes every event to a second thread of its own
 * (an {@code AsyncEventPump} it creates inside {@code run}), so each event woke two threads: on
 * these VMs a wake-up costs 40-90 µs of CPU, and a phone call brings several events. This reader
 * dispatches directly. That is safe for the listeners Loket registers, which only translate and
 * publish without waiting (the telephony adapter's rule), and for the connection itself, which
 * starts its reconnection on a thread of its own.
 * <p>It lives in asterisk-java's package because the event and response builders it reuses are
 * package-private there (the class path has no modules, so the split package is allowed).
 */
public final class DirectManagerReader implements ManagerReader {
    private final Dispatcher dispatcher;
    private final Object source;
    private final EventBuilder events = new EventBuilderImpl();
    private final ResponseBuilder responses = new ResponseBuilderImpl();
    private final Map<String, Class<? extends ManagerResponse>> expected = new ConcurrentHashMap<>();
    private volatile SocketConnectionFacade socket;
    private volatile boolean die;
    private volatile boolean dead;
    private volatile IOException terminationException;

    DirectManagerReader(Dispatcher dispatcher, Object source) {
        this.dispatcher = dispatcher;
        this.source = source;
    }

    /** A manager connection (not yet logged in) whose reader is a {@link DirectManagerReader}. */
    public static ManagerConnection connection(String host, int port, String user, String secret) {
        ManagerConnectionImpl connection = new ManagerConnectionImpl() {
            @Override
            protected ManagerReader createReader(Dispatcher dispatcher, Object source) {
                return new DirectManagerReader(dispatcher, source);
            }
        };
        connection.setHostname(host);
        connection.setPort(port);
        connection.setUsername(user);
        connection.setPassword(secret);
        return connection;
    }

    @Override
    public void setSocket(SocketConnectionFacade socket) {
        this.socket = socket;
    }

    @Override
    public void registerEventClass(Class<? extends ManagerEvent> eventClass) {
        events.registerEventClass(eventClass);
    }

    @Override
    public void deregisterEventClass(Class<? extends ManagerEvent> eventClass) {
        events.deregisterEventClass(eventClass);
    }

    @Override
    public void expectResponseClass(String internalActionId, Class<? extends ManagerResponse> responseClass) {
        expected.put(internalActionId, responseClass);
    }

    @Override
    public void run() {
        SocketConnectionFacade in = socket;
        if (in == null) {
            throw new IllegalStateException("no socket to read from");
        }
        die = false;
        dead = false;
        Map<String, Object> message = new HashMap<>();
        try {
            String line;
            while (!die && (line = in.readLine()) != null) {
                if (message.isEmpty() && (line.startsWith("Asterisk Call Manager/") || line.startsWith("Asterisk Call Manager Proxy/"))) {
                    // The greeting ("Asterisk Call Manager/11.0.0"): the connection waits for it at login.
                    ProtocolIdentifierReceivedEvent greeting = new ProtocolIdentifierReceivedEvent(source);
                    greeting.setProtocolIdentifier(line);
                    greeting.setDateReceived(DateUtil.getDate());
                    dispatcher.dispatchEvent(greeting, null);
                    continue;
                }
                if ("Follows".equals(message.get("response")) && line.endsWith("--END COMMAND--")) {
                    message.put(COMMAND_RESULT_RESPONSE_KEY, line);
                    continue;
                }
                if (!line.isEmpty()) {
                    int colon = line.indexOf(':');
                    if (colon > 0) {
                        String name = line.substring(0, colon).trim().toLowerCase(Locale.ENGLISH);
                        if (!name.isEmpty()) {
                            add(message, name, line.substring(colon + 1).trim());
                        }
                    }
                    continue;
                }
                // An empty line ends an event or a response.
                if (message.containsKey("event")) {
                    ManagerEvent event = events.buildEvent(source, message);
                    if (event != null) {
                        event.setDateReceived(DateUtil.getDate());
                        dispatcher.dispatchEvent(event, null);
                    }
                } else if (message.containsKey("response")) {
                    String internalActionId = ManagerUtil.getInternalActionId((String) message.get("actionid"));
                    Class<? extends ManagerResponse> type = internalActionId == null ? null : expected.remove(internalActionId);
                    ManagerResponse response = responses.buildResponse(type, message);
                    if (response != null) {
                        response.setDateReceived(DateUtil.getDate());
                        dispatcher.dispatchResponse(response, null);
                    }
                }
                message.clear();
            }
        } catch (IOException e) {
            terminationException = e;
        } catch (RuntimeException e) {
            terminationException = new IOException(e);
        } finally {
            dead = true;
            DisconnectEvent disconnect = new DisconnectEvent(source);
            disconnect.setDateReceived(DateUtil.getDate());
            dispatcher.dispatchEvent(disconnect, null);
        }
    }

    /** A header seen twice in one message (variables, for one) becomes a list, as asterisk-java's builders expect. */
    @SuppressWarnings("unchecked")
    private static void add(Map<String, Object> message, String name, String value) {
        Object current = message.get(name);
        if (current == null) {
            message.put(name, value);
        } else if (current instanceof List<?> list) {
            ((List<String>) list).add(value);
        } else {
            List<String> list = new ArrayList<>();
            list.add(current.toString());
            list.add(value);
            message.put(name, list);
        }
    }

    @Override
    public void die() {
        die = true;
    }

    @Override
    public boolean isDead() {
        return dead;
    }

    @Override
    public IOException getTerminationException() {
        return terminationException;
    }
}
