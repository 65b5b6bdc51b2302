package org.slurmazure.power.emulator;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every request goes through here: admin endpoints first, then injected faults, then the identity endpoints or
 * ARM, then the latency setting; each non-admin request is recorded.
 */
final class EmulatorHandler {
    static final String ADMIN_PREFIX = "/__emulator";

    final Settings settings;
    final Cloud cloud;
    final Throttler throttler;
    final TokenStore tokens;
    final IdentityApi identity;
    final ArmApi arm;
    final RequestLog log;
    final List<FaultRule> faults = new CopyOnWriteArrayList<>();
    private final AdminApi admin;

    EmulatorHandler(Settings settings, Cloud cloud, Throttler throttler, RequestLog log) {
        this.settings = settings;
        this.cloud = cloud;
        this.throttler = throttler;
        this.log = log;
        this.tokens = new TokenStore();
        this.identity = new IdentityApi(settings, tokens);
        this.arm = new ArmApi(cloud, settings, throttler, tokens);
        this.admin = new AdminApi(this);
    }

    EmulatorResponse handle(EmulatorRequest req) {
        if (req.path.equals(ADMIN_PREFIX) || req.path.startsWith(ADMIN_PREFIX + "/")) {
            return guarded(() -> admin.handle(req));
        }
        Instant arrived = Instant.now();
        EmulatorResponse resp = guarded(() -> serve(req));
        log.add(new RequestRecord(arrived, req.method, req.path, req.query, resp.status, resp.delayMillis));
        return resp;
    }

    private EmulatorResponse serve(EmulatorRequest req) {
        FaultRule fault = matchFault(req);
        EmulatorResponse resp;
        if (fault != null && fault.kind() != FaultRule.Kind.DELAY) {
            resp = fault.response();
        } else {
            resp = identity.handle(req);
            if (resp == null) {
                resp = org.slurmazure.power.cloud.azure.ArmRoute.isArmPath(req.path) ? arm.handle(req) : EmulatorResponse.armError(404, "NotFound",
                        "The ARM emulator serves /subscriptions/..., the token endpoints and /__emulator/...; not "
                                + req.path + ".");
            }
            if (fault != null) {
                resp.delay(fault.delayMillis());
            }
        }
        return resp.delay(settings.latency.toMillis());
    }

    private FaultRule matchFault(EmulatorRequest req) {
        for (FaultRule f : faults) {
            if (f.matches(req.method, req.path) && f.tryUse()) {
                if (f.remaining() == 0) {
                    faults.remove(f);
                }
                return f;
            }
        }
        return null;
    }

    private static EmulatorResponse guarded(java.util.function.Supplier<EmulatorResponse> body) {
        try {
            return body.get();
        } catch (IllegalArgumentException e) {
            return EmulatorResponse.armError(400, "BadRequest", e.getMessage());
        } catch (RuntimeException e) {
            System.err.println("arm-emulator: internal error: " + e);
            e.printStackTrace();
            return EmulatorResponse.armError(500, "InternalServerError", "ARM emulator bug: " + e);
        }
    }
}
