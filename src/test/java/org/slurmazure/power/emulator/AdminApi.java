package org.slurmazure.power.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /__emulator/...}: what a harness uses to watch and steer the emulator while it runs.
 *
 * <pre>
 * GET    /__emulator/health                 {"status":"ok"}
 * GET    /__emulator/vms                    every VM (name, rg, power state, tags, ip, counts, failure flags)
 * GET    /__emulator/vms/{name}             one VM
 * POST   /__emulator/vms/{name}             patch: powerState, startFailure, startFailureTimes, startHangs,
 *                                            deallocateFailure, deallocateFailureTimes, deallocateHangs, missing,
 *                                            lroDuration, tags (null clears a field)
 * GET    /__emulator/requests[?limit=N]     the request record (newest last)
 * DELETE /__emulator/requests               clears it
 * GET    /__emulator/faults                 the active fault rules
 * POST   /__emulator/faults                 adds one rule (or a list):
 *                                            {"method","path","times","status"|"fault"|"delayMs"}
 * DELETE /__emulator/faults                 removes all rules
 * POST   /__emulator/token-failures         {"status":500,"times":3} (times -1 = always)
 * DELETE /__emulator/token-failures         stops them
 * GET    /__emulator/stats                  counters: requests, by status, 429s sent by the buckets, requests sent
 *                                            inside an open 429 window, tokens issued
 * GET    /__emulator/settings               the current settings
 * POST   /__emulator/settings               {"latency":"100ms","lroDuration":"20s","retryAfter":1,"pageSize":100,
 *                                            "lenientAuth":false,"throttle":"azure","buckets":{"armWrites":"200+10/s"},
 *                                            "stateLag":"5s","failedStartState":"running","requireApiVersion":true,
 *                                            "access":{"resourceGroups":["rg1"],"deny":{"rg1":["...action"]}}}
 * </pre>
 */
final class AdminApi {
    private static final Set<String> VM_FIELDS = Set.of("powerState", "startFailure", "startFailureTimes",
            "startHangs", "deallocateFailure", "deallocateFailureTimes", "deallocateHangs", "missing", "lroDuration",
            "tags");
    private static final Set<String> SETTINGS_FIELDS = Set.of("latency", "lroDuration", "retryAfter", "pageSize",
            "lenientAuth", "throttle", "buckets", "stateLag", "failedStartState", "requireApiVersion", "access");

    private final EmulatorHandler h;

    AdminApi(EmulatorHandler handler) {
        this.h = handler;
    }

