package org.slurmazure.power.emulator;

import org.slurmazure.power.cloud.azure.ArmRoute;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** The Azure Resource Manager side: authentication, throttling, and the compute and network resources. */
final class ArmApi {
    static final String DEFAULT_API_VERSION = "2025-04-01";

    private final Cloud cloud;
    private final Settings settings;
    private final Throttler throttler;
    private final TokenStore tokens;

    ArmApi(Cloud cloud, Settings settings, Throttler throttler, TokenStore tokens) {
        this.cloud = cloud;
        this.settings = settings;
        this.throttler = throttler;
        this.tokens = tokens;
    }

    EmulatorResponse handle(EmulatorRequest req) {
        EmulatorResponse denied = authenticate(req);
        ArmRoute route = null;
        if (denied == null) {
            denied = checkApiVersion(req);
        }
        if (denied == null) {
            route = ArmRoute.parse(req.path);
            denied = authorize(req, route);
        }
        EmulatorResponse resp;
        if (denied != null) {
            resp = denied;
        } else {
            Throttler.Decision d = throttler.acquire(route.subscription(), !req.isRead(), computePolicies(req, route),
                    lower(route.subscription() + "/" + route.resourceGroup() + "/" + route.name()));
            resp = d.rejection != null ? d.rejection : dispatch(req, route);
            d.headers.forEach(resp::header);
        }
        resp.header("x-ms-request-id", cloud.newOperationId());
        resp.header("x-ms-correlation-request-id", cloud.newOperationId());
        String clientRequestId = req.header("x-ms-client-request-id");
        if (clientRequestId != null) {
            resp.header("x-ms-client-request-id", clientRequestId);
        }
        return resp;
    }

    private EmulatorResponse authenticate(EmulatorRequest req) {
        String auth = req.header("Authorization");
        String problem;
        if (auth == null || auth.isBlank()) {
            problem = "The authentication failed because of missing 'Authorization' header.";
        } else if (!auth.regionMatches(true, 0, "Bearer ", 0, 7) || auth.substring(7).isBlank()) {
            problem = "The 'Authorization' header is provided in an invalid format.";
        } else if (settings.lenientAuth) {
            return null;
        } else {
            TokenStore.Check c = tokens.check(auth.substring(7).trim());
            if (c == TokenStore.Check.VALID) {
                return null;
            }
            problem = c == TokenStore.Check.EXPIRED
                    ? "The access token expiry UTC time is earlier than current UTC time."
                    : "The access token is invalid: it was not issued by this emulator.";
        }
        String code = auth == null || auth.isBlank() ? "AuthenticationFailed" : "InvalidAuthenticationToken";
        return EmulatorResponse.armError(401, code, problem)
                .header("WWW-Authenticate", "Bearer authorization_uri=\"" + req.baseUrl() + settings.tenantId
                        + "\", error=\"invalid_token\", error_description=\"" + problem.replace("\"", "'") + "\"")
                .header("x-ms-failure-cause", "gateway");
    }

    /** With {@code requireApiVersion}: 400 MissingApiVersionParameter when the query has no api-version. */
    private EmulatorResponse checkApiVersion(EmulatorRequest req) {
        String v = req.param("api-version");
        if (!settings.requireApiVersion || v != null && !v.isBlank()) {
            return null;
        }
        return EmulatorResponse.armError(400, "MissingApiVersionParameter", "The api-version query parameter "
                + "(?api-version=) is required for all requests.").header("x-ms-failure-cause", "gateway");
    }

