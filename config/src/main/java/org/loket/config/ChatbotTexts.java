package org.loket.config;

import java.util.Map;

/**
 * What the chatbot writes where the IVR's words would not do: a prompt's chat wording ("Choose
 * your language" rather than "press 2") and a menu option's button label. The core's flow is the
 * same for both channels; only these texts differ. Absent texts fall back to the spoken prompt and
 * to a label the web chat derives (see {@code Citizens.botFrame}).
 *
 * @param prompts      per prompt key, the chat text per language code ({@code prompts.KEY.chat})
 * @param optionLabels per flow node name, per input (0-9, 10 '*', 11 '#'), the button label per
 *                     language code ({@code flows[].options.N.label})
 */
public record ChatbotTexts(Map<String, Map<String, String>> prompts, Map<String, Map<Integer, Map<String, String>>> optionLabels) {
    /** No chat texts: the chatbot shows the spoken prompts. */
    public static final ChatbotTexts NONE = new ChatbotTexts(Map.of(), Map.of());

    public ChatbotTexts {
        prompts = Map.copyOf(prompts);
        optionLabels = Map.copyOf(optionLabels);
    }

    /** The prompt's chat text in {@code language}, else in {@code firstLanguage}, else null (use the spoken text). */
    public String prompt(String key, String language, String firstLanguage) {
        return inLanguage(prompts.get(key), language, firstLanguage);
    }

    /** The label of {@code node}'s option {@code input} in {@code language}, else in {@code firstLanguage}, else null. */
    public String optionLabel(String node, int input, String language, String firstLanguage) {
        Map<Integer, Map<String, String>> byInput = optionLabels.get(node);
        return byInput == null ? null : inLanguage(byInput.get(input), language, firstLanguage);
    }

    private static String inLanguage(Map<String, String> texts, String language, String firstLanguage) {
        if (texts == null) {
            return null;
        }
        String text = texts.get(language);
        return text != null ? text : texts.get(firstLanguage);
    }
}
