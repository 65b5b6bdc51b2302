package org.slurmazure.power.emulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Entra ID (Azure AD) side: the v2.0 and v1 token endpoints (client credentials with a secret or a client
 * assertion), OpenID metadata, and the managed-identity (IMDS) token endpoint.
 */
final class IdentityApi {
    private static final Pattern TOKEN_V2 = Pattern.compile("/([^/]+)/oauth2/v2\\.0/token/?");
    private static final Pattern TOKEN_V1 = Pattern.compile("/([^/]+)/oauth2/token/?");
    private static final Pattern OPENID = Pattern.compile("/([^/]+)/v2\\.0/\\.well-known/openid-configuration/?");
    private static final String IMDS = "/metadata/identity/oauth2/token";
    private static final String ARM_AUDIENCE = "https://management.core.windows.net/";
    private static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static final DateTimeFormatter AAD_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private final Settings settings;
    private final TokenStore tokens;
    private final AtomicInteger failuresLeft = new AtomicInteger(0);
    private volatile int failureStatus = 500;

    IdentityApi(Settings settings, TokenStore tokens) {
        this.settings = settings;
        this.tokens = tokens;
    }

    /** The token endpoints answer {@code status} to the next {@code times} requests ({@link FaultRule#ALWAYS}). */
    void failTokenRequests(int status, int times) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("token failure status must be 4xx or 5xx");
        }
        if (times < 1 && times != FaultRule.ALWAYS) {
            throw new IllegalArgumentException("times must be >= 1 (or ALWAYS)");
        }
        failureStatus = status;
        failuresLeft.set(times);
    }

    void clearTokenFailures() {
        failuresLeft.set(0);
    }

    /** The answer when the path is an identity endpoint, else null. Echoes MSAL's {@code client-request-id}. */
    EmulatorResponse handle(EmulatorRequest req) {
        EmulatorResponse r = route(req);
        String correlation = req.header("client-request-id");
        if (r != null && correlation != null) {
            r.header("client-request-id", correlation);
        }
        return r;
    }

    private EmulatorResponse route(EmulatorRequest req) {
        Matcher v2 = TOKEN_V2.matcher(req.path);
        Matcher v1 = TOKEN_V1.matcher(req.path);
        boolean isV2 = v2.matches();
        if (isV2 || v1.matches()) {
            if (!req.method.equals("POST")) {
                return aadError(405, "invalid_request", 900561, "The endpoint only accepts POST requests.");
            }
            EmulatorResponse injected = injectedFailure();
            return injected != null ? injected : clientCredentials(req, isV2 ? v2.group(1) : v1.group(1), isV2);
        }
        if (req.path.equals(IMDS)) {
            EmulatorResponse injected = injectedFailure();
            return injected != null ? injected : managedIdentity(req);
        }
        Matcher oid = OPENID.matcher(req.path);
        if (oid.matches() && req.isRead()) {
            return openIdConfiguration(req, oid.group(1));
        }
        return null;
    }

    private EmulatorResponse injectedFailure() {
        while (true) {
            int left = failuresLeft.get();
            if (left == 0) {
                return null;
            }
            if (left == FaultRule.ALWAYS || failuresLeft.compareAndSet(left, left - 1)) {
                break;
            }
        }
        int s = failureStatus;
        EmulatorResponse r = switch (s) {
            case 400 -> aadError(400, "invalid_request", 90002, "Tenant '" + settings.tenantId + "' not found. "
                    + "(failure injected by the ARM emulator)");
            case 401 -> aadError(401, "invalid_client", 7000215, "Invalid client secret provided. (failure "
                    + "injected by the ARM emulator)");
            case 429 -> aadError(429, "temporarily_unavailable", 50196, "The server terminated an operation because "
                    + "it encountered a client request loop. (failure injected by the ARM emulator)");
            default -> aadError(s, s == 503 ? "temporarily_unavailable" : "server_error", 500011,
                    "The service is temporarily unavailable. (failure injected by the ARM emulator)");
        };
        if (s == 429 || s == 503) {
            r.header("Retry-After", "1");
        }
        return r;
    }

    private EmulatorResponse clientCredentials(EmulatorRequest req, String tenant, boolean v2) {
        if (!tenant.equalsIgnoreCase(settings.tenantId)) {
            return aadError(400, "invalid_request", 90002, "Tenant '" + tenant + "' not found. Check to make sure you "
                    + "have the correct tenant ID and are signing into the correct cloud.");
        }
        Map<String, String> form = EmulatorRequest.parseForm(req.body);
        String clientId = form.get("client_id");
        String secret = form.get("client_secret");
        String basic = req.header("Authorization");
        if (basic != null && basic.regionMatches(true, 0, "Basic ", 0, 6)) {
            String pair;
            try {
                pair = new String(Base64.getDecoder().decode(basic.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return aadError(401, "invalid_client", 7000216, "The 'Authorization' header is not valid Basic.");
            }
            int colon = pair.indexOf(':');
            if (colon > 0) {
                clientId = clientId == null ? pair.substring(0, colon) : clientId;
                secret = secret == null ? pair.substring(colon + 1) : secret;
            }
        }
        String grant = form.get("grant_type");
        if (grant == null || grant.isEmpty()) {
            return aadError(400, "invalid_request", 900144, "The request body must contain the following parameter: "
                    + "'grant_type'.");
        }
        if (!grant.equals("client_credentials")) {
            return aadError(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '"
                    + grant + "'. (The ARM emulator supports client_credentials only.)");
        }
        if (clientId == null || clientId.isBlank()) {
            return aadError(400, "invalid_request", 900144, "The request body must contain the following parameter: "
                    + "'client_id'.");
        }
        if (settings.enforceClientId && !clientId.equals(settings.clientId)) {
            return aadError(400, "unauthorized_client", 700016, "Application with identifier '" + clientId
                    + "' was not found in the directory '" + settings.tenantId + "'. This can happen if the "
                    + "application has not been installed by the administrator of the tenant or consented to by any "
                    + "user in the tenant. You may have sent your authentication request to the wrong tenant.");
        }
        String scope = v2 ? form.get("scope") : form.get("resource");
        if (scope == null || scope.isBlank()) {
            String param = v2 ? "scope" : "resource";
            return aadError(400, "invalid_request", 900144, "The request body must contain the following parameter: '"
                    + param + "'.");
        }
        String assertion = form.get("client_assertion");
        if (assertion != null) {
            if (!JWT_BEARER.equals(form.get("client_assertion_type"))) {
                return aadError(400, "invalid_request", 900144, "The request body must contain the following "
                        + "parameter: 'client_assertion_type' = '" + JWT_BEARER + "'.");
            }
            if (assertion.split("\\.", -1).length != 3) {
                return aadError(401, "invalid_client", 50027, "JWT token is invalid or malformed.");
            }
        } else if (secret == null || secret.isEmpty()) {
            return aadError(401, "invalid_client", 7000218, "The request body must contain the following parameter: "
                    + "'client_assertion' or 'client_secret'.");
        } else if (settings.enforceClientSecret && !secret.equals(settings.clientSecret)) {
            return aadError(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being "
                    + "sent in the request is the client secret value, not the client secret ID, for a secret added "
                    + "to app '" + clientId + "'.");
        }
        long lifetime = settings.tokenLifetime.toSeconds();
        String token = tokens.issue(settings.tenantId, clientId, ARM_AUDIENCE, settings.tokenLifetime);
        ObjectNode body = Json.object();
        body.put("token_type", "Bearer");
        if (v2) {
            body.put("expires_in", lifetime);
            body.put("ext_expires_in", lifetime);
        } else {
            body.put("expires_in", Long.toString(lifetime));
            body.put("ext_expires_in", Long.toString(lifetime));
            body.put("expires_on", Long.toString(Instant.now().getEpochSecond() + lifetime));
            body.put("not_before", Long.toString(Instant.now().getEpochSecond()));
            body.put("resource", scope);
        }
        body.put("access_token", token);
        return EmulatorResponse.json(200, body)
                .header("Cache-Control", "no-store, no-cache")
                .header("x-ms-request-id", UUID.randomUUID().toString());
    }

    private EmulatorResponse managedIdentity(EmulatorRequest req) {
        if (!"true".equalsIgnoreCase(req.header("Metadata"))) {
            ObjectNode b = Json.object().put("error", "invalid_request")
                    .put("error_description", "Required metadata header not specified");
            return EmulatorResponse.json(400, b);
        }
        String resource = req.param("resource");
        if (resource == null || resource.isBlank()) {
            ObjectNode b = Json.object().put("error", "invalid_request")
                    .put("error_description", "Required query variable 'resource' is missing");
            return EmulatorResponse.json(400, b);
        }
        long lifetime = settings.tokenLifetime.toSeconds();
        long now = Instant.now().getEpochSecond();
        ObjectNode body = Json.object();
        body.put("access_token", tokens.issue(settings.tenantId, settings.clientId, resource, settings.tokenLifetime));
        body.put("client_id", settings.clientId);
        body.put("expires_in", Long.toString(lifetime));
        body.put("expires_on", Long.toString(now + lifetime));
        body.put("ext_expires_in", Long.toString(lifetime));
        body.put("not_before", Long.toString(now));
        body.put("resource", resource);
        body.put("token_type", "Bearer");
        return EmulatorResponse.json(200, body);
    }

    private EmulatorResponse openIdConfiguration(EmulatorRequest req, String tenant) {
        String base = req.baseUrl() + tenant;
        ObjectNode o = Json.object();
        o.put("token_endpoint", base + "/oauth2/v2.0/token");
        o.put("authorization_endpoint", base + "/oauth2/v2.0/authorize");
        o.put("issuer", req.baseUrl() + tenant + "/v2.0");
        o.put("jwks_uri", base + "/discovery/v2.0/keys");
        ArrayNode methods = o.putArray("token_endpoint_auth_methods_supported");
        methods.add("client_secret_post").add("private_key_jwt").add("client_secret_basic");
        o.putArray("response_types_supported").add("code").add("id_token").add("code id_token")
                .add("id_token token");
        o.putArray("scopes_supported").add("openid").add("profile").add("email").add("offline_access");
        o.put("tenant_region_scope", "EU");
        return EmulatorResponse.json(200, o);
    }

    private static EmulatorResponse aadError(int status, String error, int aadsts, String text) {
        Instant now = Instant.now();
        String trace = UUID.randomUUID().toString();
        String correlation = UUID.randomUUID().toString();
        ObjectNode b = Json.object();
        b.put("error", error);
        b.put("error_description", "AADSTS" + aadsts + ": " + text + "\r\nTrace ID: " + trace
                + "\r\nCorrelation ID: " + correlation + "\r\nTimestamp: " + AAD_TIME.format(now));
        b.putArray("error_codes").add(aadsts);
        b.put("timestamp", AAD_TIME.format(now));
        b.put("trace_id", trace);
        b.put("correlation_id", correlation);
        b.put("error_uri", "https://login.microsoftonline.com/error?code=" + aadsts);
        return EmulatorResponse.json(status, b);
    }
}
