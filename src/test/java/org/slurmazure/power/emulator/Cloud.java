package org.slurmazure.power.emulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** The in-memory Azure: VMs (with their NICs), operations, the operation timer and the events log. */
final class Cloud implements AutoCloseable {
    private static final Duration KEEP_FINISHED_OPERATIONS = Duration.ofHours(1);

    final Settings settings;
    private final EventLog events;
    private final List<EmulatedVm> vms;
    private final Map<String, EmulatedVm> byName = new HashMap<>();
    private final Set<String> subscriptions = new HashSet<>();
    private final Set<String> resourceGroups = new HashSet<>();
    private final Map<String, Operation> operations = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor timer;

    Cloud(Settings settings, List<VmSpec> specs, EventLog events) {
        this.settings = settings;
        this.events = events;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "arm-emulator-operations");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        List<EmulatedVm> list = new ArrayList<>(specs.size());
        subscriptions.add(lower(settings.subscriptionId));
        resourceGroups.add(lower(settings.subscriptionId) + "/" + lower(settings.defaultResourceGroup));
        for (VmSpec s : specs) {
            EmulatedVm vm = new EmulatedVm(this, s);
            if (byName.put(lower(s.name()), vm) != null) {
                throw new IllegalArgumentException("VM " + s.name() + " is defined twice");
            }
            subscriptions.add(lower(s.subscriptionId()));
            resourceGroups.add(lower(s.subscriptionId()) + "/" + lower(s.resourceGroup()));
            list.add(vm);
        }
        this.vms = Collections.unmodifiableList(list);
        long now = System.currentTimeMillis();
        for (EmulatedVm vm : vms) {
            events.powerState(now, vm.name(), vm.initialState());
        }
        timer.scheduleWithFixedDelay(this::purge, 1, 1, TimeUnit.MINUTES);
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    List<EmulatedVm> vms() {
        return vms;
    }

    /** By name, case-insensitive, missing or not; null if unknown. */
    EmulatedVm byName(String name) {
        return byName.get(lower(name));
    }

    /** The VM at this ARM address (case-insensitive, as ARM matches names), missing or not; null if none. */
    EmulatedVm find(String subscription, String resourceGroup, String name) {
        EmulatedVm vm = byName.get(lower(name));
        if (vm == null || !vm.subscriptionId().equalsIgnoreCase(subscription)
                || !vm.resourceGroup().equalsIgnoreCase(resourceGroup)) {
            return null;
        }
        return vm;
    }

    /** The VM owning this NIC name ({@code <vm>-nic}); null if none. */
    EmulatedVm findByNic(String subscription, String resourceGroup, String nicName) {
        String n = lower(nicName);
        return n.endsWith("-nic") ? find(subscription, resourceGroup, nicName.substring(0, n.length() - 4)) : null;
    }

    boolean subscriptionExists(String subscription) {
        return subscriptions.contains(lower(subscription));
    }

    boolean resourceGroupExists(String subscription, String resourceGroup) {
        return resourceGroups.contains(lower(subscription) + "/" + lower(resourceGroup));
    }

    /** Visible (not missing) VMs of a subscription, optionally of one resource group, in definition order. */
    List<EmulatedVm> visible(String subscription, String resourceGroup) {
        List<EmulatedVm> out = new ArrayList<>();
        for (EmulatedVm vm : vms) {
            if (vm.subscriptionId().equalsIgnoreCase(subscription)
                    && (resourceGroup == null || vm.resourceGroup().equalsIgnoreCase(resourceGroup))
                    && !vm.isMissing()) {
                out.add(vm);
            }
        }
        return out;
    }

    Operation operation(String id) {
        return operations.get(lower(id));
    }

    void register(Operation op) {
        operations.put(lower(op.id), op);
    }

    String newOperationId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return new java.util.UUID(r.nextLong() & ~0xF000L | 0x4000L, r.nextLong() & 0x3FFFFFFFFFFFFFFFL
                | 0x8000000000000000L).toString();
    }

    Duration defaultLroDuration() {
        return settings.lroDuration;
    }

    Duration stateLag() {
        return settings.stateLag;
    }

    PowerState failedStartState() {
        return settings.failedStartState;
    }

    long nanoTime() {
        return System.nanoTime();
    }

    /** Lets the VM complete its pending operation when its time is up, even if nobody polls. */
    void scheduleCheck(EmulatedVm vm, long delayNanos) {
        if (!timer.isShutdown()) {
            timer.schedule(vm::advance, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    void powerStateChanged(EmulatedVm vm, PowerState state) {
        events.powerState(System.currentTimeMillis(), vm.name(), state);
    }

    private void purge() {
        Instant limit = Instant.now().minus(KEEP_FINISHED_OPERATIONS);
        operations.values().removeIf(op -> {
            Operation.View v = op.view();
            return v.endTime() != null && v.endTime().isBefore(limit);
        });
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
