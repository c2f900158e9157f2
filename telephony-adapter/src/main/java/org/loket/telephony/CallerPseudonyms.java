package org.loket.telephony;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.locks.ReentrantLock;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed pseudonyms of caller numbers (HMAC-SHA-256, first 8 bytes in hex): the same number gives
 * the same pseudonym under the same key, and without the key a pseudonym does not reveal the
 * number. Logs and counters see only pseudonyms. Thread-safe.
 */
final class CallerPseudonyms {
    /**
     * One MAC for every call, behind a lock: an HMAC of a phone number takes about a microsecond.
     * (A thread-local MAC was built anew for every call, since each call has its own virtual
     * thread: the provider lookup cost more than the rest of the call's set-up; perf/RESULTS.md.)
     */
    private final Mac mac;
    private final ReentrantLock lock = new ReentrantLock();

    private CallerPseudonyms(byte[] key) {
        try {
            this.mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** @param keyFile the key's bytes (at least 16), or {@code null} for a random key of this process */
    static CallerPseudonyms load(Path keyFile) throws IOException {
        if (keyFile == null) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            return new CallerPseudonyms(key);
        }
        byte[] key = Files.readAllBytes(keyFile);
        if (key.length < 16) {
            throw new IOException("pseudonym key " + keyFile + " has " + key.length + " bytes; it needs at least 16");
        }
        return new CallerPseudonyms(key);
    }

    /** @return 16 hex digits; "anonymous" for a missing or withheld number */
    String of(String number) {
        if (number == null || number.isBlank() || "unknown".equalsIgnoreCase(number) || "anonymous".equalsIgnoreCase(number)) {
            return "anonymous";
        }
        byte[] digest;
        lock.lock();
        try {
            digest = mac.doFinal(number.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            lock.unlock();
        }
        return HexFormat.of().formatHex(digest, 0, 8);
    }
}
