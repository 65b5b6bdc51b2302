package org.slurmazure.power.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.slurmazure.power.config.SchemaWalker.Section;
import org.slurmazure.power.config.YamlNode.Entry;
import org.slurmazure.power.config.YamlNode.Mark;
import org.slurmazure.power.config.YamlNode.Scalar;

import static org.slurmazure.power.config.SchemaWalker.GUID;
import static org.slurmazure.power.config.SchemaWalker.GUID_EXAMPLE;
import static org.slurmazure.power.config.SchemaWalker.hasBadChar;

/** The rules of the {@code azure} section: cloud, endpoints, subscription, credential, CA certificates and proxy. */
final class AzureRules {
    private static final Pattern DOMAIN =
            Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+");

    private static final String CLOUDS = "AzureCloud, AzureChinaCloud, AzureUSGovernment or custom";
    private static final String CREDENTIAL_TYPES = "client-certificate, client-secret, managed-identity or azure-cli";
    private static final List<String> CREDENTIAL_TYPE_LIST = List.of(
            Credential.ClientCertificate.TYPE,
            Credential.ClientSecret.TYPE,
            Credential.ManagedIdentity.TYPE,
            Credential.AzureCli.TYPE);

    private final SchemaWalker w;
    private final Diagnostics d;

    AzureRules(SchemaWalker walker) {
        this.w = walker;
        this.d = walker.diagnostics();
    }

    /** The {@code azure} section as read, for {@link ClusterRules#finishGroups} and the {@link Config}. */
    static final class AzureDraft {
        boolean present;
        Mark mark;
        AzureCloud cloud = AzureCloud.AZURE_CLOUD;
        AzureEndpoints endpoints = AzureCloud.AZURE_CLOUD.knownEndpoints().orElseThrow();
        String subscriptionId;
        boolean subscriptionGiven;
        boolean subscriptionEmpty;
        Mark subscriptionMark;
        Credential credential;
        Path caCertificates;
        HttpProxy proxy;
    }

    AzureDraft azure(Section root) {
        AzureDraft a = new AzureDraft();
        Section azure =
                w.section(root, "azure", ConfigKeys.AZURE, true, "a mapping with subscriptionId and credential");
        a.present = azure.present();
        a.mark = azure.mark();

        Scalar cloudValue = w.scalar(azure, "cloud", false, "one of " + CLOUDS);
        boolean cloudKnown = true;
        if (cloudValue != null) {
            Optional<AzureCloud> cloud =
                    AzureCloud.fromConfigName(cloudValue.text().strip());
            if (cloud.isPresent()) {
                a.cloud = cloud.get();
            } else {
                cloudKnown = false;
                List<String> names = new ArrayList<>();
                for (AzureCloud c : AzureCloud.values()) {
                    names.add(c.configName());
                }
                String close = ConfigKeys.closest(cloudValue.text().strip(), names);
                d.found(
                        cloudValue,
                        azure.key("cloud"),
                        "one of " + CLOUDS + (close != null ? "; did you mean \"" + close + "\"?" : ""));
            }
        }
        if (cloudKnown) {
            endpoints(azure, a, cloudValue);
        }

        Scalar sub = w.scalar(azure, "subscriptionId", false, "a subscription GUID like " + GUID_EXAMPLE);
        Entry subEntry = azure.entry("subscriptionId");
        a.subscriptionEmpty = subEntry != null && subEntry.value() instanceof Scalar sc && sc.isNull();
        a.subscriptionGiven = subEntry != null && !a.subscriptionEmpty;
        a.subscriptionMark = w.keyMark(azure, "subscriptionId");
        if (sub != null) {
            a.subscriptionId = w.guid(sub, azure.key("subscriptionId"), "a subscription GUID like " + GUID_EXAMPLE);
        }

        a.credential = credential(azure);

        Scalar ca = w.scalar(azure, "caCertificates", false, "an absolute path to a PEM file of CA certificates");
        if (ca != null) {
            a.caCertificates = w.absolutePath(ca, azure.key("caCertificates"), "/etc/slurm/extra-ca.pem");
            if (a.caCertificates != null) {
                w.checkReadableFile(
                        a.caCertificates,
                        azure.key("caCertificates"),
                        ca.mark(),
                        "TLS connections that need these CA certificates will fail until it does");
            }
        }

        Scalar proxy = w.scalar(azure, "proxy", false, "an HTTP proxy URL like http://proxy.example:3128");
        if (proxy != null) {
            a.proxy = proxy(proxy, azure.key("proxy"));
        }
        return a;
    }

