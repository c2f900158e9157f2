package org.loket.host.sim;

/**
 * How simulated citizens and agents behave. Times in milliseconds; shares between 0 and 1.
 *
 * @param arrivalsPerSecond  mean contact arrivals (Poisson)
 * @param ringMs             how long an agent takes to accept an offer
 * @param meanHandleMs       mean conversation time (exponential)
 * @param wrapUpMs           after-contact work before the agent says done
 * @param meanPatienceMs     mean time a waiting citizen stays before hanging up (exponential); 0 = never
 * @param thinkMs            time a citizen takes to choose in a menu
 * @param noAnswerShare      share of offers the agent lets ring out
 * @param callbackShare      share of waiting citizens who ask for a callback
 * @param agentsOnline       agents that log in at the start (the first of the roster); -1 = all
 */
public record WorldParams(double arrivalsPerSecond, long ringMs, long meanHandleMs, long wrapUpMs, long meanPatienceMs,
                          long thinkMs, double noAnswerShare, double callbackShare, int agentsOnline) {

    /** A busy but healthy helpdesk, for demos and the process-level tests. */
    public static WorldParams demo(double arrivalsPerSecond) {
        return new WorldParams(arrivalsPerSecond, 2_000, 20_000, 3_000, 60_000, 1_500, 0.02, 0.02, -1);
    }
}
