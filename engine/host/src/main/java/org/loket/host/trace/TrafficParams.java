package org.loket.host.trace;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Parameters of the trace generator, read from JSON. The shipped set
 * ({@code org/loket/host/trace/digid-traffic.json}) says where every figure comes from.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TrafficParams(int openMinute, int binMinutes, double[] intradayShares, Map<String, Scenario> scenarios,
                            Busyness busyness, Map<String, Double> channels, double englishShare, List<Topic> topics,
                            Map<String, String> channelQueues, SelfService selfService, Map<String, Handling> handling,
                            Map<String, Patience> patience, Redial redial, Callback callback) {
    private static final String RESOURCE = "/org/loket/host/trace/digid-traffic.json";
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Scenario(int contacts, Outage outage) {
    }

    /** A window of extra traffic about an outage. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Outage(int startMinute, int endMinute, double[] multipliers, String topic, double topicShare,
                         double selfServiceShare) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Busyness(double dayCv, double intervalCv, double intervalAr1) {
    }

    /** One topic: its share of contacts, its handling-time factor and the voice queue it maps to. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Topic(String name, double share, double handleFactor, String voice) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SelfService(double voiceShare, double medianS, double sigma) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Handling(double meanS, double sigma, double wrapUpMeanS) {
    }

    /** Weibull (k, scale) or exponential (mean); absent for channels whose contacts never give up. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Patience(Double weibullK, Double weibullScaleS, Double exponentialMeanS) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Redial(double afterAbandon, double afterOutageMessage, double delayMedianS, double delaySigma,
                         int maxAttempts) {
    }

    /** Waiting callers who ask to be called back; absent = nobody does. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Callback(double voiceShare, double afterS) {
    }

    /** The parameter set shipped with Loket. */
    public static TrafficParams shipped() {
        try (InputStream in = TrafficParams.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            return MAPPER.readValue(in, TrafficParams.class).checked(RESOURCE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE, e);
        }
    }

    /** An operator's own copy. */
    public static TrafficParams read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return MAPPER.readValue(in, TrafficParams.class).checked(file.toString());
        }
    }

    private TrafficParams checked(String source) {
        StringBuilder problems = new StringBuilder();
        if (intradayShares == null || intradayShares.length == 0 || binMinutes <= 0
                || openMinute + intradayShares.length * binMinutes > 24 * 60) {
            problems.append("\n  intradayShares must fit in one day from openMinute in bins of binMinutes");
        }
        if (scenarios == null || scenarios.isEmpty()) {
            problems.append("\n  scenarios is required");
        }
        if (topics == null || topics.isEmpty() || topics.stream().anyMatch(t -> t.voice() == null || t.share() < 0)) {
            problems.append("\n  topics need a name, a share >= 0 and a voice queue");
        }
        for (String channel : List.of("voice", "chat", "email", "social")) {
            if (channels == null || !channels.containsKey(channel)) {
                problems.append("\n  channels." + channel + " is required");
            }
            if (handling == null || !handling.containsKey(channel)) {
                problems.append("\n  handling." + channel + " is required");
            }
            if (!channel.equals("voice") && (channelQueues == null || !channelQueues.containsKey(channel))) {
                problems.append("\n  channelQueues." + channel + " is required");
            }
        }
        if (busyness == null || selfService == null || redial == null) {
            problems.append("\n  busyness, selfService and redial are required");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(source + " is not a valid parameter set:" + problems);
        }
        return this;
    }
}
