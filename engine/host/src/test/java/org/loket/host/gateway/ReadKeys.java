package org.loket.host.gateway;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Settings that remember every key asked for ({@code get}, {@code getOrDefault}, {@code containsKey}),
 * given or not: a test holds a provider's {@link GatewayProvider#settingKeys} against what its code reads.
 */
public final class ReadKeys extends HashMap<String, String> {
    private final Set<String> asked = new TreeSet<>();

    public ReadKeys(Map<String, String> given) {
        super(given);
    }

    @Override
    public String get(Object key) {
        asked.add(String.valueOf(key));
        return super.get(key);
    }

    @Override
    public String getOrDefault(Object key, String defaultValue) {
        asked.add(String.valueOf(key));
        return super.getOrDefault(key, defaultValue);
    }

    @Override
    public boolean containsKey(Object key) {
        asked.add(String.valueOf(key));
        return super.containsKey(key);
    }

    /** Every key asked for so far. */
    public Set<String> asked() {
        return asked;
    }
}
