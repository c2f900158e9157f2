package org.asteriskjava.manager.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.asteriskjava.manager.ManagerConnection;
import org.asteriskjava.manager.ManagerConnectionState;
import org.asteriskjava.manager.event.DialEndEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.junit.jupiter.api.Test;

/**
 * The direct AMI reader against a scripted manager on loopback: it logs in, a later event reaches
 * the listener on the reader thread itself, and no event-pump thread exists.
 */
class DirectManagerReaderTest {

    @Test
    void shouldHandEventsToTheListenerOnTheReaderThread() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            BlockingQueue<String> actions = new LinkedBlockingQueue<>();
            Thread asterisk = Thread.ofVirtual().start(() -> scriptedManager(server, actions));
            ManagerConnection connection = DirectManagerReader.connection("127.0.0.1", server.getLocalPort(), "loket", "secret");
            BlockingQueue<ManagerEvent> events = new LinkedBlockingQueue<>();
            BlockingQueue<String> threads = new LinkedBlockingQueue<>();
            connection.addEventListener(event -> {
                if (event instanceof DialEndEvent) {
                    events.add(event);
                    threads.add(Thread.currentThread().getName());
                }
            });
            connection.login();
            assertEquals(ManagerConnectionState.CONNECTED, connection.getState());

            ManagerEvent event = events.poll(10, TimeUnit.SECONDS);
            assertNotNull(event, "the DialEnd event sent after login");
            DialEndEvent dialEnd = (DialEndEvent) event;
            assertEquals("ANSWER", dialEnd.getDialStatus());
            assertEquals("1700000000.42", dialEnd.getUniqueId());
            String thread = threads.take();
            assertTrue(thread.contains("Reader") && !thread.contains("Pump"), "delivered on the reader thread, was " + thread);
            assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().contains("AsyncEventPump")),
                    "no event pump thread");
            assertTrue(actions.contains("Login"), "logged in with the Login action: " + actions);

            connection.logoff();
            asterisk.join(10_000);
        }
    }

    /** Greets, answers every action with success, and after the login sends one event. */
    private static void scriptedManager(ServerSocket server, BlockingQueue<String> actions) {
        try (Socket socket = server.accept()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = socket.getOutputStream();
            write(out, "Asterisk Call Manager/11.0.0\r\n");
            String action = null;
            String actionId = null;
            for (String line; (line = in.readLine()) != null; ) {
                String lower = line.toLowerCase(java.util.Locale.ROOT); // asterisk-java writes "action: Login"
                if (lower.startsWith("action: ")) {
                    action = line.substring(8).trim();
                } else if (lower.startsWith("actionid: ")) {
                    actionId = line.substring(10).trim();
                } else if (line.isEmpty() && action != null) {
                    actions.add(action);
                    if (action.equals("Logoff")) {
                        write(out, "Response: Goodbye\r\nActionID: " + actionId + "\r\nMessage: Thanks for all the fish.\r\n\r\n");
                        return;
                    }
                    write(out, "Response: Success\r\nActionID: " + actionId + "\r\nChallenge: 123456789\r\n"
                            + "AMIversion: 10.0.0\r\nAsteriskVersion: 22.10.1\r\nMessage: ok\r\n\r\n");
                    if (action.equals("Login")) {
                        write(out, "Event: DialEnd\r\nPrivilege: call,all\r\nChannel: PJSIP/caller-00000001\r\n"
                                + "Uniqueid: 1700000000.42\r\nDestChannel: PJSIP/agent-1-00000002\r\nDialStatus: ANSWER\r\n\r\n");
                    }
                    action = null;
                    actionId = null;
                }
            }
        } catch (Exception e) {
            // the test's assertions say what went wrong
        }
    }

    private static void write(OutputStream out, String text) throws java.io.IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
