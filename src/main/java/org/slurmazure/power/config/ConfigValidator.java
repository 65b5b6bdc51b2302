package org.slurmazure.power.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.slurmazure.power.config.YamlNode.Entry;
import org.slurmazure.power.config.YamlNode.ListNode;
import org.slurmazure.power.config.YamlNode.MapNode;
import org.slurmazure.power.config.YamlNode.Mark;
import org.slurmazure.power.config.YamlNode.Scalar;
import org.slurmazure.power.hostlist.Hostlist;
import org.slurmazure.power.hostlist.InvalidHostlistException;

/**
 * Validates a {@link YamlNode} tree against the configuration schema and builds the {@link Config} by hand. Reports
 * every problem it finds (not only the first) to the {@link Diagnostics}; a section that is missing or malformed is
 * reported once, without a cascade of errors about its keys.
 */
final class ConfigValidator {
    static final String GUID_EXAMPLE = "11111111-2222-3333-4444-555555555555";
    /** The most nodes one group may expand to (a guard against typos such as {@code c[0-99999999]}). */
    static final int MAX_NODES_PER_GROUP = 100_000;
    /** Below this, many VM starts fail: Azure starts often take 2-3 minutes. */
    static final Duration SHORT_RESUME_DEADLINE = Duration.ofMinutes(2);

