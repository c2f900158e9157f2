package org.loket.host.security;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A server's TLS identity from a PKCS#12 key store, as the operator interfaces take it
 * ({@code chat.tls.keystore}, {@code admin.tls.keystore} and their {@code -password}). One place that
 * reads the file and says which setting is wrong, for the Netty chat server and the JDK's HTTPS server.
 */
public final class ServerKeys {
    private ServerKeys() {
    }

    /**
     * @param keyStore the PKCS#12 file (key and certificate chain)
     * @param password its password (also the key's, as keytool and openssl write them)
     * @param setting  the setting that named the file, for the message
     * @throws IllegalArgumentException when the file cannot be read, the password is wrong or it holds no key
     */
    public static KeyManagerFactory keyManagers(Path keyStore, String password, String setting) {
        char[] secret = password.toCharArray();
        KeyStore store;
        try (InputStream in = Files.newInputStream(keyStore)) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, secret);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(setting + " " + keyStore + " cannot be read: " + e.getMessage(), e);
        }
        try {
            if (java.util.Collections.list(store.aliases()).stream().noneMatch(alias -> isKey(store, alias))) {
                throw new IllegalArgumentException(setting + " " + keyStore + " holds no private key (a trust store?)");
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, secret);
            return keys;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(setting + " " + keyStore + ": " + e.getMessage(), e);
        }
    }

    /** A TLS context for a server with the key store's identity; see {@link #keyManagers}. */
    public static SSLContext context(Path keyStore, String password, String setting) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(keyStore, password, setting).getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(setting + " " + keyStore + ": " + e.getMessage(), e);
        }
    }

    private static boolean isKey(KeyStore store, String alias) {
        try {
            return store.isKeyEntry(alias);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