    private void endpoints(Section azure, AzureDraft a, Scalar cloudValue) {
        Entry given = azure.entry("endpoints");
        boolean givenWithValue = given != null && !(given.value() instanceof Scalar s && s.isNull());
        if (a.cloud != AzureCloud.CUSTOM) {
            a.endpoints = a.cloud.knownEndpoints().orElseThrow();
            if (givenWithValue) {
                d.error(
                        given.keyMark(),
                        azure.key("endpoints"),
                        "found endpoints with cloud " + a.cloud.configName()
                                + ", expected endpoints only with cloud: custom (the known clouds have fixed endpoints)");
            }
            return;
        }
        a.endpoints = null;
        String expected = "a mapping with resourceManager and authority (https URLs) for cloud: custom";
        if (!givenWithValue) {
            Mark at = cloudValue != null ? cloudValue.mark() : azure.mark();
            d.error(at, azure.key("endpoints"), "missing; expected " + expected);
            return;
        }
        Section endpoints = w.section(azure, "endpoints", ConfigKeys.ENDPOINTS, true, expected);
        if (!endpoints.present()) {
            return;
        }
        URI rm = w.httpsUrl(endpoints, "resourceManager", "https://management.example/");
        URI authority = w.httpsUrl(endpoints, "authority", "https://login.example/");
        String audience = AzureCloud.DEFAULT_CUSTOM_AUDIENCE;
        Scalar aud =
                w.scalar(endpoints, "audience", false, "a token audience like https://management.core.windows.net/");
        if (aud != null) {
            String text = aud.text().strip();
            if (text.isEmpty() || hasBadChar(text, '!', "")) {
                d.found(aud, endpoints.key("audience"), "a token audience like https://management.core.windows.net/");
            } else {
                audience = text;
            }
        }
        if (rm != null && authority != null) {
            a.endpoints = new AzureEndpoints(rm, authority, audience);
        }
    }

    private HttpProxy proxy(Scalar v, String key) {
        String text = v.text().strip();
        String expected = "an HTTP proxy URL like http://proxy.example:3128";
        try {
            URI uri = new URI(text);
            if (uri.getRawUserInfo() != null) {
                d.found(
                        v,
                        key,
                        "http://HOST:PORT without a user name or password"
                                + " (proxy authentication is not supported)");
                return null;
            }
            if (!"http".equalsIgnoreCase(uri.getScheme())) {
                d.found(v, key, expected + " (the proxy is reached over plain HTTP and tunnels TLS with CONNECT)");
                return null;
            }
            if (uri.getHost() == null
                    || uri.getPort() < 1
                    || (uri.getRawPath() != null
                            && !uri.getRawPath().isEmpty()
                            && !uri.getRawPath().equals("/"))
                    || uri.getRawQuery() != null
                    || uri.getRawFragment() != null) {
                d.found(v, key, expected + " (scheme, host and port only)");
                return null;
            }
            return new HttpProxy(text, uri.getHost(), uri.getPort());
        } catch (URISyntaxException e) {
            d.found(v, key, expected);
            return null;
        }
    }