    EmulatorResponse handle(EmulatorRequest req) {
        String rest = req.path.substring(EmulatorHandler.ADMIN_PREFIX.length());
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        String m = req.method;
        if (rest.equals("/health") && m.equals("GET")) {
            return EmulatorResponse.json(200, Json.object().put("status", "ok"));
        }
        if (rest.equals("/vms") && m.equals("GET")) {
            ArrayNode arr = Json.MAPPER.createArrayNode();
            h.cloud.vms().forEach(vm -> arr.add(vmJson(vm.view())));
            return EmulatorResponse.json(200, arr);
        }
        if (rest.startsWith("/vms/")) {
            EmulatedVm vm = h.cloud.byName(rest.substring("/vms/".length()));
            if (vm == null) {
                return EmulatorResponse.armError(404, "NotFound", "no VM named '" + rest.substring(5) + "'");
            }
            if (m.equals("GET")) {
                return EmulatorResponse.json(200, vmJson(vm.view()));
            }
            if (m.equals("POST") || m.equals("PATCH")) {
                patchVm(vm, Json.read(req.body));
                return EmulatorResponse.json(200, vmJson(vm.view()));
            }
        }
        if (rest.equals("/requests")) {
            if (m.equals("GET")) {
                List<RequestRecord> all = h.log.snapshot();
                int limit = req.param("limit") == null ? all.size() : Integer.parseInt(req.param("limit"));
                ArrayNode arr = Json.MAPPER.createArrayNode();
                for (RequestRecord r : all.subList(Math.max(0, all.size() - limit), all.size())) {
                    arr.addObject().put("time", r.time().toString()).put("method", r.method()).put("path", r.path())
                            .put("query", r.query()).put("status", r.status()).put("delayMs", r.delayMs());
                }
                return EmulatorResponse.json(200, arr);
            }
            if (m.equals("DELETE")) {
                h.log.clear();
                return EmulatorResponse.empty(204);
            }
        }
        if (rest.equals("/faults")) {
            switch (m) {
                case "GET" -> {
                    ArrayNode arr = Json.MAPPER.createArrayNode();
                    h.faults.forEach(f -> arr.add(f.toJson()));
                    return EmulatorResponse.json(200, arr);
                }
                case "POST" -> {
                    JsonNode body = Json.read(req.body);
                    ArrayNode added = Json.MAPPER.createArrayNode();
                    for (JsonNode n : body.isArray() ? body : Json.MAPPER.createArrayNode().add(body)) {
                        FaultRule f = FaultRule.fromJson(n);
                        h.faults.add(f);
                        added.add(f.toJson());
                    }
                    return EmulatorResponse.json(201, added);
                }
                case "DELETE" -> {
                    h.faults.clear();
                    return EmulatorResponse.empty(204);
                }
                default -> {
                }
            }
        }
        if (rest.equals("/token-failures")) {
            if (m.equals("POST")) {
                JsonNode b = Json.read(req.body);
                h.identity.failTokenRequests(b.path("status").asInt(500), b.path("times").asInt(FaultRule.ALWAYS));
                return EmulatorResponse.empty(204);
            }
            if (m.equals("DELETE")) {
                h.identity.clearTokenFailures();
                return EmulatorResponse.empty(204);
            }
        }
        if (rest.equals("/stats") && m.equals("GET")) {
            return EmulatorResponse.json(200, stats());
        }
        if (rest.equals("/settings")) {
            if (m.equals("POST") || m.equals("PATCH")) {
                patchSettings(Json.read(req.body));
                return EmulatorResponse.json(200, settingsJson());
            }
            if (m.equals("GET")) {
                return EmulatorResponse.json(200, settingsJson());
            }
        }
        return EmulatorResponse.armError(404, "NotFound", "unknown admin endpoint " + m + " " + req.path);
    }

    static ObjectNode vmJson(EmulatedVm.View v) {
        ObjectNode o = Json.object();
        o.put("name", v.name());
        o.put("resourceGroup", v.resourceGroup());
        o.put("subscriptionId", v.subscriptionId());
        o.put("location", v.location());
        o.put("vmSize", v.vmSize());
        o.put("powerState", v.powerState().id());
        o.put("provisioningState", v.provisioning().json);
        if (v.failureCode() != null) {
            o.put("lastFailure", v.failureCode());
        }
        ObjectNode tags = o.putObject("tags");
        v.tags().forEach(tags::put);
        o.put("privateIp", v.privateIp());
        o.put("nic", v.nicName());
        o.put("startCount", v.startCount());
        o.put("deallocateCount", v.deallocateCount());
        o.put("powerOffCount", v.powerOffCount());
        o.put("startFailure", v.startFailure());
        if (v.startFailure() != null) {
            o.put("startFailureTimes", v.startFailureTimes());
        }
        o.put("startHangs", v.startHangs());
        o.put("deallocateFailure", v.deallocateFailure());
        if (v.deallocateFailure() != null) {
            o.put("deallocateFailureTimes", v.deallocateFailureTimes());
        }
        o.put("deallocateHangs", v.deallocateHangs());
        o.put("missing", v.missing());
        o.put("lroDuration", v.lroDuration() == null ? null : Durations.format(v.lroDuration()));
        if (v.lagging()) {
            o.put("reportedPowerState", v.reportedPowerState().id());
        }
        if (v.pending() != null) {
            o.putObject("pendingOperation").put("id", v.pending().id()).put("action", v.pending().action().pathName)
                    .put("status", v.pending().status().json);
        }
        return o;
    }

