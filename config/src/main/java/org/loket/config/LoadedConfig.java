package org.loket.config;

import java.util.List;
import java.util.Map;
import org.loket.core.config.RoutingConfig;

/**
 * A validated configuration: what the core consumes, the texts the adapters render, and the
 * warnings that did not stop it.
 *
 * @param routing     the core's configuration
 * @param promptTexts per prompt key, the text per language code
 * @param source      where it was read from (a folder, or "embedded default")
 * @param warnings    problems that do not stop the configuration
 */
public record LoadedConfig(RoutingConfig routing, Map<String, Map<String, String>> promptTexts, String source,
                           List<ConfigProblem> warnings) {
}