    /** The principal's role ({@link AccessScope}): 403 AuthorizationFailed for what it does not cover. */
    private EmulatorResponse authorize(EmulatorRequest req, ArmRoute r) {
        AccessScope scope = settings.access;
        String sub = "/subscriptions/" + r.subscription();
        String rg = r.resourceGroup();
        String rgScope = sub + "/resourceGroups/" + rg;
        String action;
        String target;
        switch (r.kind()) {
            case VM_LIST_ALL -> {
                action = AccessScope.VM_READ;
                target = sub;
            }
            case VM_LIST -> {
                action = AccessScope.VM_READ;
                target = rgScope;
            }
            case VM_GET, VM_INSTANCE_VIEW -> {
                action = AccessScope.VM_READ;
                target = rgScope + "/providers/Microsoft.Compute/virtualMachines/" + r.name();
            }
            case VM_ACTION -> {
                Operation.Action a = Operation.Action.byPathName(r.segment());
                if (a == null || !req.method.equals("POST")) {
                    return null;
                }
                action = switch (a) {
                    case START -> AccessScope.VM_START;
                    case DEALLOCATE -> AccessScope.VM_DEALLOCATE;
                    case POWER_OFF -> AccessScope.VM_POWER_OFF;
                };
                target = rgScope + "/providers/Microsoft.Compute/virtualMachines/" + r.name();
            }
            case NIC_LIST -> {
                action = AccessScope.NIC_READ;
                target = rgScope;
            }
            case NIC_GET -> {
                action = AccessScope.NIC_READ;
                target = rgScope + "/providers/Microsoft.Network/networkInterfaces/" + r.name();
            }
            case USAGES -> {
                action = AccessScope.USAGES_READ;
                target = sub;
            }
            case SKUS -> {
                action = AccessScope.SKUS_READ;
                target = sub;
            }
            default -> {
                // operation polls, and the caller's own permissions (any principal may list what it may do)
                return null;
            }
        }
        boolean subscriptionLevel = r.kind() == ArmRoute.Kind.VM_LIST_ALL || r.kind() == ArmRoute.Kind.USAGES
                || r.kind() == ArmRoute.Kind.SKUS;
        if (scope.allows(subscriptionLevel ? null : rg, action)) {
            return null;
        }
        String[] who = principal(req);
        return EmulatorResponse.armError(403, "AuthorizationFailed", "The client '" + who[0] + "' with object id '"
                        + who[1] + "' does not have authorization to perform action '" + action + "' over scope '"
                        + target + "' or the scope is invalid. If access was recently granted, please refresh your "
                        + "credentials.")
                .header("x-ms-failure-cause", "gateway");
    }

    /** The application id and object id of the caller, from the token's claims (the configured client otherwise). */
    private String[] principal(EmulatorRequest req) {
        String appId = settings.clientId;
        String oid = null;
        String auth = req.header("Authorization");
        try {
            String[] parts = auth.substring(7).trim().split("\\.");
            if (parts.length >= 2) {
                com.fasterxml.jackson.databind.JsonNode claims = Json.read(new String(Base64.getUrlDecoder()
                        .decode(parts[1]), StandardCharsets.UTF_8));
                appId = claims.path("appid").asText(appId);
                oid = claims.path("oid").asText(null);
            }
        } catch (RuntimeException e) {
            // not one of ours (lenient auth): fall back to the configured client
        }
        if (oid == null) {
            oid = java.util.UUID.nameUUIDFromBytes(appId.getBytes(StandardCharsets.UTF_8)).toString();
        }
        return new String[] {appId, oid};
    }

    /** Parses {@code /subscriptions/{sub}/...} into a route; the keywords are case-insensitive, as in ARM. */

    private static List<ThrottleSettings.Policy> computePolicies(EmulatorRequest req, ArmRoute r) {
        switch (r.kind()) {
            case VM_ACTION -> {
                Operation.Action a = Operation.Action.byPathName(r.segment());
                if (req.method.equals("POST") && a == Operation.Action.START) {
                    return List.of(ThrottleSettings.Policy.START, ThrottleSettings.Policy.START_PER_VM);
                }
                if (req.method.equals("POST") && a == Operation.Action.DEALLOCATE) {
                    return List.of(ThrottleSettings.Policy.DEALLOCATE, ThrottleSettings.Policy.DEALLOCATE_PER_VM);
                }
                return List.of();
            }
            case OPERATION -> {
                return List.of(ThrottleSettings.Policy.GET_OPERATION);
            }
            case VM_LIST, VM_LIST_ALL -> {
                return List.of(ThrottleSettings.Policy.HIGH_COST_LIST);
            }
            default -> {
                return List.of();
            }
        }
    }

