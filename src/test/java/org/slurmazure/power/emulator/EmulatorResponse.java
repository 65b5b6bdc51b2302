package org.slurmazure.power.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/** One response of the emulator's handlers: status, headers, body, extra delay, or a dropped connection. */
final class EmulatorResponse {
    static final String JSON = "application/json; charset=utf-8";

    /** What to do with the connection instead of answering. */
    enum Drop { NONE, CONNECTION_RESET, EMPTY_RESPONSE }

    final int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    final String body;
    long delayMillis;
    Drop drop = Drop.NONE;

    private EmulatorResponse(int status, String body) {
        this.status = status;
        this.body = body;
    }

    static EmulatorResponse json(int status, JsonNode body) {
        return new EmulatorResponse(status, Json.write(body)).header("Content-Type", JSON);
    }

    static EmulatorResponse empty(int status) {
        return new EmulatorResponse(status, "");
    }

    static EmulatorResponse text(int status, String contentType, String body) {
        return new EmulatorResponse(status, body).header("Content-Type", contentType);
    }

    static EmulatorResponse armError(int status, String code, String message) {
        return json(status, Json.armError(code, message));
    }

    static EmulatorResponse dropped(Drop how) {
        EmulatorResponse r = new EmulatorResponse(0, "");
        r.drop = how;
        return r;
    }

    EmulatorResponse header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    EmulatorResponse delay(long millis) {
        delayMillis += Math.max(0, millis);
        return this;
    }
}
