package org.loket.host.gateway;

/**
 * Joins a supervisor's own phone to an agent's call ("listen" on the wallboard): the phone gateway
 * offers it ({@link GatewayContext#offer}), a gateway with a supervisors' page uses it
 * ({@link GatewayContext#service}). Gateways reach each other only through services like this one
 * and through the core.
 */
@FunctionalInterface
public interface CallMonitoring {
    /**
     * Rings the supervisor's phone; when it answers, it listens to (whispers to, barges into) the
     * agent's call, with every check and record a supervisor dialling the code themselves gets.
     * May block briefly (a request to the telephony server): call it off any thread that must not wait.
     *
     * @param supervisor a supervisor of the configuration (its name is its phone's endpoint)
     * @param agent      the agent whose call to join
     * @param mode       {@code listen}, {@code whisper} or {@code barge}
     * @return null when the phone is being rung, else why not (a sentence for the supervisor)
     */
    String ring(String supervisor, String agent, String mode);
}
