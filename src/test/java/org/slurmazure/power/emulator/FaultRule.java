package org.slurmazure.power.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * An injected fault: requests matching (method, path regex) get an error status, a dropped connection or an extra
 * delay, for the next N requests or always. The regex is searched in the request path (query excluded), so
 * {@code /start$} matches every start request; anchor it with {@code ^} and {@code $} as needed.
 *
 * <pre>{@code
 * emu.addFault(FaultRule.on("POST", "/start$").times(2).status(500));
 * emu.addFault(FaultRule.on("GET", "/virtualMachines/azc001$").times(1).connectionReset());
 * emu.addFault(FaultRule.on(null, "/operations/").times(3).status(429).retryAfter(2));
 * emu.addFault(FaultRule.on("POST", "/deallocate$").delay(Duration.ofSeconds(30)));
 * }</pre>
 */
public final class FaultRule {
    /** {@link #times} value for a rule that never runs out. */
    public static final int ALWAYS = -1;
    private static final Set<String> FIELDS = Set.of("method", "path", "times", "status", "code", "retryAfter",
            "fault", "delayMs");

    /** What the rule does to a matching request. */
    public enum Kind {
        /** Answer the status with an ARM error body (plus Retry-After when set). */
        STATUS,
        /** Reset the connection without an answer. */
        CONNECTION_RESET,
        /** Close the connection without an answer. */
        EMPTY_RESPONSE,
        /** Delay the normal answer. */
        DELAY
    }

    private final String method;
    private final Pattern path;
    private final AtomicInteger remaining = new AtomicInteger(ALWAYS);
    private Kind kind = Kind.STATUS;
    private int status = 500;
    private String code;
    private int retryAfterSeconds = -1;
    private long delayMillis;

    private FaultRule(String method, String pathRegex) {
        this.method = method == null || method.isBlank() || method.equals("*") ? null
                : method.toUpperCase(Locale.ROOT);
        this.path = Pattern.compile(pathRegex == null || pathRegex.isEmpty() ? ".*" : pathRegex);
    }

    /** Matches requests with this method (null or "*" = any) whose path contains a match of the regex. */
    public static FaultRule on(String method, String pathRegex) {
        return new FaultRule(method, pathRegex);
    }

    /** Applies to the next {@code n} matching requests only ({@link #ALWAYS} by default). */
    public FaultRule times(int n) {
        if (n < 1 && n != ALWAYS) {
            throw new IllegalArgumentException("times must be >= 1 (or ALWAYS)");
        }
        remaining.set(n);
        return this;
    }

    /** Answers this status with ARM's usual error body for it (500 InternalServerError, 503 ServiceUnavailable...). */
    public FaultRule status(int httpStatus) {
        if (httpStatus < 400 || httpStatus > 599) {
            throw new IllegalArgumentException("fault status must be 4xx or 5xx");
        }
        this.kind = Kind.STATUS;
        this.status = httpStatus;
        return this;
    }

    /** Answers this status with this ARM error code. */
    public FaultRule status(int httpStatus, String errorCode) {
        status(httpStatus);
        this.code = errorCode;
        return this;
    }

    /** Adds {@code Retry-After} to the status answer (429 gets 1 s unless set). */
    public FaultRule retryAfter(int seconds) {
        this.retryAfterSeconds = seconds;
        return this;
    }

    public FaultRule connectionReset() {
        this.kind = Kind.CONNECTION_RESET;
        return this;
    }

    public FaultRule emptyResponse() {
        this.kind = Kind.EMPTY_RESPONSE;
        return this;
    }

    /** Answers normally, after this extra delay (to provoke client timeouts). */
    public FaultRule delay(Duration d) {
        this.kind = Kind.DELAY;
        this.delayMillis = d.toMillis();
        return this;
    }

    public Kind kind() {
        return kind;
    }

    /** Matching requests still to be served by this rule; {@link #ALWAYS} if unlimited, 0 when used up. */
    public int remaining() {
        return remaining.get();
    }

    long delayMillis() {
        return delayMillis;
    }

    boolean matches(String reqMethod, String reqPath) {
        return (method == null || method.equals(reqMethod)) && path.matcher(reqPath).find();
    }

