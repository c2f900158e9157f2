package org.loket.core.config;

import org.loket.core.Channel;

/**
 * One queue: contacts of one channel that need one skill at a minimum proficiency.
 *
 * @param name               operator's name, unique
 * @param channel            the channel of every contact in this queue
 * @param skillId            index into {@link RoutingConfig#skills()} an agent needs
 * @param minLevel           minimum proficiency (1..10) of that skill
 * @param defaultPriority    priority (0..{@link RoutingConfig#MAX_PRIORITY}, higher first) of contacts routed here without one
 * @param priorityAgingMs    waiting time worth one priority level; 0 = priority does not age
 * @param offerTimeoutMs     how long an agent may take to accept an offer before it is redirected
 * @param maxWrapUpMs        after-contact work an agent gets before the core makes them available; 0 = none
 * @param serviceLevelMs     the service-level threshold for reports (answered within this time)
 */
public record QueueSpec(String name, Channel channel, int skillId, int minLevel, int defaultPriority,
                        long priorityAgingMs, long offerTimeoutMs, long maxWrapUpMs, long serviceLevelMs) {
}
