package org.slurmazure.power.cloud.azure;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The few Azure Resource Manager paths the power programs use, parsed: VMs (one, a resource group's list, a
 * subscription's list, an action, the instance view), NICs (one, a group's list) and operation status; and the ones
 * {@code doctor} reads: the caller's permissions on a resource group, a region's compute usages (quotas) and the
 * subscription's resource SKUs (VM sizes). Path keywords match without regard to case, as in ARM. Shared by everything that must answer these paths: the install-time
 * training endpoint ({@code startup}) and the ARM emulator of the tests.
 *
 * @param subscription  the subscription id ("" when the path has none)
 * @param resourceGroup the resource group, or null
 * @param name          the VM, NIC or operation name, or null
 * @param segment       the action ({@code start}, {@code deallocate}, ...) or, for an operation or usages, the
 *                      location
 */
public record ArmRoute(Kind kind, String subscription, String resourceGroup, String name, String segment) {

    /** The resource operations known here. */
    public enum Kind {
        VM_LIST,
        VM_LIST_ALL,
        VM_GET,
        VM_INSTANCE_VIEW,
        VM_ACTION,
        OPERATION,
        NIC_LIST,
        NIC_GET,
        /** {@code .../resourceGroups/{rg}/providers/Microsoft.Authorization/permissions}: the caller's permissions. */
        PERMISSIONS,
        /** {@code /subscriptions/{s}/providers/Microsoft.Compute/locations/{loc}/usages}: compute quotas. */
        USAGES,
        /** {@code /subscriptions/{s}/providers/Microsoft.Compute/skus}: resource SKUs (VM sizes and families). */
        SKUS,
        UNKNOWN
    }

    /** True for a path under {@code /subscriptions/}. */
    public static boolean isArmPath(String path) {
        return path.regionMatches(true, 0, "/subscriptions/", 0, "/subscriptions/".length());
    }

    /** Parses a raw (percent-encoded) path without its query. */
    public static ArmRoute parse(String path) {
        String[] raw = path.substring(1).split("/", -1);
        String[] s = new String[raw.length];
        for (int i = 0; i < raw.length; i++) {
            s[i] = URLDecoder.decode(raw[i].replace("+", "%2B"), StandardCharsets.UTF_8);
        }
        int n = s.length;
        if (n > 0 && s[n - 1].isEmpty()) {
            n--;
        }
        String sub = n > 1 ? s[1] : "";
        if (n >= 7 && is(s[2], "resourceGroups") && is(s[4], "providers")) {
            String rg = s[3];
            if (is(s[5], "Microsoft.Compute") && is(s[6], "virtualMachines")) {
                if (n == 7) {
                    return new ArmRoute(Kind.VM_LIST, sub, rg, null, null);
                }
                if (n == 8) {
                    return new ArmRoute(Kind.VM_GET, sub, rg, s[7], null);
                }
                if (n == 9) {
                    return new ArmRoute(
                            is(s[8], "instanceView") ? Kind.VM_INSTANCE_VIEW : Kind.VM_ACTION, sub, rg, s[7], s[8]);
                }
            } else if (n == 7 && is(s[5], "Microsoft.Authorization") && is(s[6], "permissions")) {
                return new ArmRoute(Kind.PERMISSIONS, sub, rg, null, null);
            } else if (is(s[5], "Microsoft.Network") && is(s[6], "networkInterfaces")) {
                if (n == 7) {
                    return new ArmRoute(Kind.NIC_LIST, sub, rg, null, null);
                }
                if (n == 8) {
                    return new ArmRoute(Kind.NIC_GET, sub, rg, s[7], null);
                }
            }
        } else if (n >= 5 && is(s[2], "providers") && is(s[3], "Microsoft.Compute")) {
            if (n == 5 && is(s[4], "virtualMachines")) {
                return new ArmRoute(Kind.VM_LIST_ALL, sub, null, null, null);
            }
            if (n == 5 && is(s[4], "skus")) {
                return new ArmRoute(Kind.SKUS, sub, null, null, null);
            }
            if (n == 7 && is(s[4], "locations") && is(s[6], "usages")) {
                return new ArmRoute(Kind.USAGES, sub, null, null, s[5]);
            }
            if (n == 8 && is(s[4], "locations") && (is(s[6], "operations") || is(s[6], "operationResults"))) {
                return new ArmRoute(Kind.OPERATION, sub, null, s[7], s[5]);
            }
        }
        return new ArmRoute(Kind.UNKNOWN, sub, n > 3 && is(s[2], "resourceGroups") ? s[3] : null, null, null);
    }

    private static boolean is(String segment, String keyword) {
        return segment.equalsIgnoreCase(keyword);
    }
}
