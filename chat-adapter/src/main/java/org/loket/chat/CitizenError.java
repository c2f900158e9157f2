package org.loket.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The {@code error} frames a citizen's page shows, in Dutch and English like the bot's own texts:
 * in the conversation's language (the frame says which, so the page marks it for screen readers),
 * or both, Dutch first, while no conversation has a language yet (then {@code texts} holds each, so
 * the page marks each part as it does its own bilingual words). A configured language other than
 * Dutch gets the English text, marked English. A malformed frame's answer stays English: the page
 * sends none, it is for whoever writes another client.
 */
enum CitizenError {
    /** Too many live chats, or starts coming too fast (nothing was journaled). */
    BUSY("busy",
            "Het is nu erg druk in de chat; probeer het over een paar minuten opnieuw of bel ons.",
            "The chat is very busy right now; please try again in a few minutes, or call us."),
    /** The engine's ring was full: the frame can be sent again. */
    RING_FULL("busy",
            "Het is nu erg druk; probeer het over een paar seconden opnieuw.",
            "The service is busy; please try again in a few seconds."),
    RATE_LIMITED("rate-limited",
            "Te veel berichten achter elkaar; wacht even.",
            "Too many messages; slow down."),
    RESUME_REFUSED("resume-refused",
            "Dit gesprek is verlopen; begin een nieuw gesprek.",
            "This conversation has expired; start a new one."),
    REPLACED("replaced",
            "Het gesprek gaat verder in een ander venster.",
            "The conversation continues in another window."),
    ALREADY_STARTED("already-started",
            "U heeft in dit venster al een chat.",
            "This connection already has a chat."),
    NO_CHOICE_NOW("not-now",
            "De assistent wacht nu niet op een keuze.",
            "The assistant is not waiting for a choice."),
    NO_CALLBACK_NOW("not-now",
            "We kunnen u nu niet aanbieden later contact met u op te nemen.",
            "There is no offer to get back to you now."),
    /** {@code %d}: {@code chat.max-text-chars}. */
    TOO_LONG("too-long",
            "Uw bericht is langer dan %d tekens.",
            "Your message is longer than %d characters.");

    /** The frame's stable code (two texts may share one: the page acts on the code). */
    final String code;
    private final String nl;
    private final String en;

    CitizenError(String code, String nl, String en) {
        this.code = code;
        this.nl = nl;
        this.en = en;
    }

    /**
     * The frame for a citizen whose conversation is in {@code language} (its code), or null before
     * there is one; {@code args} fill the texts' {@code %d}.
     */
    ObjectNode frame(ObjectMapper json, String language, Object... args) {
        String dutch = nl.formatted(args);
        String english = en.formatted(args);
        ObjectNode frame = json.createObjectNode().put("type", "error").put("code", code);
        if (language == null) {
            frame.put("message", dutch + " / " + english);
            frame.putObject("texts").put("nl", dutch).put("en", english);
        } else if (language.equals("nl")) {
            frame.put("message", dutch).put("language", "nl");
        } else {
            frame.put("message", english).put("language", "en");
        }
        return frame;
    }
}