    private Credential credential(Section azure) {
        Section c = w.section(
                azure,
                "credential",
                ConfigKeys.CREDENTIAL,
                true,
                "a mapping with type (" + CREDENTIAL_TYPES + ") and its settings");
        if (!c.present()) {
            return null;
        }
        Scalar typeValue = w.scalar(c, "type", true, "one of " + CREDENTIAL_TYPES);
        if (typeValue == null) {
            return null;
        }
        String type = typeValue.text().strip();
        if (!CREDENTIAL_TYPE_LIST.contains(type)) {
            String close = ConfigKeys.closest(type, CREDENTIAL_TYPE_LIST);
            d.found(
                    typeValue,
                    c.key("type"),
                    "one of " + CREDENTIAL_TYPES + (close != null ? "; did you mean \"" + close + "\"?" : ""));
            return null;
        }
        String tenantExpected = "a tenant ID like " + GUID_EXAMPLE + " or a tenant domain like contoso.onmicrosoft.com";
        String clientExpected = "a client (application) ID like " + GUID_EXAMPLE;
        switch (type) {
            case Credential.ClientCertificate.TYPE -> {
                notUsed(c, type, "secretFile");
                String tenant = tenant(c, true, tenantExpected);
                String client = clientId(c, true, clientExpected);
                Path cert = secretFile(c, "certificateFile", true, "/etc/slurm/azure-power.pem");
                Path password = secretFile(c, "certificatePasswordFile", false, "/etc/slurm/azure-power.pem.password");
                if (tenant == null || client == null || cert == null) {
                    return null;
                }
                return new Credential.ClientCertificate(tenant, client, cert, Optional.ofNullable(password));
            }
            case Credential.ClientSecret.TYPE -> {
                notUsed(c, type, "certificateFile");
                notUsed(c, type, "certificatePasswordFile");
                String tenant = tenant(c, true, tenantExpected);
                String client = clientId(c, true, clientExpected);
                Path secret = secretFile(c, "secretFile", true, "/etc/slurm/azure-power.secret");
                if (tenant == null || client == null || secret == null) {
                    return null;
                }
                return new Credential.ClientSecret(tenant, client, secret);
            }
            case Credential.ManagedIdentity.TYPE -> {
                notUsed(c, type, "tenantId");
                notUsed(c, type, "certificateFile");
                notUsed(c, type, "certificatePasswordFile");
                notUsed(c, type, "secretFile");
                String client = clientId(c, false, "the client ID of a user-assigned identity like " + GUID_EXAMPLE);
                return new Credential.ManagedIdentity(Optional.ofNullable(client));
            }
            default -> {
                notUsed(c, type, "clientId");
                notUsed(c, type, "certificateFile");
                notUsed(c, type, "certificatePasswordFile");
                notUsed(c, type, "secretFile");
                String tenant = tenant(c, false, tenantExpected);
                d.warn(
                        typeValue.mark(),
                        c.key("type"),
                        "azure-cli uses the Azure CLI login of the user running the"
                                + " command: fine for an admin by hand, but the power programs run as SlurmUser from slurmctld;"
                                + " use client-certificate (or managed-identity on an Azure VM) for them");
                return new Credential.AzureCli(Optional.ofNullable(tenant));
            }
        }
    }

    private void notUsed(Section c, String type, String key) {
        Entry e = c.entry(key);
        if (e != null) {
            d.error(
                    e.keyMark(),
                    c.key(key),
                    "not used with type " + type + "; expected only the keys of " + type + " ("
                            + String.join(", ", credentialKeys(type)) + ")");
        }
    }

    private static List<String> credentialKeys(String type) {
        return switch (type) {
            case Credential.ClientCertificate.TYPE ->
                List.of("tenantId", "clientId", "certificateFile", "certificatePasswordFile");
            case Credential.ClientSecret.TYPE -> List.of("tenantId", "clientId", "secretFile");
            case Credential.ManagedIdentity.TYPE -> List.of("clientId");
            default -> List.of("tenantId");
        };
    }

    private String tenant(Section c, boolean required, String expected) {
        Scalar v = w.scalar(c, "tenantId", required, expected);
        if (v == null) {
            return null;
        }
        String text = v.text().strip();
        if (!GUID.matcher(text).matches() && !DOMAIN.matcher(text).matches()) {
            d.found(v, c.key("tenantId"), expected);
            return null;
        }
        return text;
    }

    private String clientId(Section c, boolean required, String expected) {
        Scalar v = w.scalar(c, "clientId", required, expected);
        return v == null ? null : w.guid(v, c.key("clientId"), expected);
    }

    private Path secretFile(Section c, String key, boolean required, String example) {
        Scalar v = w.scalar(c, key, required, "an absolute path like " + example);
        if (v == null) {
            return null;
        }
        Path path = w.absolutePath(v, c.key(key), example);
        if (path != null) {
            w.checkSecretFile(path, c.key(key), v.mark());
        }
        return path;
    }
}
