package org.loket.host.security;

/**
 * Bearer tokens that clients present as they are (the admin API's, the chat server's shared
 * supervisor and work-item tokens): long enough that guessing is hopeless even at the rate a
 * server answers, so they are refused at start when shorter.
 */
public final class Tokens {
    /** The fewest characters a token may have. */
    public static final int MIN_LENGTH = 16;

    private Tokens() {
    }

    /**
     * @param where the setting or file line the token came from, for the message (never the token)
     * @return the token
     * @throws IllegalArgumentException naming {@code where} when the token is shorter than {@value #MIN_LENGTH} characters
     */
    public static String requireLongEnough(String token, String where) {
        if (token.length() < MIN_LENGTH) {
            throw new IllegalArgumentException(where + " must be at least " + MIN_LENGTH + " characters (it has " + token.length()
                    + "; e.g. head -c 24 /dev/urandom | base64)");
        }
        return token;
    }
}
