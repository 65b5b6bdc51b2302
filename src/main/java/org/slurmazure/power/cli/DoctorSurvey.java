package org.slurmazure.power.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slurmazure.power.cloud.AccessProbe;
import org.slurmazure.power.cloud.CloudException;
import org.slurmazure.power.cloud.CloudVms;
import org.slurmazure.power.cloud.VmState;
import org.slurmazure.power.config.Config;
import org.slurmazure.power.config.NodeGroup;
import org.slurmazure.power.doctor.AzureFacts;
import org.slurmazure.power.doctor.NetworkFacts;
import org.slurmazure.power.doctor.ProgramFile;
import org.slurmazure.power.doctor.SlurmView;
import org.slurmazure.power.domain.FailureClass;
import org.slurmazure.power.domain.PowerState;
import org.slurmazure.power.domain.VmRef;
import org.slurmazure.power.slurm.SlurmNode;

/**
 * What {@code doctor} looks at, gathered: the files slurm.conf names as programs, Azure through the project's own
 * boundary ({@link CloudVms}, {@link AccessProbe}), and the network (TCP connections, name lookups). Read only, and
 * the only I/O of doctor; the rules that judge it are in the {@code doctor} package.
 */
final class DoctorSurvey {
    /** Where the packages install the programs. */
    static final Path PACKAGED = Path.of("/usr/libexec/slurm-azure-power");
    /** SlurmdPort when slurmctld does not say. */
    static final int DEFAULT_SLURMD_PORT = 6818;
    /** Threads for connections and name lookups. */
    private static final int PARALLEL = 32;
    /** NICs read one by one (those not in their resource group's list) at most. */
    private static final int MAX_NIC_READS = 50;

    private final Config config;
    private final boolean all;
    private final int sample;
    private final Duration connectTimeout;

    /**
     * @param all            try every running VM and every node name, not a sample
     * @param sample         how many VMs (and names) to try without {@code all}
     * @param connectTimeout how long a TCP connection (and a name lookup) may take
     */
    DoctorSurvey(Config config, boolean all, int sample, Duration connectTimeout) {
        this.config = config;
        this.all = all;
        this.sample = sample;
        this.connectTimeout = connectTimeout;
    }

    // ------------------------------------------------------------------------------------------------ programs

    /** The three programs slurm.conf names, looked at as {@code slurmUser} would run them. */
    List<ProgramFile> programs(SlurmView slurm, String slurmUser, String runningUser) {
        List<ProgramFile> out = new ArrayList<>();
        for (String key : ProgramFile.KEYS) {
            out.add(program(key, slurm.get(key), ours(ProgramFile.programName(key)), slurmUser, runningUser));
        }
        return out;
    }

    /** This tool's program of that name: the packaged one, and a checkout's wrapper; those that exist, resolved. */
    static List<String> ours(String name) {
        List<Path> candidates = new ArrayList<>();
        candidates.add(PACKAGED.resolve(name));
        Path code = codeLocation();
        for (Path dir = code; dir != null && candidates.size() < 2; dir = dir.getParent()) {
            Path wrapper = dir.resolve("bin").resolve("slurm-azure-" + name);
            if (Files.isRegularFile(wrapper)) {
                candidates.add(wrapper);
            }
            if (code != null && code.getNameCount() - dir.getNameCount() >= 3) {
                break;
            }
        }
        List<String> out = new ArrayList<>();
        for (Path p : candidates) {
            try {
                String real = p.toRealPath().toString();
                if (!out.contains(real)) {
                    out.add(real);
                }
            } catch (IOException e) {
                // not installed this way
            }
        }
        return out;
    }