    private static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern DOMAIN =
            Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+");
    private static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern RESOURCE_GROUP = Pattern.compile("[\\p{L}\\p{N}._()-]{1,90}");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,9}");
    private static final String TAG_NAME_FORBIDDEN = "<>%&\\?/";

    private static final String CLOUDS = "AzureCloud, AzureChinaCloud, AzureUSGovernment or custom";
    private static final String CREDENTIAL_TYPES = "client-certificate, client-secret, managed-identity or azure-cli";
    private static final List<String> CREDENTIAL_TYPE_LIST = List.of(
            Credential.ClientCertificate.TYPE,
            Credential.ClientSecret.TYPE,
            Credential.ManagedIdentity.TYPE,
            Credential.AzureCli.TYPE);
    private static final String VM_NAME_RULES = "a valid Azure VM name: 1-64 letters, digits, '-', '_' or '.', "
            + "starting with a letter or digit and not ending with '.' or '-'";

    private final Diagnostics d;
    private final FileChecks files;
    private final Path source;

    private ConfigValidator(Path source, Diagnostics diagnostics, FileChecks files) {
        this.source = source;
        this.d = diagnostics;
        this.files = files;
    }

    /** The configuration, or empty when any error was reported (now or before, e.g. by the YAML reader). */
    static Optional<Config> validate(Path source, Optional<YamlNode> root, Diagnostics diagnostics, FileChecks files) {
        return new ConfigValidator(source, diagnostics, files).validate(root);
    }

    // ---------------------------------------------------------------------------------------------- sections

    /** A mapping of the file at a key path; {@code map} is null when the section is absent or malformed. */
    private record Section(String path, MapNode map, Mark mark) {
        boolean present() {
            return map != null;
        }

        String key(String k) {
            return path.isEmpty() ? k : path + "." + k;
        }

        Entry entry(String k) {
            return map == null ? null : map.entries().get(k);
        }
    }

    private void checkKeys(MapNode map, String path, String schemaSection) {
        List<String> known = ConfigKeys.keys(schemaSection);
        for (Entry e : map.entries().values()) {
            if (!known.contains(e.key())) {
                String keyPath = path.isEmpty() ? e.key() : path + "." + e.key();
                d.error(e.keyMark(), keyPath, ConfigKeys.unknownKeyMessage(schemaSection, e.key()));
            }
        }
    }

    private Section section(Section parent, String key, String schemaSection, boolean required, String expected) {
        String path = parent.key(key);
        Entry e = parent.entry(key);
        if (e == null) {
            if (required && parent.present()) {
                d.error(parent.mark(), path, "missing; expected " + expected);
            }
            return new Section(path, null, parent.mark());
        }
        YamlNode value = e.value();
        if (value instanceof Scalar s && s.isNull()) {
            if (required) {
                d.error(e.keyMark(), path, "found no value, expected " + expected);
            }
            return new Section(path, null, e.keyMark());
        }
        if (!(value instanceof MapNode map)) {
            d.found(value, path, expected);
            return new Section(path, null, e.keyMark());
        }
        checkKeys(map, path, schemaSection);
        return new Section(path, map, e.keyMark());
    }

    /** The scalar at a key, or null when absent, empty or not a scalar (reported as needed). */
    private Scalar scalar(Section s, String key, boolean required, String expected) {
        Entry e = s.entry(key);
        String path = s.key(key);
        if (e == null) {
            if (required && s.present()) {
                d.error(s.mark(), path, "missing; expected " + expected);
            }
            return null;
        }
        if (e.value() instanceof Scalar sc) {
            if (sc.isNull()) {
                if (required) {
                    d.error(e.keyMark(), path, "found no value, expected " + expected);
                }
                return null;
            }
            return sc;
        }
        d.found(e.value(), path, expected);
        return null;
    }

    private Mark keyMark(Section s, String key) {
        Entry e = s.entry(key);
        return e == null ? s.mark() : e.keyMark();
    }

    // ---------------------------------------------------------------------------------------------- the file

    private Optional<Config> validate(Optional<YamlNode> rootNode) {
        String rootExpected =
                "a mapping with the sections azure, cluster and nodeGroups" + " (see etc/azure-power.example.yaml)";
        if (rootNode.isEmpty()) {
            if (!d.hasErrors()) {
                d.error(null, "", "the file is empty, expected " + rootExpected);
            }
            return Optional.empty();
        }
        YamlNode node = rootNode.get();
        if (node instanceof Scalar s && s.isNull()) {
            d.error(null, "", "the file has no settings, expected " + rootExpected);
            return Optional.empty();
        }
        if (!(node instanceof MapNode rootMap)) {
            d.error(node.mark(), "", "found " + node.describe() + " at the top, expected " + rootExpected);
            return Optional.empty();
        }
        checkKeys(rootMap, "", ConfigKeys.ROOT);
        Section root = new Section("", rootMap, Mark.START);

        AzureDraft azure = azure(root);
        ClusterTag tag = cluster(root);
        List<GroupDraft> groups = nodeGroups(root);
        List<NodeGroup> nodeGroups = finishGroups(groups, azure);
        int before = d.errorCount();
        SlurmSettings slurm = slurm(root);
        boolean slurmValid = d.errorCount() == before && slurm != null;
        Limits limits = limits(root);
        before = d.errorCount();
        LogSettings log = log(root);
        boolean logValid = d.errorCount() == before && log != null;
        Path stateDir = stateDir(root);
        d.salvage(new Salvage(
                logValid ? Optional.of(log.file()) : Optional.empty(),
                slurmValid ? Optional.of(slurm.scontrol()) : Optional.empty()));

        if (d.hasErrors()) {
            return Optional.empty();
        }
        AzureSettings azureSettings = new AzureSettings(
                azure.cloud,
                azure.endpoints,
                Optional.ofNullable(azure.subscriptionId),
                azure.credential,
                Optional.ofNullable(azure.caCertificates),
                Optional.ofNullable(azure.proxy));
        return Optional.of(new Config(source, azureSettings, tag, nodeGroups, slurm, limits, log, stateDir));
    }

    // ---------------------------------------------------------------------------------------------- azure

    private static final class AzureDraft {
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

    private AzureDraft azure(Section root) {
        AzureDraft a = new AzureDraft();
        Section azure = section(root, "azure", ConfigKeys.AZURE, true, "a mapping with subscriptionId and credential");
        a.present = azure.present();
        a.mark = azure.mark();

        Scalar cloudValue = scalar(azure, "cloud", false, "one of " + CLOUDS);
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

        Scalar sub = scalar(azure, "subscriptionId", false, "a subscription GUID like " + GUID_EXAMPLE);
        Entry subEntry = azure.entry("subscriptionId");
        a.subscriptionEmpty = subEntry != null && subEntry.value() instanceof Scalar sc && sc.isNull();
        a.subscriptionGiven = subEntry != null && !a.subscriptionEmpty;
        a.subscriptionMark = keyMark(azure, "subscriptionId");
        if (sub != null) {
            a.subscriptionId = guid(sub, azure.key("subscriptionId"), "a subscription GUID like " + GUID_EXAMPLE);
        }

        a.credential = credential(azure);

        Scalar ca = scalar(azure, "caCertificates", false, "an absolute path to a PEM file of CA certificates");
        if (ca != null) {
            a.caCertificates = absolutePath(ca, azure.key("caCertificates"), "/etc/slurm/extra-ca.pem");
            if (a.caCertificates != null) {
                checkReadableFile(
                        a.caCertificates,
                        azure.key("caCertificates"),
                        ca.mark(),
                        "TLS connections that need these CA certificates will fail until it does");
            }
        }

        Scalar proxy = scalar(azure, "proxy", false, "an HTTP proxy URL like http://proxy.example:3128");
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
        Section endpoints = section(azure, "endpoints", ConfigKeys.ENDPOINTS, true, expected);
        if (!endpoints.present()) {
            return;
        }
        URI rm = httpsUrl(endpoints, "resourceManager", "https://management.example/");
        URI authority = httpsUrl(endpoints, "authority", "https://login.example/");
        String audience = AzureCloud.DEFAULT_CUSTOM_AUDIENCE;
        Scalar aud = scalar(endpoints, "audience", false, "a token audience like https://management.core.windows.net/");
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

    private URI httpsUrl(Section s, String key, String example) {
        String expected = "an https URL like " + example;
        Scalar v = scalar(s, key, true, expected);
        if (v == null) {
            return null;
        }
        String text = v.text().strip();
        try {
            URI uri = new URI(text);
            if (!"https".equalsIgnoreCase(uri.getScheme())
                    || uri.getHost() == null
                    || uri.getRawUserInfo() != null
                    || uri.getRawQuery() != null
                    || uri.getRawFragment() != null) {
                d.found(v, s.key(key), expected);
                return null;
            }
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (!path.endsWith("/")) {
                path += "/";
            }
            return new URI("https://" + uri.getRawAuthority() + path);
        } catch (URISyntaxException e) {
            d.found(v, s.key(key), expected);
            return null;
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
        Section c = section(
                azure,
                "credential",
                ConfigKeys.CREDENTIAL,
                true,
                "a mapping with type (" + CREDENTIAL_TYPES + ") and its settings");
        if (!c.present()) {
            return null;
        }
        Scalar typeValue = scalar(c, "type", true, "one of " + CREDENTIAL_TYPES);
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
        Scalar v = scalar(c, "tenantId", required, expected);
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
        Scalar v = scalar(c, "clientId", required, expected);
        return v == null ? null : guid(v, c.key("clientId"), expected);
    }

    private String guid(Scalar v, String key, String expected) {
        String text = v.text().strip();
        if (!GUID.matcher(text).matches()) {
            d.found(v, key, expected);
            return null;
        }
        return text;
    }

    private Path secretFile(Section c, String key, boolean required, String example) {
        Scalar v = scalar(c, key, required, "an absolute path like " + example);
        if (v == null) {
            return null;
        }
        Path path = absolutePath(v, c.key(key), example);
        if (path != null) {
            checkSecretFile(path, c.key(key), v.mark());
        }
        return path;
    }

    // ---------------------------------------------------------------------------------------------- file checks

    private void checkSecretFile(Path path, String key, Mark mark) {
        FileInfo info = files.inspect(path);
        switch (info.kind()) {
            case MISSING ->
                d.warn(
                        mark,
                        key,
                        "file " + path + " does not exist; the power programs cannot"
                                + " authenticate to Azure until it does");
            case INACCESSIBLE ->
                d.warn(
                        mark,
                        key,
                        "cannot inspect " + path + " (" + info.error().orElse("?")
                                + "); make sure SlurmUser can read it and that only its owner can (chmod 600)");
            case DIRECTORY, OTHER ->
                d.error(
                        mark,
                        key,
                        "found " + (info.kind() == FileInfo.Kind.DIRECTORY ? "a directory" : "a special file") + " at "
                                + path + ", expected a regular file");
            case FILE -> {
                if (info.accessibleByGroupOrOthers()) {
                    d.error(
                            mark,
                            key,
                            "found mode " + info.octalMode().orElse("?") + " on " + path
                                    + " (group or others can access it), expected mode 0600 or 0400 (chmod 600 " + path
                                    + ")");
                }
                if (!info.readable()) {
                    d.warn(
                            mark,
                            key,
                            "file " + path + " is not readable by the user running this check;"
                                    + " the power programs (SlurmUser) must be able to read it");
                } else if (info.size() == 0) {
                    d.warn(mark, key, "file " + path + " is empty");
                }
            }
            default -> throw new IllegalStateException(info.kind().toString());
        }
    }

    private void checkReadableFile(Path path, String key, Mark mark, String consequence) {
        FileInfo info = files.inspect(path);
        switch (info.kind()) {
            case MISSING -> d.warn(mark, key, "file " + path + " does not exist; " + consequence);
            case INACCESSIBLE ->
                d.warn(
                        mark,
                        key,
                        "cannot inspect " + path + " (" + info.error().orElse("?")
                                + "); make sure SlurmUser can read it");
            case DIRECTORY, OTHER ->
                d.error(
                        mark,
                        key,
                        "found " + (info.kind() == FileInfo.Kind.DIRECTORY ? "a directory" : "a special file") + " at "
                                + path + ", expected a regular file");
            case FILE -> {
                if (!info.readable()) {
                    d.warn(
                            mark,
                            key,
                            "file " + path + " is not readable by the user running this check;"
                                    + " the power programs (SlurmUser) must be able to read it");
                }
            }
            default -> throw new IllegalStateException(info.kind().toString());
        }
    }

    private Path absolutePath(Scalar v, String key, String example) {
        String text = v.text().strip();
        if (!text.startsWith("/") || text.indexOf('\0') >= 0) {
            d.found(
                    v,
                    key,
                    "an absolute path like " + example + " (the power programs run in slurmctld's working directory)");
            return null;
        }
        try {
            return Path.of(text).normalize();
        } catch (RuntimeException e) {
            d.found(v, key, "an absolute path like " + example);
            return null;
        }
    }

    // ---------------------------------------------------------------------------------------------- cluster

    private ClusterTag cluster(Section root) {
        String expected = "a mapping with tag: { name: slurm-cluster, value: hpc1 }";
        Section cluster = section(root, "cluster", ConfigKeys.CLUSTER, true, expected);
        if (!cluster.present()) {
            return null;
        }
        Section tag = section(
                cluster,
                "tag",
                ConfigKeys.TAG,
                true,
                "a mapping with name and value, like { name: slurm-cluster, value: hpc1 }");
        if (!tag.present()) {
            return null;
        }
        String nameExpected = "a tag name like slurm-cluster (1-512 characters, none of < > % & \\ ? /)";
        Scalar name = scalar(tag, "name", true, nameExpected);
        String nameText = null;
        if (name != null) {
            nameText = name.text().strip();
            if (nameText.isEmpty() || nameText.length() > 512 || hasBadChar(nameText, ' ', TAG_NAME_FORBIDDEN)) {
                d.found(name, tag.key("name"), nameExpected);
                nameText = null;
            }
        }
        String valueExpected = "a tag value like hpc1 (1-256 characters)";
        Scalar value = scalar(tag, "value", true, valueExpected);
        String valueText = null;
        if (value != null) {
            valueText = value.text().strip();
            if (valueText.isEmpty() || valueText.length() > 256 || hasBadChar(valueText, ' ', "")) {
                d.found(value, tag.key("value"), valueExpected);
                valueText = null;
            }
        }
        return nameText == null || valueText == null ? null : new ClusterTag(nameText, valueText);
    }

    // ---------------------------------------------------------------------------------------------- node groups

    private static final class GroupDraft {
        int index;
        String path;
        Mark mark;
        String name;
        boolean nameGiven;
        Mark nameMark;
        String nodes;
        Mark nodesMark;
        List<String> nodeNames;
        String resourceGroup;
        String template = NodeGroup.DEFAULT_VM_NAME_TEMPLATE;
        Mark templateMark;
        String subscriptionId;
        boolean subscriptionGiven;
    }

    private List<GroupDraft> nodeGroups(Section root) {
        String expected = "a list of node groups, each with nodes and resourceGroup (items start with \"- \")";
        Entry e = root.entry("nodeGroups");
        List<GroupDraft> groups = new ArrayList<>();
        if (e == null) {
            d.error(root.mark(), "nodeGroups", "missing; expected " + expected);
            return groups;
        }
        if (e.value() instanceof Scalar s && s.isNull()) {
            d.error(e.keyMark(), "nodeGroups", "found no value, expected " + expected);
            return groups;
        }
        if (!(e.value() instanceof ListNode list)) {
            d.found(e.value(), "nodeGroups", expected);
            return groups;
        }
        if (list.items().isEmpty()) {
            d.error(e.keyMark(), "nodeGroups", "found an empty list, expected at least one node group");
            return groups;
        }
        for (int i = 0; i < list.items().size(); i++) {
            GroupDraft g = group(i, list.items().get(i));
            if (g != null) {
                groups.add(g);
            }
        }
        return groups;
    }

    private GroupDraft group(int index, YamlNode item) {
        String path = "nodeGroups[" + index + "]";
        if (!(item instanceof MapNode map)) {
            d.found(item, path, "a mapping with nodes and resourceGroup");
            return null;
        }
        checkKeys(map, path, ConfigKeys.NODE_GROUP);
        Section s = new Section(path, map, map.mark());
        GroupDraft g = new GroupDraft();
        g.index = index;
        g.path = path;
        g.mark = map.mark();

        g.name = "group" + (index + 1);
        String nameExpected = "a group name like gpu or burst-1 (1-64 letters, digits, '-', '_' or '.')";
        Scalar name = scalar(s, "name", false, nameExpected);
        if (name != null) {
            String text = name.text().strip();
            if (GROUP_NAME.matcher(text).matches()) {
                g.name = text;
                g.nameGiven = true;
                g.nameMark = name.mark();
            } else {
                d.found(name, s.key("name"), nameExpected);
            }
        }

        Scalar nodes = scalar(s, "nodes", true, "a Slurm hostlist like azc[001-100]");
        if (nodes != null) {
            g.nodes = nodes.text().strip();
            g.nodesMark = nodes.mark();
            g.nodeNames = expand(nodes, s.key("nodes"));
        }

        String rgExpected =
                "a resource group name (1-90 letters, digits, '.', '_', '-', '(' or ')'," + " not ending with '.')";
        Scalar rg = scalar(s, "resourceGroup", true, rgExpected);
        if (rg != null) {
            String text = rg.text().strip();
            if (RESOURCE_GROUP.matcher(text).matches() && !text.endsWith(".")) {
                g.resourceGroup = text;
            } else {
                d.found(rg, s.key("resourceGroup"), rgExpected);
            }
        }

        template(s, g);

        Scalar sub = scalar(s, "subscriptionId", false, "a subscription GUID like " + GUID_EXAMPLE);
        g.subscriptionGiven = s.entry("subscriptionId") != null
                && !(s.entry("subscriptionId").value() instanceof Scalar sc && sc.isNull());
        if (sub != null) {
            g.subscriptionId = guid(sub, s.key("subscriptionId"), "a subscription GUID like " + GUID_EXAMPLE);
        }
        return g;
    }

    private List<String> expand(Scalar nodes, String key) {
        String expression = nodes.text().strip();
        String expected = "a Slurm hostlist like azc[001-100]";
        try {
            long count = Hostlist.count(expression);
            if (count > MAX_NODES_PER_GROUP) {
                d.found(nodes, key, "at most " + MAX_NODES_PER_GROUP + " nodes in one group (it has " + count + ")");
                return null;
            }
            List<String> expanded = Hostlist.expand(expression);
            if (expanded.isEmpty()) {
                d.found(nodes, key, expected + " naming at least one node");
                return null;
            }
            Set<String> unique = new LinkedHashSet<>(expanded);
            if (unique.size() < expanded.size()) {
                Set<String> seen = new HashSet<>();
                Set<String> repeated = new LinkedHashSet<>();
                for (String n : expanded) {
                    if (!seen.add(n)) {
                        repeated.add(n);
                    }
                }
                d.warn(
                        nodes.mark(),
                        key,
                        "lists " + describeNodes(repeated) + " more than once; each node counts once");
            }
            return List.copyOf(unique);
        } catch (InvalidHostlistException e) {
            d.found(nodes, key, expected + " (" + e.reason() + ")");
            return null;
        }
    }

    private void template(Section s, GroupDraft g) {
        String key = s.key("vmName");
        String expected = "a VM name template like \"{node}\" or \"vm-{node}\" (letters, digits, '-', '_', '.'"
                + " and the placeholder {node})";
        Entry e = s.entry("vmName");
        if (e != null
                && e.value() instanceof MapNode m
                && m.entries().size() == 1
                && m.entries().values().iterator().next().value() instanceof Scalar v
                && v.isNull()) {
            d.error(
                    e.value().mark(),
                    key,
                    "found a mapping, expected " + expected + "; put the template in quotes: vmName: \"{"
                            + m.entries().keySet().iterator().next() + "}\"");
            return;
        }
        Scalar t = scalar(s, "vmName", false, expected);
        if (t == null) {
            return;
        }
        String problem = templateProblem(t.text());
        if (problem != null) {
            d.found(t, key, expected + ": " + problem);
            g.template = null;
            return;
        }
        g.template = t.text();
        g.templateMark = t.mark();
    }

    /** What is wrong with a VM name template statically, or null. */
    static String templateProblem(String template) {
        if (template.isEmpty()) {
            return "it is empty";
        }
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '{') {
                int close = template.indexOf('}', i);
                if (close < 0) {
                    return "'{' at position " + (i + 1) + " is not closed";
                }
                String placeholder = template.substring(i, close + 1);
                if (!placeholder.equals(NodeGroup.NODE_PLACEHOLDER)) {
                    return "unknown placeholder " + placeholder + " (only {node} is known)";
                }
                i = close + 1;
                continue;
            }
            if (c == '}') {
                return "'}' at position " + (i + 1) + " has no matching '{'";
            }
            if (!isVmNameChar(c)) {
                return "character '" + c + "' is not allowed in a VM name";
            }
            i++;
        }
        return null;
    }

    /** True when the text has a character below {@code limit} (control characters) or one of {@code forbidden}. */
    private static boolean hasBadChar(String text, char limit, String forbidden) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < limit || forbidden.indexOf(c) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean isVmNameChar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '_'
                || c == '.';
    }

    /** Why this is not a valid Azure (Linux) VM name, or null when it is. */
    static String vmNameProblem(String name) {
        if (name.isEmpty() || name.length() > 64) {
            return "it has " + name.length() + " characters";
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isVmNameChar(name.charAt(i))) {
                return "character '" + name.charAt(i) + "' is not allowed";
            }
        }
        char first = name.charAt(0);
        if (!Character.isLetterOrDigit(first)) {
            return "it starts with '" + first + "'";
        }
        char last = name.charAt(name.length() - 1);
        if (last == '.' || last == '-') {
            return "it ends with '" + last + "'";
        }
        return null;
    }

    private List<NodeGroup> finishGroups(List<GroupDraft> groups, AzureDraft azure) {
        // Names: unique over all groups.
        Map<String, GroupDraft> byName = new HashMap<>();
        for (GroupDraft g : groups) {
            GroupDraft other = byName.putIfAbsent(g.name, g);
            if (other != null) {
                Mark at = g.nameMark != null ? g.nameMark : g.mark;
                d.error(
                        at,
                        g.path + ".name",
                        "found \"" + g.name + "\", which is already the name of " + other.path
                                + (other.nameGiven ? "" : " (its default name)") + "; expected a unique name");
            }
        }

        // Subscriptions: a group's own, else azure.subscriptionId.
        List<String> without = new ArrayList<>();
        for (GroupDraft g : groups) {
            if (!g.subscriptionGiven) {
                without.add(g.path);
                g.subscriptionId = azure.subscriptionId;
            }
        }
        if (azure.present && !azure.subscriptionGiven && !without.isEmpty()) {
            d.error(
                    azure.subscriptionMark,
                    "azure.subscriptionId",
                    (azure.subscriptionEmpty ? "found no value, expected" : "missing; expected")
                            + " a subscription GUID like " + GUID_EXAMPLE
                            + " (required unless every node group sets its own subscriptionId; "
                            + (without.size() == 1
                                    ? without.get(0) + " does not)"
                                    : String.join(", ", without) + " do not)"));
        }
        if (azure.present
                && azure.subscriptionGiven
                && azure.subscriptionId != null
                && without.isEmpty()
                && !groups.isEmpty()) {
            d.warn(
                    azure.subscriptionMark,
                    "azure.subscriptionId",
                    "not used: every node group sets its own subscriptionId");
        }

        checkOverlaps(groups);
        checkVmNames(groups);

        List<NodeGroup> result = new ArrayList<>();
        for (GroupDraft g : groups) {
            if (g.nodeNames != null && g.resourceGroup != null && g.template != null && g.subscriptionId != null) {
                result.add(new NodeGroup(g.name, g.nodes, g.nodeNames, g.resourceGroup, g.template, g.subscriptionId));
            }
        }
        return result;
    }

    /** A node in two groups is an error naming the node and both groups. */
    private void checkOverlaps(List<GroupDraft> groups) {
        Map<String, GroupDraft> owner = new HashMap<>();
        for (GroupDraft g : groups) {
            if (g.nodeNames == null) {
                continue;
            }
            Map<GroupDraft, List<String>> shared = new LinkedHashMap<>();
            for (String node : g.nodeNames) {
                GroupDraft other = owner.putIfAbsent(node, g);
                if (other != null) {
                    shared.computeIfAbsent(other, k -> new ArrayList<>()).add(node);
                }
            }
            for (Map.Entry<GroupDraft, List<String>> e : shared.entrySet()) {
                GroupDraft other = e.getKey();
                d.error(
                        g.nodesMark,
                        g.path + ".nodes",
                        describeNodes(e.getValue()) + " of group \"" + g.name
                                + "\" " + (e.getValue().size() == 1 ? "is" : "are") + " also in group \"" + other.name
                                + "\" (" + other.path + ", line " + other.nodesMark.line()
                                + "); expected each node in one group only");
            }
        }
    }

    /** Every VM name is valid, and no two nodes share a VM. */
    private void checkVmNames(List<GroupDraft> groups) {
        Map<String, String[]> vmOwner = new HashMap<>();
        for (GroupDraft g : groups) {
            if (g.nodeNames == null || g.template == null) {
                continue;
            }
            String key = g.path + ".vmName";
            Mark at = g.templateMark != null ? g.templateMark : g.nodesMark;
            String what = g.templateMark != null ? "template \"" + g.template + "\"" : "the default template {node}";
            String badNode = null;
            String badReason = null;
            int bad = 0;
            for (String node : g.nodeNames) {
                String vm = g.template.replace(NodeGroup.NODE_PLACEHOLDER, node);
                String problem = vmNameProblem(vm);
                if (problem != null) {
                    if (bad++ == 0) {
                        badNode = node;
                        badReason = problem;
                    }
                }
            }
            if (bad > 0) {
                String vm = g.template.replace(NodeGroup.NODE_PLACEHOLDER, badNode);
                d.error(
                        at,
                        key,
                        what + " gives " + Text.quote(vm) + " for node " + badNode
                                + (bad > 1 ? " (and " + (bad - 1) + " more nodes)" : "") + ", where " + badReason
                                + "; expected " + VM_NAME_RULES);
                continue;
            }
            if (g.resourceGroup == null || g.subscriptionId == null) {
                continue;
            }
            String clash = null;
            for (String node : g.nodeNames) {
                String vm = g.template.replace(NodeGroup.NODE_PLACEHOLDER, node);
                String id = (g.subscriptionId + "/" + g.resourceGroup + "/" + vm).toLowerCase(Locale.ROOT);
                String[] previous = vmOwner.putIfAbsent(id, new String[] {node, g.path});
                if (previous != null && clash == null) {
                    clash = "nodes " + previous[0] + (previous[1].equals(g.path) ? "" : " (" + previous[1] + ")")
                            + " and " + node + " both map to VM " + vm + " in resource group " + g.resourceGroup;
                }
            }
            if (clash != null) {
                d.error(
                        at,
                        key,
                        what + ": " + clash + "; expected one VM per node"
                                + (g.template.contains(NodeGroup.NODE_PLACEHOLDER)
                                        ? ""
                                        : " (use {node} in the template)"));
            }
        }
    }

    private static String describeNodes(Collection<String> nodes) {
        if (nodes.size() == 1) {
            return "node " + nodes.iterator().next();
        }
        return nodes.size() + " nodes " + Hostlist.compress(nodes);
    }

    // ---------------------------------------------------------------------------------------------- the rest

    private SlurmSettings slurm(Section root) {
        Section s = section(root, "slurm", ConfigKeys.SLURM, false, "a mapping with scontrol and setNodeAddr");
        Path scontrol = SlurmSettings.DEFAULT_SCONTROL;
        Scalar v = scalar(s, "scontrol", false, "an absolute path like /usr/bin/scontrol");
        Mark scontrolMark = keyMark(s, "scontrol");
        if (v != null) {
            scontrol = absolutePath(v, s.key("scontrol"), "/usr/bin/scontrol");
            scontrolMark = v.mark();
        }
        if (scontrol != null) {
            FileInfo info = files.inspect(scontrol);
            String key = s.key("scontrol");
            Mark at = s.entry("scontrol") != null ? scontrolMark : null;
            switch (info.kind()) {
                case MISSING ->
                    d.warn(
                            at,
                            key,
                            scontrol + " does not exist; the power programs cannot update" + " node states without it");
                case DIRECTORY ->
                    d.error(at, key, "found a directory at " + scontrol + ", expected the scontrol program");
                case FILE, OTHER -> {
                    if (!info.executable()) {
                        d.warn(at, key, scontrol + " is not executable by the user running this check");
                    }
                }
                default -> {
                    // INACCESSIBLE: nothing useful to add.
                }
            }
        }
        boolean setNodeAddr = bool(s, "setNodeAddr", SlurmSettings.DEFAULT_SET_NODE_ADDR);
        return scontrol == null ? null : new SlurmSettings(scontrol, setNodeAddr);
    }

    private boolean bool(Section s, String key, boolean defaultValue) {
        Scalar v = scalar(s, key, false, "true or false");
        if (v == null) {
            return defaultValue;
        }
        String text = v.text().strip();
        if (text.equalsIgnoreCase("true")) {
            return true;
        }
        if (text.equalsIgnoreCase("false")) {
            return false;
        }
        d.found(v, s.key(key), "true or false");
        return defaultValue;
    }

    private Limits limits(Section root) {
        Section s = section(
                root,
                "limits",
                ConfigKeys.LIMITS,
                false,
                "a mapping with concurrency, resumeDeadline, suspendDeadline and requestTimeout");
        int concurrency = Limits.DEFAULT_CONCURRENCY;
        String concurrencyExpected = "a whole number from 1 to " + Limits.MAX_CONCURRENCY;
        Scalar c = scalar(s, "concurrency", false, concurrencyExpected);
        if (c != null) {
            String text = c.text().strip();
            int n = DIGITS.matcher(text).matches() ? Integer.parseInt(text) : -1;
            if (n < 1 || n > Limits.MAX_CONCURRENCY) {
                d.found(c, s.key("concurrency"), concurrencyExpected);
            } else {
                concurrency = n;
            }
        }
        Scalar resumeValue = scalar(s, "resumeDeadline", false, Durations.EXPECTED);
        Duration resume = duration(s, "resumeDeadline", resumeValue, Limits.DEFAULT_RESUME_DEADLINE);
        Scalar suspendValue = scalar(s, "suspendDeadline", false, Durations.EXPECTED);
        Duration suspend = duration(s, "suspendDeadline", suspendValue, Limits.DEFAULT_SUSPEND_DEADLINE);
        Scalar requestValue = scalar(s, "requestTimeout", false, Durations.EXPECTED);
        Duration request = duration(s, "requestTimeout", requestValue, Limits.DEFAULT_REQUEST_TIMEOUT);

        if (resume != null && resume.compareTo(SHORT_RESUME_DEADLINE) < 0) {
            d.warn(
                    resumeValue != null ? resumeValue.mark() : null,
                    s.key("resumeDeadline"),
                    Durations.format(resume) + " is short: Azure VM starts often take 2-3 minutes;"
                            + " keep it well below Slurm's ResumeTimeout, e.g. 540s with ResumeTimeout=600");
        }
        Mark requestMark = requestValue != null ? requestValue.mark() : null;
        checkRequestTimeout(s, request, requestMark, "resumeDeadline", resume);
        checkRequestTimeout(s, request, requestMark, "suspendDeadline", suspend);
        if (resume == null || suspend == null || request == null) {
            return null;
        }
        return new Limits(concurrency, resume, suspend, request);
    }

    private void checkRequestTimeout(Section s, Duration request, Mark at, String deadlineKey, Duration deadline) {
        if (request != null && deadline != null && request.compareTo(deadline) >= 0) {
            d.warn(
                    at,
                    s.key("requestTimeout"),
                    Durations.format(request) + " is not shorter than " + deadlineKey + " ("
                            + Durations.format(deadline) + "); one slow request could use up the whole deadline");
        }
    }

    private Duration duration(Section s, String key, Scalar v, Duration defaultValue) {
        if (v == null) {
            return defaultValue;
        }
        Optional<Duration> parsed = Durations.parse(v.text());
        if (parsed.isEmpty()) {
            boolean tooLong = v.text().strip().matches("[0-9]+(ms|s|m|h)?");
            d.found(
                    v,
                    s.key(key),
                    tooLong && !v.text().strip().matches("0+(ms|s|m|h)?")
                            ? "a duration of at most " + Durations.format(Durations.MAX)
                            : Durations.EXPECTED);
            return null;
        }
        return parsed.get();
    }

    private LogSettings log(Section root) {
        Section s = section(root, "log", ConfigKeys.LOG, false, "a mapping with file and level");
        Path file = LogSettings.DEFAULT_FILE;
        Scalar f = scalar(s, "file", false, "an absolute path like /var/log/slurm/power_save.log");
        if (f != null) {
            file = absolutePath(f, s.key("file"), "/var/log/slurm/power_save.log");
        }
        if (file != null) {
            Mark at = f != null ? f.mark() : null;
            FileInfo info = files.inspect(file);
            if (info.kind() == FileInfo.Kind.DIRECTORY) {
                d.error(at, s.key("file"), "found a directory at " + file + ", expected a log file path");
            } else if (info.kind() == FileInfo.Kind.FILE && !info.writable()) {
                d.warn(
                        at,
                        s.key("file"),
                        file + " is not writable by the user running this check; the power "
                                + "programs log to syslog (tag slurm-azure-power) instead when SlurmUser cannot write it");
            } else if (info.kind() == FileInfo.Kind.MISSING && file.getParent() != null) {
                FileInfo dir = files.inspect(file.getParent());
                if (dir.kind() == FileInfo.Kind.MISSING) {
                    d.warn(
                            at,
                            s.key("file"),
                            "directory " + file.getParent() + " does not exist; create it,"
                                    + " writable by SlurmUser, or the power programs log to syslog instead");
                } else if (dir.kind() == FileInfo.Kind.DIRECTORY && !dir.writable()) {
                    d.warn(
                            at,
                            s.key("file"),
                            "directory " + file.getParent() + " is not writable by the user "
                                    + "running this check; the power programs log to syslog (tag slurm-azure-power) instead"
                                    + " when SlurmUser cannot create " + file.getFileName());
                }
            }
        }
        LogSettings.Level level = LogSettings.DEFAULT_LEVEL;
        Scalar l = scalar(s, "level", false, "INFO or DEBUG");
        if (l != null) {
            String text = l.text().strip().toUpperCase(Locale.ROOT);
            if (text.equals("INFO")) {
                level = LogSettings.Level.INFO;
            } else if (text.equals("DEBUG")) {
                level = LogSettings.Level.DEBUG;
            } else {
                d.found(l, s.key("level"), "INFO or DEBUG");
            }
        }
        return file == null ? null : new LogSettings(file, level);
    }

    private Path stateDir(Section root) {
        Path dir = Config.DEFAULT_STATE_DIR;
        Scalar v = scalar(root, "stateDir", false, "an absolute path like /var/lib/slurm-azure-power");
        if (v != null) {
            dir = absolutePath(v, "stateDir", "/var/lib/slurm-azure-power");
        }
        if (dir != null) {
            Mark at = v != null ? v.mark() : null;
            FileInfo info = files.inspect(dir);
            if (info.kind() == FileInfo.Kind.FILE || info.kind() == FileInfo.Kind.OTHER) {
                d.error(at, "stateDir", "found a file at " + dir + ", expected a directory");
            } else if (info.kind() == FileInfo.Kind.MISSING) {
                d.warn(
                        at,
                        "stateDir",
                        "directory " + dir + " does not exist; create it, owned by SlurmUser" + " (mode 0700)");
            }
        }
        return dir;
    }
}