    private EmulatorResponse dispatch(EmulatorRequest req, ArmRoute r) {
        if (r.kind() == ArmRoute.Kind.UNKNOWN) {
            return unknownRoute(req, r);
        }
        if (!cloud.subscriptionExists(r.subscription())) {
            return EmulatorResponse.armError(404, "SubscriptionNotFound", "The subscription '" + r.subscription()
                    + "' could not be found.").header("x-ms-failure-cause", "gateway");
        }
        boolean isPost = r.kind() == ArmRoute.Kind.VM_ACTION;
        if (isPost != req.method.equals("POST") || !isPost && !req.isRead()) {
            return EmulatorResponse.armError(405, "MethodNotAllowed", "The requested resource does not support "
                    + "http method '" + req.method + "'.");
        }
        return switch (r.kind()) {
            case VM_GET -> withVm(r, v -> EmulatorResponse.json(200, Resources.vm(v,
                    "instanceView".equalsIgnoreCase(req.param("$expand")))));
            case VM_INSTANCE_VIEW -> withVm(r, v -> EmulatorResponse.json(200, Resources.instanceView(v)));
            case VM_ACTION -> action(req, r);
            case VM_LIST -> {
                if (!cloud.resourceGroupExists(r.subscription(), r.resourceGroup())) {
                    yield resourceGroupNotFound(r.resourceGroup());
                }
                yield page(req, cloud.visible(r.subscription(), r.resourceGroup()), v -> Resources.vm(v, false));
            }
            case VM_LIST_ALL -> {
                boolean statusOnly = "true".equalsIgnoreCase(req.param("statusOnly"));
                yield page(req, cloud.visible(r.subscription(), null),
                        statusOnly ? Resources::vmStatusOnly : v -> Resources.vm(v, false));
            }
            case NIC_LIST -> {
                if (!cloud.resourceGroupExists(r.subscription(), r.resourceGroup())) {
                    yield resourceGroupNotFound(r.resourceGroup());
                }
                yield page(req, cloud.visible(r.subscription(), r.resourceGroup()), Resources::nic);
            }
            case NIC_GET -> {
                EmulatedVm vm = cloud.findByNic(r.subscription(), r.resourceGroup(), r.name());
                if (vm == null || vm.isMissing()) {
                    yield notFound(r, "Microsoft.Network/networkInterfaces");
                }
                yield EmulatorResponse.json(200, Resources.nic(vm.view()));
            }
            case OPERATION -> operation(req, r);
            case PERMISSIONS -> {
                if (!cloud.resourceGroupExists(r.subscription(), r.resourceGroup())) {
                    yield resourceGroupNotFound(r.resourceGroup());
                }
                ObjectNode body = Json.object();
                body.set("value", settings.access.permissions(r.resourceGroup()));
                yield EmulatorResponse.json(200, body);
            }
            case USAGES -> {
                List<EmulatedVm.View> inRegion = new ArrayList<>();
                for (EmulatedVm vm : cloud.visible(r.subscription(), null)) {
                    if (vm.location().equalsIgnoreCase(r.segment())) {
                        inRegion.add(vm.view());
                    }
                }
                yield EmulatorResponse.json(200, Quotas.usages(inRegion, settings.quotas));
            }
            case SKUS -> {
                String location;
                try {
                    location = Quotas.filterLocation(req.param("$filter"));
                } catch (IllegalArgumentException e) {
                    yield EmulatorResponse.armError(400, "InvalidFilter", "The filter '" + req.param("$filter")
                            + "' is not supported: only location eq '<location>' is.");
                }
                yield EmulatorResponse.json(200, Quotas.skus(Quotas.views(cloud.visible(r.subscription(), null)),
                        location));
            }
            default -> unknownRoute(req, r);
        };
    }

    private EmulatorResponse withVm(ArmRoute r, Function<EmulatedVm.View, EmulatorResponse> f) {
        EmulatedVm vm = cloud.find(r.subscription(), r.resourceGroup(), r.name());
        if (vm == null || vm.isMissing()) {
            return notFound(r, "Microsoft.Compute/virtualMachines");
        }
        return f.apply(vm.view());
    }

    private EmulatorResponse action(EmulatorRequest req, ArmRoute r) {
        Operation.Action action = Operation.Action.byPathName(r.segment());
        if (action == null) {
            return unknownRoute(req, r);
        }
        EmulatedVm vm = cloud.find(r.subscription(), r.resourceGroup(), r.name());
        if (vm == null || vm.isMissing()) {
            return notFound(r, "Microsoft.Compute/virtualMachines");
        }
        EmulatedVm.Begin b = vm.begin(action);
        if (b.conflict() != null) {
            return EmulatorResponse.armError(409, "OperationNotAllowed", b.conflict())
                    .header("x-ms-failure-cause", "service");
        }
        String url = operationUrl(req, vm.subscriptionId(), vm.location(), b.operation().id);
        return EmulatorResponse.empty(202)
                .header("Azure-AsyncOperation", url)
                .header("Location", url + "&monitor=true")
                .header("Azure-AsyncNotification", "Enabled")
                .header("Retry-After", Integer.toString(settings.retryAfterSeconds));
    }

    private static String operationUrl(EmulatorRequest req, String sub, String location, String opId) {
        return req.baseUrl() + "subscriptions/" + sub + "/providers/Microsoft.Compute/locations/" + location
                + "/operations/" + opId + "?p=" + opId + "&api-version=" + apiVersion(req);
    }