    /** Claims one use of the rule; false once it is used up. */
    boolean tryUse() {
        while (true) {
            int r = remaining.get();
            if (r == ALWAYS) {
                return true;
            }
            if (r <= 0) {
                return false;
            }
            if (remaining.compareAndSet(r, r - 1)) {
                return true;
            }
        }
    }

    /** The answer for a STATUS/CONNECTION_RESET/EMPTY_RESPONSE rule. */
    EmulatorResponse response() {
        switch (kind) {
            case CONNECTION_RESET:
                return EmulatorResponse.dropped(EmulatorResponse.Drop.CONNECTION_RESET);
            case EMPTY_RESPONSE:
                return EmulatorResponse.dropped(EmulatorResponse.Drop.EMPTY_RESPONSE);
            default:
                break;
        }
        String c = code != null ? code : defaultCode(status);
        EmulatorResponse r = EmulatorResponse.armError(status, c, defaultMessage(status))
                .header("x-ms-failure-cause", status >= 500 ? "service" : "gateway");
        int ra = retryAfterSeconds >= 0 ? retryAfterSeconds : status == 429 ? 1 : -1;
        if (ra >= 0) {
            r.header("Retry-After", Integer.toString(ra));
        }
        return r;
    }

    private static String defaultCode(int status) {
        return switch (status) {
            case 400 -> "BadRequest";
            case 403 -> "AuthorizationFailed";
            case 404 -> "NotFound";
            case 409 -> "Conflict";
            case 429 -> "TooManyRequests";
            case 500 -> "InternalServerError";
            case 502 -> "BadGateway";
            case 503 -> "ServiceUnavailable";
            case 504 -> "GatewayTimeout";
            default -> status >= 500 ? "InternalServerError" : "BadRequest";
        };
    }

    private static String defaultMessage(int status) {
        return switch (status) {
            case 429 -> "The request is being throttled. Please retry after the time given in Retry-After.";
            case 500 -> "Encountered internal server error. (injected by the ARM emulator)";
            case 503 -> "The service is temporarily unavailable. Please try again later. (injected by the ARM "
                    + "emulator)";
            case 504 -> "The gateway did not receive a response within the specified time. (injected by the ARM "
                    + "emulator)";
            default -> "Injected failure " + status + " (ARM emulator).";
        };
    }

    /**
     * Reads the admin API's form: {@code {"method":"POST","path":"/start$","times":2,"status":500}},
     * {@code "fault":"reset"|"empty"}, {@code "delayMs":5000}, optional {@code "code"} and {@code "retryAfter"}.
     */
    static FaultRule fromJson(JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("a fault is a JSON object");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new IllegalArgumentException("unknown fault field '" + f + "'");
            }
        }
        FaultRule r = on(n.path("method").asText(null), n.path("path").asText(".*"));
        if (n.has("times")) {
            r.times(n.get("times").asInt());
        }
        if (n.has("fault")) {
            String f = n.get("fault").asText().toLowerCase(Locale.ROOT);
            switch (f) {
                case "reset", "connection_reset", "connection_reset_by_peer" -> r.connectionReset();
                case "empty", "empty_response" -> r.emptyResponse();
                default -> throw new IllegalArgumentException("unknown fault '" + f + "' (reset, empty)");
            }
        } else if (n.has("delayMs")) {
            r.delay(Duration.ofMillis(n.get("delayMs").asLong()));
        } else if (n.has("status")) {
            if (n.hasNonNull("code")) {
                r.status(n.get("status").asInt(), n.get("code").asText());
            } else {
                r.status(n.get("status").asInt());
            }
        } else {
            throw new IllegalArgumentException("a fault needs one of status, fault or delayMs");
        }
        if (n.has("retryAfter")) {
            r.retryAfter(n.get("retryAfter").asInt());
        }
        return r;
    }

    ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("method", method == null ? "*" : method);
        o.put("path", path.pattern());
        o.put("kind", kind.name());
        if (kind == Kind.STATUS) {
            o.put("status", status);
            if (code != null) {
                o.put("code", code);
            }
        }
        if (kind == Kind.DELAY) {
            o.put("delayMs", delayMillis);
        }
        if (retryAfterSeconds >= 0) {
            o.put("retryAfter", retryAfterSeconds);
        }
        o.put("remaining", remaining.get());
        return o;
    }

    @Override
    public String toString() {
        return Json.write(toJson());
    }
}