    /** The jar (or classes directory) this program runs from. */
    private static Path codeLocation() {
        try {
            return Path.of(DoctorSurvey.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toAbsolutePath();
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    static ProgramFile program(String key, String configured, List<String> ours, String slurmUser, String runningUser) {
        if (configured == null || configured.isBlank()) {
            return new ProgramFile(key, "", null, null, ours, false, ProgramFile.Access.NO, false, List.of());
        }
        Path path = Path.of(configured.strip());
        if (!path.isAbsolute()) {
            return new ProgramFile(
                    key,
                    configured,
                    null,
                    "not an absolute path",
                    ours,
                    false,
                    ProgramFile.Access.NO,
                    false,
                    List.of());
        }
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            return new ProgramFile(
                    key,
                    configured,
                    null,
                    Files.isSymbolicLink(path) ? "a symbolic link to nothing" : "no such file",
                    ours,
                    false,
                    ProgramFile.Access.NO,
                    false,
                    List.of());
        }
        PosixFileAttributes attrs;
        try {
            attrs = Files.readAttributes(real, PosixFileAttributes.class);
        } catch (IOException | UnsupportedOperationException e) {
            return new ProgramFile(
                    key,
                    configured,
                    real.toString(),
                    "cannot be inspected: " + e.getMessage(),
                    ours,
                    false,
                    ProgramFile.Access.NO,
                    false,
                    List.of());
        }
        Set<PosixFilePermission> perms = attrs.permissions();
        boolean writable =
                perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE);
        ProgramFile.Access executable;
        if (slurmUser.equals(runningUser)) {
            executable = Files.isExecutable(real) ? ProgramFile.Access.YES : ProgramFile.Access.NO;
        } else {
            executable = access(attrs, slurmUser);
            for (Path dir = real.getParent(); dir != null; dir = dir.getParent()) {
                try {
                    executable =
                            worse(executable, access(Files.readAttributes(dir, PosixFileAttributes.class), slurmUser));
                } catch (IOException | UnsupportedOperationException e) {
                    executable = worse(executable, ProgramFile.Access.UNKNOWN);
                }
            }
        }
        return new ProgramFile(
                key,
                configured,
                real.toString(),
                null,
                ours,
                attrs.isRegularFile(),
                executable,
                writable,
                openDirectories(real));
    }

    /** Whether {@code user} may execute (search) it by its mode bits; group membership is not looked up. */
    private static ProgramFile.Access access(PosixFileAttributes attrs, String user) {
        Set<PosixFilePermission> p = attrs.permissions();
        boolean owner = p.contains(PosixFilePermission.OWNER_EXECUTE);
        boolean group = p.contains(PosixFilePermission.GROUP_EXECUTE);
        boolean others = p.contains(PosixFilePermission.OTHERS_EXECUTE);
        if (user.equals("root")) {
            return owner || group || others || attrs.isDirectory() ? ProgramFile.Access.YES : ProgramFile.Access.NO;
        }
        if (attrs.owner().getName().equals(user)) {
            return owner ? ProgramFile.Access.YES : ProgramFile.Access.NO;
        }
        if (others) {
            return ProgramFile.Access.YES;
        }
        return group ? ProgramFile.Access.UNKNOWN : ProgramFile.Access.NO;
    }

    private static ProgramFile.Access worse(ProgramFile.Access a, ProgramFile.Access b) {
        if (a == ProgramFile.Access.NO || b == ProgramFile.Access.NO) {
            return ProgramFile.Access.NO;
        }
        return a == ProgramFile.Access.UNKNOWN || b == ProgramFile.Access.UNKNOWN
                ? ProgramFile.Access.UNKNOWN
                : ProgramFile.Access.YES;
    }

    /** The file's directories, up to /, that group or others may write and that lack the sticky bit. */
    private static List<String> openDirectories(Path real) {
        List<String> open = new ArrayList<>();
        for (Path dir = real.getParent(); dir != null; dir = dir.getParent()) {
            try {
                int mode = (Integer) Files.getAttribute(dir, "unix:mode");
                if ((mode & 0022) != 0 && (mode & 01000) == 0) {
                    open.add(dir.toString());
                }
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
                // not a Unix file system: nothing to say
            }
        }
        return open;
    }

    // ------------------------------------------------------------------------------------------------ Azure

    /** Every node's VM, the role on each resource group and the quotas of the VMs' regions. */
    AzureFacts azure(AzureFacts.Token token, CloudVms cloud, AccessProbe probe, SlurmView slurm)
            throws InterruptedException {
        Map<String, List<Target>> byGroup = new LinkedHashMap<>();
        for (NodeGroup g : config.nodeGroups()) {
            for (String node : g.nodeNames()) {
                VmRef ref = new VmRef(g.subscriptionId(), g.resourceGroup(), g.vmName(node));
                byGroup.computeIfAbsent(g.subscriptionId() + "/" + lower(g.resourceGroup()), k -> new ArrayList<>())
                        .add(new Target(node, ref));
            }
        }
        List<AzureFacts.GroupAccess> access = new ArrayList<>();
        Map<String, AzureFacts.NodeVm> vms = new HashMap<>();
        for (List<Target> targets : byGroup.values()) {
            VmRef any = targets.get(0).ref();
            access.add(permissions(probe, any));
            vms.putAll(readGroup(cloud, probe, targets));
        }
        List<AzureFacts.NodeVm> ordered = new ArrayList<>();
        for (List<Target> targets : byGroup.values()) {
            for (Target t : targets) {
                ordered.add(vms.get(t.node()));
            }
        }
        List<AzureFacts.NodeVm> withPower = readPowerOfUpNodes(cloud, ordered, slurm);
        return new AzureFacts(token, access, withPower, regions(probe, withPower));
    }

    private record Target(String node, VmRef ref) {}

    private static AzureFacts.GroupAccess permissions(AccessProbe probe, VmRef any) {
        try {
            return new AzureFacts.GroupAccess(
                    any.subscriptionId(),
                    any.resourceGroup(),
                    probe.permissions(any.subscriptionId(), any.resourceGroup()),
                    "");
        } catch (CloudException e) {
            return new AzureFacts.GroupAccess(any.subscriptionId(), any.resourceGroup(), null, e.describe());
        }
    }

    /** The VMs of one resource group from its lists (VMs, NICs, regions), a NIC GET where the list has none. */
    private Map<String, AzureFacts.NodeVm> readGroup(CloudVms cloud, AccessProbe probe, List<Target> targets) {
        List<VmRef> refs = targets.stream().map(Target::ref).toList();
        Map<String, AzureFacts.NodeVm> out = new HashMap<>();
        Map<String, VmState> listed = new HashMap<>();
        try {
            for (VmState vm : cloud.listInGroupsOf(refs)) {
                listed.put(lower(vm.ref().resourceId()), vm);
            }
        } catch (CloudException e) {
            for (Target t : targets) {
                out.put(
                        t.node(),
                        new AzureFacts.NodeVm(
                                t.node(),
                                t.ref(),
                                AzureFacts.Found.UNREADABLE,
                                e.describe(),
                                false,
                                AzureFacts.Nic.UNKNOWN,
                                null,
                                null,
                                null,
                                PowerState.UNKNOWN));
            }
            return out;
        }
        Map<String, String> ips = new HashMap<>();
        String nicError = null;
        try {
            ips.putAll(cloud.privateIps(refs));
        } catch (CloudException e) {
            nicError = e.describe();
        }
        Map<String, String> locations = new HashMap<>();
        try {
            VmRef any = refs.get(0);
            locations.putAll(probe.vmLocations(any.subscriptionId(), any.resourceGroup()));
        } catch (CloudException e) {
            // no region: no quota line for these VMs
        }
        int nicReads = 0;
        for (Target t : targets) {
            VmState vm = listed.get(lower(t.ref().resourceId()));
            if (vm == null) {
                out.put(
                        t.node(),
                        new AzureFacts.NodeVm(
                                t.node(),
                                t.ref(),
                                AzureFacts.Found.MISSING,
                                "",
                                false,
                                AzureFacts.Nic.UNKNOWN,
                                null,
                                null,
                                null,
                                PowerState.UNKNOWN));
                continue;
            }
            AzureFacts.Nic nic;
            String ip = null;
            String detail = "";
            if (vm.networkInterfaceIds().isEmpty()) {
                nic = AzureFacts.Nic.NO_NIC;
            } else if (nicError != null) {
                nic = AzureFacts.Nic.UNKNOWN;
                detail = nicError;
            } else {
                String nicId = vm.networkInterfaceIds().get(0);
                ip = ips.get(lower(nicId));
                if (ip != null) {
                    nic = AzureFacts.Nic.ADDRESS;
                } else if (nicReads++ < MAX_NIC_READS) {
                    // not in its resource group's list: a NIC without an address, or one in another group
                    try {
                        ip = cloud.privateIp(nicId);
                        nic = ip == null ? AzureFacts.Nic.NO_ADDRESS : AzureFacts.Nic.ADDRESS;
                    } catch (CloudException e) {
                        nic = e.failure() == FailureClass.NOT_FOUND ? AzureFacts.Nic.NO_NIC : AzureFacts.Nic.UNKNOWN;
                        detail = e.describe();
                    }
                } else {
                    nic = AzureFacts.Nic.UNKNOWN;
                    detail = "not read (more than " + MAX_NIC_READS + " NICs outside their VMs' lists)";
                }
            }
            out.put(
                    t.node(),
                    new AzureFacts.NodeVm(
                            t.node(),
                            t.ref(),
                            AzureFacts.Found.FOUND,
                            detail,
                            vm.hasTag(
                                    config.clusterTag().name(),
                                    config.clusterTag().value()),
                            nic,
                            ip,
                            vm.vmSize(),
                            locations.get(lower(vm.ref().name())),
                            vm.powerState()));
        }
        return out;
    }

    /**
     * A role scoped to resource groups cannot list the power states: read them one by one, for every VM with
     * {@code all}, else for a few of those whose nodes Slurm counts as up (the ones the network check tries).
     */
    private List<AzureFacts.NodeVm> readPowerOfUpNodes(CloudVms cloud, List<AzureFacts.NodeVm> vms, SlurmView slurm)
            throws InterruptedException {
        Map<String, SlurmView.Node> nodes = new HashMap<>();
        if (slurm != null) {
            slurm.nodes().forEach(n -> nodes.put(n.name(), n));
        }
        List<Integer> toRead = new ArrayList<>();
        for (int i = 0; i < vms.size(); i++) {
            AzureFacts.NodeVm v = vms.get(i);
            SlurmView.Node n = nodes.get(v.node());
            if (v.found() == AzureFacts.Found.FOUND
                    && v.power() == PowerState.UNKNOWN
                    && (all || (n != null && up(n) && toRead.size() < sample * 2))) {
                toRead.add(i);
            }
        }
        List<AzureFacts.NodeVm> out = new ArrayList<>(vms);
        if (toRead.isEmpty()) {
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(8, toRead.size()), daemon("doctor-reader"));
        try {
            List<Future<VmState>> reads = new ArrayList<>();
            for (int i : toRead) {
                reads.add(pool.submit(() -> cloud.get(vms.get(i).vm())));
            }
            for (int k = 0; k < toRead.size(); k++) {
                AzureFacts.NodeVm v = vms.get(toRead.get(k));
                try {
                    PowerState power = reads.get(k).get().powerState();
                    out.set(
                            toRead.get(k),
                            new AzureFacts.NodeVm(
                                    v.node(),
                                    v.vm(),
                                    v.found(),
                                    v.detail(),
                                    v.tagged(),
                                    v.nic(),
                                    v.ip(),
                                    v.size(),
                                    v.location(),
                                    power));
                } catch (ExecutionException e) {
                    // stays unknown: not tried
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    private static boolean up(SlurmView.Node n) {
        return new SlurmNode(n.name(), n.state(), "", "", null).up();
    }

    /** The quotas and sizes of each subscription's regions holding VMs of the groups. */
    private static List<AzureFacts.Region> regions(AccessProbe probe, List<AzureFacts.NodeVm> vms) {
        Map<String, String[]> keys = new LinkedHashMap<>();
        for (AzureFacts.NodeVm v : vms) {
            if (v.found() == AzureFacts.Found.FOUND && v.location() != null) {
                keys.putIfAbsent(
                        v.vm().subscriptionId() + "/" + lower(v.location()),
                        new String[] {v.vm().subscriptionId(), v.location()});
            }
        }
        List<AzureFacts.Region> out = new ArrayList<>();
        for (String[] k : keys.values()) {
            List<AccessProbe.Usage> usages = null;
            String usagesError = "";
            Map<String, AccessProbe.VmSize> sizes = null;
            String sizesError = "";
            try {
                usages = probe.usages(k[0], k[1]);
            } catch (CloudException e) {
                usagesError = brief(e);
            }
            try {
                sizes = probe.vmSizes(k[0], k[1]);
            } catch (CloudException e) {
                sizesError = brief(e);
            }
            out.add(new AzureFacts.Region(k[0], k[1], usages, usagesError, sizes, sizesError));
        }
        return out;
    }

    /** {@code forbidden: AuthorizationFailed (HTTP 403)}: the class and Azure's code, without its long message. */
    static String brief(CloudException e) {
        return e.errorCode() == null
                ? e.describe()
                : e.failure().label() + ": " + e.errorCode()
                        + (e.httpStatus() == 0 ? "" : " (HTTP " + e.httpStatus() + ")");
    }

    // ------------------------------------------------------------------------------------------------ network

    /** slurmd's port on a sample of the running VMs (or all), and the node names when NodeAddr is not set. */
    NetworkFacts network(AzureFacts azure, int port) throws InterruptedException {
        List<AzureFacts.NodeVm> running = new ArrayList<>();
        List<AzureFacts.NodeVm> addressed = new ArrayList<>();
        int unknownPower = 0;
        for (AzureFacts.NodeVm v : azure.vms()) {
            if (v.found() == AzureFacts.Found.FOUND && v.power() == PowerState.UNKNOWN) {
                unknownPower++;
            }
            if (v.found() == AzureFacts.Found.FOUND && v.ip() != null) {
                addressed.add(v);
                if (v.power() == PowerState.RUNNING) {
                    running.add(v);
                }
            }
        }
        List<AzureFacts.NodeVm> tried = all ? running : running.subList(0, Math.min(sample, running.size()));
        List<NetworkFacts.Reach> reaches = connectAll(tried, port);
        List<NetworkFacts.Name> names = List.of();
        if (!config.slurm().setNodeAddr()) {
            names = lookUpAll(all ? addressed : addressed.subList(0, Math.min(sample, addressed.size())));
        }
        return new NetworkFacts(port, connectTimeout, running.size(), unknownPower, reaches, names);
    }

    private List<NetworkFacts.Reach> connectAll(List<AzureFacts.NodeVm> vms, int port) throws InterruptedException {
        if (vms.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL, vms.size()), daemon("doctor-connect"));
        try {
            List<Future<NetworkFacts.Reach>> futures = new ArrayList<>();
            for (AzureFacts.NodeVm v : vms) {
                futures.add(pool.submit(() -> connect(v.node(), v.ip(), port)));
            }
            List<NetworkFacts.Reach> out = new ArrayList<>();
            for (int i = 0; i < vms.size(); i++) {
                try {
                    out.add(futures.get(i).get());
                } catch (ExecutionException e) {
                    out.add(new NetworkFacts.Reach(
                            vms.get(i).node(), vms.get(i).ip(), Duration.ZERO, String.valueOf(e.getCause())));
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private NetworkFacts.Reach connect(String node, String ip, int port) {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName(ip), port), (int) connectTimeout.toMillis());
            return new NetworkFacts.Reach(node, ip, Duration.ofNanos(System.nanoTime() - start), "");
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new NetworkFacts.Reach(node, ip, Duration.ofNanos(System.nanoTime() - start), why);
        }
    }

    private List<NetworkFacts.Name> lookUpAll(List<AzureFacts.NodeVm> vms) throws InterruptedException {
        if (vms.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL, vms.size()), daemon("doctor-lookup"));
        try {
            List<Future<List<String>>> futures = new ArrayList<>();
            for (AzureFacts.NodeVm v : vms) {
                futures.add(pool.submit(() -> {
                    List<String> addresses = new ArrayList<>();
                    for (InetAddress a : InetAddress.getAllByName(v.node())) {
                        addresses.add(a.getHostAddress());
                    }
                    return addresses;
                }));
            }
            long end = System.nanoTime()
                    + connectTimeout.toNanos()
                    + Duration.ofSeconds(2).toNanos();
            List<NetworkFacts.Name> out = new ArrayList<>();
            for (int i = 0; i < vms.size(); i++) {
                AzureFacts.NodeVm v = vms.get(i);
                try {
                    long left = Math.max(0, end - System.nanoTime());
                    out.add(new NetworkFacts.Name(
                            v.node(), v.ip(), futures.get(i).get(left, TimeUnit.NANOSECONDS), ""));
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    String why = c instanceof java.net.UnknownHostException ? "unknown host" : String.valueOf(c);
                    out.add(new NetworkFacts.Name(v.node(), v.ip(), List.of(), why));
                } catch (TimeoutException e) {
                    out.add(new NetworkFacts.Name(v.node(), v.ip(), List.of(), "no answer from the resolver"));
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** slurmd's port: SlurmdPort of slurmctld's configuration, else Slurm's default. */
    static int slurmdPort(SlurmView slurm) {
        if (slurm == null) {
            return DEFAULT_SLURMD_PORT;
        }
        String v = slurm.get("SlurmdPort");
        try {
            return v == null ? DEFAULT_SLURMD_PORT : Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            return DEFAULT_SLURMD_PORT;
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