    private static void patchVm(EmulatedVm vm, JsonNode p) {
        requireObject(p, VM_FIELDS);
        // Validate everything before changing anything.
        PowerState state = p.hasNonNull("powerState") ? PowerState.parse(p.get("powerState").asText()) : null;
        if (state != null && state.isTransitional()) {
            throw new IllegalArgumentException("powerState must be deallocated, running or stopped");
        }
        java.time.Duration lro = null;
        if (p.hasNonNull("lroDuration")) {
            JsonNode n = p.get("lroDuration");
            lro = n.isNumber() ? java.time.Duration.ofMillis(n.asLong()) : Durations.parse(n.asText());
        }
        int startTimes = times(p, "startFailureTimes");
        int deallocateTimes = times(p, "deallocateFailureTimes");
        EmulatedVm.View before = vm.view();
        if (p.has("startFailure") || p.has("startFailureTimes")) {
            String code = p.has("startFailure") ? (p.get("startFailure").isNull() ? null
                    : p.get("startFailure").asText()) : before.startFailure();
            vm.startFailure(code, startTimes);
        }
        if (p.has("deallocateFailure") || p.has("deallocateFailureTimes")) {
            String code = p.has("deallocateFailure") ? (p.get("deallocateFailure").isNull() ? null
                    : p.get("deallocateFailure").asText()) : before.deallocateFailure();
            vm.deallocateFailure(code, deallocateTimes);
        }
        if (p.has("startHangs")) {
            vm.startHangs(p.get("startHangs").asBoolean());
        }
        if (p.has("deallocateHangs")) {
            vm.deallocateHangs(p.get("deallocateHangs").asBoolean());
        }
        if (p.has("missing")) {
            vm.missing(p.get("missing").asBoolean());
        }
        if (p.has("lroDuration")) {
            vm.lroDuration(lro);
        }
        if (p.has("tags") && p.get("tags").isObject()) {
            p.get("tags").properties().forEach(e -> vm.tag(e.getKey(),
                    e.getValue().isNull() ? null : e.getValue().asText()));
        }
        if (state != null) {
            vm.forcePowerState(state);
        }
    }

    /** A failure count of a patch: absent or null = every time. */
    private static int times(JsonNode p, String field) {
        JsonNode n = p.get(field);
        if (n == null || n.isNull()) {
            return FaultRule.ALWAYS;
        }
        if (!n.isIntegralNumber()) {
            throw new IllegalArgumentException("'" + field + "' must be a whole number (-1 = every time)");
        }
        return EmulatedVm.checkTimes(n.intValue());
    }

    private void patchSettings(JsonNode p) {
        requireObject(p, SETTINGS_FIELDS);
        ThrottleSettings throttle = null;
        if (p.hasNonNull("throttle")) {
            throttle = ThrottleSettings.preset(p.get("throttle").asText());
        }
        if (p.hasNonNull("buckets")) {
            ThrottleSettings t = throttle != null ? throttle : h.throttler.settings();
            for (Map.Entry<String, JsonNode> e : p.get("buckets").properties()) {
                t = t.with(e.getKey() + "=" + e.getValue().asText());
            }
            throttle = t;
        }
        java.time.Duration latency = p.hasNonNull("latency") ? duration(p.get("latency")) : null;
        java.time.Duration lro = p.hasNonNull("lroDuration") ? duration(p.get("lroDuration")) : null;
        java.time.Duration lag = p.hasNonNull("stateLag") ? ArmEmulator.checkLag(duration(p.get("stateLag"))) : null;
        PowerState failedStart = p.hasNonNull("failedStartState")
                ? ArmEmulator.checkFailedStartState(PowerState.parse(p.get("failedStartState").asText())) : null;
        AccessScope access = p.has("access") ? AccessScope.fromJson(p.get("access")) : null;
        Settings s = h.settings;
        if (latency != null) {
            s.latency = latency;
        }
        if (lro != null) {
            s.lroDuration = lro;
        }
        if (p.hasNonNull("retryAfter")) {
            s.retryAfterSeconds = Math.max(0, p.get("retryAfter").asInt());
        }
        if (p.hasNonNull("pageSize")) {
            s.pageSize = Math.max(1, p.get("pageSize").asInt());
        }
        if (p.hasNonNull("lenientAuth")) {
            s.lenientAuth = p.get("lenientAuth").asBoolean();
        }
        if (lag != null) {
            s.stateLag = lag;
        }
        if (failedStart != null) {
            s.failedStartState = failedStart;
        }
        if (p.hasNonNull("requireApiVersion")) {
            s.requireApiVersion = p.get("requireApiVersion").asBoolean();
        }
        if (access != null) {
            s.access = access;
        }
        if (throttle != null) {
            h.throttler.settings(throttle);
        }
    }

