package org.slurmazure.power.emulator;

import java.util.Locale;

/** The messages Azure sends with the failure codes the emulator can inject. */
final class FailureMessages {
    private FailureMessages() {
    }

    static String startFailure(String code, EmulatedVm vm) {
        return switch (code) {
            case VmSpec.ALLOCATION_FAILED -> "Allocation failed. We do not have sufficient capacity for the requested "
                    + "VM size in this region. Read more about improving likelihood of allocation success at "
                    + "http://aka.ms/allocation-guidance";
            case VmSpec.OVERCONSTRAINED -> "Allocation failed. VM(s) with the following constraints cannot be "
                    + "allocated, because the condition is too restrictive. Please remove some constraints and try "
                    + "again. Constraints applied are:\n  - Networking Constraints (such as Accelerated Networking or "
                    + "IPv6)\n  - VM Size\n";
            case VmSpec.QUOTA_EXCEEDED -> {
                int cores = cores(vm.vmSize());
                yield "Operation could not be completed as it results in exceeding approved " + family(vm.vmSize())
                        + " Cores quota. Additional details - Deployment Model: Resource Manager, Location: "
                        + vm.location() + ", Current Limit: 0, Current Usage: 0, Additional Required: " + cores
                        + ", (Minimum) New Limit Required: " + cores + ". Submit a request for Quota increase at "
                        + "https://aka.ms/ProdportalCRP/#blade/Microsoft_Azure_Capacity/UsageAndQuota.ReactView/"
                        + "Parameters/%7B%22subscriptionId%22:%22" + vm.subscriptionId() + "%22%7D by specifying "
                        + "parameters listed in the 'Details' section for deployment to succeed. Please read more "
                        + "about quota limits at https://docs.microsoft.com/en-us/azure/azure-supportability/"
                        + "per-vm-quota-requests";
            }
            case "InternalExecutionError" -> "An internal execution error occurred. Please retry later.";
            default -> "The operation failed with " + code + " (injected by the ARM emulator).";
        };
    }

    static String deallocateFailure(String code) {
        return switch (code) {
            case "InternalExecutionError" -> "An internal execution error occurred. Please retry later.";
            case "OperationNotAllowed" -> "Operation 'deallocate' is not allowed on the VM at this time.";
            default -> "The operation failed with " + code + " (injected by the ARM emulator).";
        };
    }

    /** The HTTP status ARM uses for a failed operation on its Location (monitor) URL. */
    static int httpStatus(String code) {
        if (code == null) {
            return 500;
        }
        return switch (code) {
            case VmSpec.ALLOCATION_FAILED, VmSpec.OVERCONSTRAINED, VmSpec.QUOTA_EXCEEDED, "OperationPreempted",
                    "Conflict" -> 409;
            default -> 500;
        };
    }

    /** {@code Standard_NC24ads_A100_v4} -> {@code standardNCADSA100v4Family} (the quota family, approximately). */
    static String family(String vmSize) {
        String s = vmSize.startsWith("Standard_") ? vmSize.substring("Standard_".length()) : vmSize;
        String[] parts = s.split("_");
        StringBuilder sb = new StringBuilder("standard");
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (i == 0) {
                sb.append(p.replaceAll("\\d", "").toUpperCase(Locale.ROOT));
            } else if (p.matches("v\\d+")) {
                sb.append(p);
            } else {
                sb.append(p.toUpperCase(Locale.ROOT));
            }
        }
        return sb.append("Family").toString();
    }

    /** The vCPUs in a size name ({@code Standard_NC24ads_A100_v4} -> 24), 1 if none. */
    static int cores(String vmSize) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("_[A-Za-z]+(\\d+)").matcher(vmSize);
        return m.find() ? Integer.parseInt(m.group(1)) : 1;
    }
}
