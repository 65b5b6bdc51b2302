package org.slurmazure.power.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The access tokens the emulator issued, with their expiry. Tokens look like JWTs but are not signed. */
final class TokenStore {
    /** What {@link #check} found. */
    enum Check { VALID, UNKNOWN, EXPIRED }

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Long> expiries = new ConcurrentHashMap<>();
    private final LongAdder issued = new LongAdder();

    /** Every token issued so far. */
    java.util.Set<String> issued() {
        return java.util.Set.copyOf(expiries.keySet());
    }

    /** A new token for this tenant/app/audience, valid for {@code lifetime}. */
    String issue(String tenantId, String appId, String audience, Duration lifetime) {
        long now = System.currentTimeMillis() / 1000;
        long exp = now + lifetime.toSeconds();
        ObjectNode header = Json.object().put("typ", "JWT").put("alg", "RS256").put("kid", "arm-emulator");
        ObjectNode claims = Json.object()
                .put("aud", audience)
                .put("iss", "https://sts.windows.net/" + tenantId + "/")
                .put("iat", now)
                .put("nbf", now)
                .put("exp", exp)
                .put("appid", appId)
                .put("idtyp", "app")
                .put("oid", java.util.UUID.nameUUIDFromBytes(appId.getBytes(StandardCharsets.UTF_8)).toString())
                .put("tid", tenantId)
                .put("ver", "1.0");
        byte[] sig = new byte[64];
        random.nextBytes(sig);
        String token = B64.encodeToString(Json.write(header).getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(Json.write(claims).getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(sig);
        expiries.put(token, System.currentTimeMillis() + lifetime.toMillis());
        issued.increment();
        if (expiries.size() > 100_000) {
            purge();
        }
        return token;
    }

    Check check(String token) {
        Long exp = expiries.get(token);
        if (exp == null) {
            return Check.UNKNOWN;
        }
        return System.currentTimeMillis() < exp ? Check.VALID : Check.EXPIRED;
    }

    long issuedCount() {
        return issued.sum();
    }

    void purge() {
        long now = System.currentTimeMillis();
        expiries.values().removeIf(exp -> exp < now);
    }
}