    private EmulatorResponse operation(EmulatorRequest req, ArmRoute r) {
        Operation op = cloud.operation(r.name());
        if (op == null || !op.vm.subscriptionId().equalsIgnoreCase(r.subscription())) {
            return EmulatorResponse.armError(404, "OperationNotFound", "The operation '" + r.name()
                    + "' could not be found.");
        }
        Operation.View v = op.view();
        boolean monitor = "true".equalsIgnoreCase(req.param("monitor"));
        String retry = Integer.toString(settings.retryAfterSeconds);
        if (!monitor) {
            EmulatorResponse resp = EmulatorResponse.json(200, Resources.operation(v));
            if (v.status() == Operation.Status.IN_PROGRESS) {
                resp.header("Retry-After", retry);
            }
            return resp;
        }
        return switch (v.status()) {
            case IN_PROGRESS -> EmulatorResponse.empty(202)
                    .header("Location", req.baseUrl() + req.path.substring(1) + "?" + req.query)
                    .header("Retry-After", retry);
            case SUCCEEDED -> EmulatorResponse.empty(200);
            default -> EmulatorResponse.armError(FailureMessages.httpStatus(v.errorCode()),
                    v.errorCode() == null ? "Canceled" : v.errorCode(),
                    v.errorMessage() == null ? "The operation was canceled." : v.errorMessage());
        };
    }

    /** One page of a list, with an absolute {@code nextLink} carrying a {@code $skiptoken}. */
    private EmulatorResponse page(EmulatorRequest req, List<EmulatedVm> all,
            Function<EmulatedVm.View, ObjectNode> render) {
        int offset = 0;
        String token = req.param("$skiptoken");
        if (token != null) {
            try {
                String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
                if (!decoded.startsWith("offset:")) {
                    throw new IllegalArgumentException(decoded);
                }
                offset = Integer.parseInt(decoded.substring("offset:".length()));
            } catch (IllegalArgumentException e) {
                return EmulatorResponse.armError(400, "InvalidSkipToken", "The skip token '" + token
                        + "' is invalid.");
            }
        }
        int size = Math.max(1, settings.pageSize);
        int end = Math.min(all.size(), offset + size);
        ObjectNode body = Json.object();
        ArrayNode value = body.putArray("value");
        for (int i = offset; i < end; i++) {
            value.add(render.apply(all.get(i).view()));
        }
        if (end < all.size()) {
            StringBuilder next = new StringBuilder(req.baseUrl()).append(req.path.substring(1)).append('?');
            List<String> params = new ArrayList<>();
            req.params.forEach((k, v) -> {
                if (!k.equals("$skiptoken")) {
                    params.add(encode(k) + "=" + encode(v));
                }
            });
            if (!req.params.containsKey("api-version")) {
                params.add("api-version=" + DEFAULT_API_VERSION);
            }
            params.add("$skiptoken=" + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(("offset:" + end).getBytes(StandardCharsets.UTF_8)));
            next.append(String.join("&", params));
            body.put("nextLink", next.toString());
        }
        return EmulatorResponse.json(200, body);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("%24", "$");
    }

    private EmulatorResponse notFound(ArmRoute r, String type) {
        if (!cloud.resourceGroupExists(r.subscription(), r.resourceGroup())) {
            return resourceGroupNotFound(r.resourceGroup());
        }
        return EmulatorResponse.armError(404, "ResourceNotFound", "The Resource '" + type + "/" + r.name()
                        + "' under resource group '" + r.resourceGroup() + "' was not found. For more details please "
                        + "go to https://aka.ms/ARMResourceNotFoundFix")
                .header("x-ms-failure-cause", "gateway");
    }

    private static EmulatorResponse resourceGroupNotFound(String rg) {
        return EmulatorResponse.armError(404, "ResourceGroupNotFound", "Resource group '" + rg
                + "' could not be found.").header("x-ms-failure-cause", "gateway");
    }

    private static EmulatorResponse unknownRoute(EmulatorRequest req, ArmRoute r) {
        return EmulatorResponse.armError(404, "InvalidResourceType", "The ARM emulator does not implement "
                + req.method + " " + req.path + " (api-version " + apiVersion(req) + ").")
                .header("x-ms-failure-cause", "gateway");
    }

    static String apiVersion(EmulatorRequest req) {
        String v = req.param("api-version");
        return v == null || v.isBlank() ? DEFAULT_API_VERSION : v;
    }

    static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