    private static java.time.Duration duration(JsonNode n) {
        return n.isNumber() ? java.time.Duration.ofMillis(n.asLong()) : Durations.parse(n.asText());
    }

    private ObjectNode settingsJson() {
        Settings s = h.settings;
        ObjectNode o = Json.object();
        o.put("subscriptionId", s.subscriptionId);
        o.put("tenantId", s.tenantId);
        o.put("clientId", s.clientId);
        o.put("clientIdEnforced", s.enforceClientId);
        o.put("clientSecretEnforced", s.enforceClientSecret);
        o.put("resourceGroup", s.defaultResourceGroup);
        o.put("location", s.defaultLocation);
        o.put("latency", Durations.format(s.latency));
        o.put("lroDuration", Durations.format(s.lroDuration));
        o.put("retryAfter", s.retryAfterSeconds);
        o.put("pageSize", s.pageSize);
        o.put("lenientAuth", s.lenientAuth);
        o.put("tokenLifetime", Durations.format(s.tokenLifetime));
        o.put("journal", h.log.enabled());
        o.put("throttle", h.throttler.settings().toString());
        o.put("stateLag", Durations.format(s.stateLag));
        o.put("failedStartState", s.failedStartState.id());
        o.put("requireApiVersion", s.requireApiVersion);
        o.set("access", s.access.toJson());
        return o;
    }

    private ObjectNode stats() {
        ObjectNode o = Json.object();
        o.put("requests", h.log.total());
        ObjectNode by = o.putObject("byStatus");
        h.log.byStatus().forEach((k, v) -> by.put(Integer.toString(k), v));
        o.put("throttled", h.throttler.throttledCount());
        ObjectNode tp = o.putObject("throttledByBucket");
        h.throttler.throttledByPolicy().forEach(tp::put);
        o.put("inThrottleWindow", h.throttler.inWindowCount());
        ObjectNode wp = o.putObject("inThrottleWindowByBucket");
        h.throttler.inWindowByPolicy().forEach(wp::put);
        o.put("tokensIssued", h.tokens.issuedCount());
        Map<PowerState, Integer> states = new EnumMap<>(PowerState.class);
        long starts = 0;
        long deallocates = 0;
        for (EmulatedVm vm : h.cloud.vms()) {
            EmulatedVm.View v = vm.view();
            states.merge(v.powerState(), 1, Integer::sum);
            starts += v.startCount();
            deallocates += v.deallocateCount();
        }
        ObjectNode ps = o.putObject("powerStates");
        states.forEach((k, v) -> ps.put(k.id(), v));
        o.put("startsAccepted", starts);
        o.put("deallocatesAccepted", deallocates);
        return o;
    }

    private static void requireObject(JsonNode p, Set<String> allowed) {
        if (p == null || !p.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        for (Iterator<String> it = p.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new IllegalArgumentException("unknown field '" + f + "' (known: " + String.join(", ",
                        allowed.stream().sorted().toList()) + ")");
            }
        }
    }
}
