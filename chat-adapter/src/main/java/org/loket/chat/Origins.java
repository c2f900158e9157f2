package org.loket.chat;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which pages may open the chat server's WebSockets. A browser names the site of the page that asks
 * in {@code Origin}, and sends the user's connection along whichever site's page it is: without this
 * check a page of any site could open a desktop's or wallboard's socket from a browser on the floor.
 * Accepted: the server's own origin (the scheme it serves with the request's {@code Host}), those of
 * {@code chat.allowed-origins} (e.g. the public address of a reverse proxy), and an upgrade without
 * {@code Origin}, which no browser sends (other clients: the load driver, tests, scripts).
 */
final class Origins {
    private final Set<String> allowed;
    private final String scheme;

    /**
     * @param allowed origins as {@link #normalise} gives them
     * @param tls     whether the server speaks TLS (its own origin is then https)
     */
    Origins(List<String> allowed, boolean tls) {
        this.allowed = Set.copyOf(allowed);
        this.scheme = tls ? "https" : "http";
    }

    /** @param origin the upgrade's {@code Origin}, or null; {@code host} its {@code Host}, or null */
    boolean accepts(String origin, String host) {
        if (origin == null) {
            return true;
        }
        String given = normalise(origin);
        return given != null && (allowed.contains(given) || host != null && given.equals(normalise(scheme + "://" + host)));
    }

    /**
     * An origin as compared: {@code scheme://host:port}, scheme and host in lower case and the default
     * port written out; null when it is none (no http(s), a path, user info, or "null").
     */
    static String normalise(String origin) {
        URI uri;
        try {
            uri = new URI(origin.strip());
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawUserInfo() != null
                || !(uri.getRawPath() == null || uri.getRawPath().isEmpty()) || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return null;
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }
}
