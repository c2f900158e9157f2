package org.loket.host.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.locks.ReentrantLock;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.loket.core.command.Command;
import org.loket.host.security.SecretFiles;

/**
 * Keyed pseudonyms of citizens' addresses (caller numbers, e-mail senders): HMAC-SHA-256, its first
 * 8 bytes as a long. The same address gives the same pseudonym under the same key, and without the
 * key a pseudonym does not reveal the address. Adapters put it in {@code CONTACT_ARRIVED}
 * ({@link Command#citizenPseudonym}), so reports can link a citizen's contacts, and show it in logs
 * instead of the address; the address itself never reaches the journal. Thread-safe.
 */
public final class Pseudonyms {
    /**
     * One MAC for every contact, behind a lock: an HMAC of a phone number takes about a microsecond.
     * (A thread-local MAC was built anew for every call, since each call has its own virtual
     * thread: the provider lookup cost more than the rest of the call's set-up; perf/RESULTS.md.)
     */
    private final Mac mac;
    private final ReentrantLock lock = new ReentrantLock();

    private Pseudonyms(byte[] key) {
        try {
            this.mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /**
     * @param keyFile the key's bytes (at least 16), or {@code null} for a random key of this process
     *                (pseudonyms then differ after a restart: repeat contacts are not linked across it);
     *                its owner's alone: whoever has the key can reverse a caller number's pseudonym by
     *                trying every number (a small space), so the journal's pseudonyms are only as
     *                private as this file
     * @param setting the setting that named it, for the messages
     * @throws IllegalArgumentException when others may read the file ({@link SecretFiles#requireOwnerOnly})
     */
    public static Pseudonyms load(Path keyFile, String setting) throws IOException {
        if (keyFile == null) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            return new Pseudonyms(key);
        }
        SecretFiles.requireOwnerOnly(keyFile, setting);
        byte[] key = Files.readAllBytes(keyFile);
        if (key.length < 16) {
            throw new IOException(setting + " " + keyFile + " has " + key.length + " bytes; it needs at least 16");
        }
        return new Pseudonyms(key);
    }

    /**
     * @param address a caller number or e-mail address, as the adapter received it
     * @return its pseudonym; {@link Command#UNKNOWN_CITIZEN} for a missing or withheld one
     */
    public long of(String address) {
        if (address == null || address.isBlank() || "unknown".equalsIgnoreCase(address) || "anonymous".equalsIgnoreCase(address)) {
            return Command.UNKNOWN_CITIZEN;
        }
        byte[] digest;
        lock.lock();
        try {
            digest = mac.doFinal(address.getBytes(StandardCharsets.UTF_8));
        } finally {
            lock.unlock();
        }
        long pseudonym = 0;
        for (int i = 0; i < 8; i++) {
            pseudonym = pseudonym << 8 | (digest[i] & 0xff);
        }
        return pseudonym == Command.UNKNOWN_CITIZEN ? 1 : pseudonym; // 2^-64: still a known citizen
    }

    /** @return a pseudonym as logs show it: 16 hex digits, "anonymous" for an unknown citizen */
    public static String text(long pseudonym) {
        return pseudonym == Command.UNKNOWN_CITIZEN ? "anonymous" : String.format("%016x", pseudonym);
    }
}
