package org.loket.host.gateway;

/**
 * Found with {@link java.util.ServiceLoader}: an adapter module registers its provider in
 * {@code META-INF/services/org.loket.host.gateway.GatewayProvider}, so the host never names an adapter.
 */
public interface GatewayProvider {
    /**
     * @param settings process settings; a provider may decline to create a gateway (e.g. when its
     *     port is not configured) by returning {@code null}
     */
    Gateway create(java.util.Map<String, String> settings);

    /**
     * Every {@code --set} key this provider and its gateway read, whether or not it is given (a key
     * ending in {@code .} stands for all keys that start with it), so that {@code loket run} can
     * refuse a misspelt one instead of silently ignoring it.
     */
    default java.util.Set<String> settingKeys() {
        return java.util.Set.of();
    }

    /**
     * The files the gateway {@link #create} makes with these settings keeps in the journal's folder of
     * files ({@link org.loket.host.journal.JournalFiles}) because no setting names another place: names
     * or globs ({@code transcripts}, {@code monitoring-*.csv}). {@code loket run} moves entries of these
     * names from the journal's parent folder, where Loket kept them for every journal in it before.
     * Default: none.
     */
    default java.util.List<String> filesKeptForJournal(java.util.Map<String, String> settings) {
        return java.util.List.of();
    }

    /**
     * A switch among the settings: {@code true} or {@code false} in any case, {@code absent} when not
     * given. Anything else is refused, never read as off: {@code telephony.enabled=yes} silently
     * leaving the phone channel off would send every call to the fallback route.
     *
     * @throws IllegalArgumentException naming the key, the value and what is valid
     */
    static boolean flag(java.util.Map<String, String> settings, String key, boolean absent) {
        String value = settings.get(key);
        if (value == null) {
            return absent;
        }
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + "='" + value + "': true or false");
        };
    }
}
