/**
 * The chat gateway: web chat with the chatbot, e-mail and social work items, the agent desktop and
 * the supervisor wallboard, behind one Netty server. One package, because the parts share the hub's
 * state package-privately ({@link org.loket.chat.HubState}) rather than through public fields; this
 * map says where each thing lives.
 *
 * <h2>Edges: the engine and the network</h2>
 * <ul>
 *   <li>{@link org.loket.chat.ChatGatewayProvider}, {@link org.loket.chat.ChatGateway}: the gateway
 *       SPI; decisions from egress are copied to the hub thread.</li>
 *   <li>{@link org.loket.chat.ChatServer}, {@link org.loket.chat.Peer}: HTTP and the three
 *       WebSockets; decode, validate, rate-limit ({@link org.loket.chat.TokenBucket}) and hand over.</li>
 *   <li>{@link org.loket.chat.ChatSettings}, {@link org.loket.chat.ChatCounters}: settings and the
 *       counters behind {@code /metrics}.</li>
 * </ul>
 *
 * <h2>The hub (one thread owns all state)</h2>
 * <ul>
 *   <li>{@link org.loket.chat.ChatHub} (the thread and dispatch), {@link org.loket.chat.HubState}
 *       (what the parts share), {@link org.loket.chat.CoreDecisions} (the core's decisions as the
 *       pages show them), {@link org.loket.chat.HubRestart} (what comes back after a restart, with
 *       {@link org.loket.chat.CallPaths}).</li>
 *   <li>Views: {@link org.loket.chat.Conversation}, {@link org.loket.chat.AgentView},
 *       {@link org.loket.chat.QueueView}.</li>
 * </ul>
 *
 * <h2>Who uses it</h2>
 * <ul>
 *   <li>Citizens: {@link org.loket.chat.Citizens} (web chats, the chatbot, work items), with
 *       {@link org.loket.chat.WorkItemIds} (a work item posted again gets the id it had).</li>
 *   <li>Agents: {@link org.loket.chat.Desks} (log-in, presence), {@link org.loket.chat.ContactActions}
 *       (accept, write, transfer, wrap up), {@link org.loket.chat.AgentSessions}.</li>
 *   <li>Supervisors: {@link org.loket.chat.Wallboard} (figures, pushed),
 *       {@link org.loket.chat.Supervisors} (sign-in and actions), {@link org.loket.chat.LiveAdherence}.</li>
 * </ul>
 *
 * <h2>Who may: sign-in and its limits</h2>
 * {@link org.loket.chat.SignIn}, {@link org.loket.chat.CredentialGuard} (lockouts),
 * {@link org.loket.chat.Sessions} with {@link org.loket.chat.SessionFile} (tokens instead of secrets,
 * across restarts), {@link org.loket.chat.ClientAddress} (behind proxies),
 * {@link org.loket.chat.Origins} (which pages may open the sockets).
 *
 * <h2>What is kept</h2>
 * {@link org.loket.chat.TranscriptStore} (texts, their own Chronicle Queue with a retention);
 * {@link org.loket.chat.Webhook} with {@link org.loket.chat.WebhookOutbox},
 * {@link org.loket.chat.OutboxLines} and {@link org.loket.chat.WebhookMessage} (replies to the mail
 * and webcare gateways, durable until taken).
 *
 * <p>Another organisation's channel (a messaging app, a contact form) needs no code here: its gateway
 * posts work items ({@code POST /api/v1/work-items}, channel {@code email} or {@code social}) and takes
 * the replies from the webhook. A new kind of live channel would be a fourth WebSocket in
 * {@link org.loket.chat.ChatServer} with its part of the hub beside {@link org.loket.chat.Citizens}.
 */
package org.loket.chat;
