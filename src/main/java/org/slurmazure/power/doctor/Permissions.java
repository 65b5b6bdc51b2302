package org.slurmazure.power.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.slurmazure.power.cloud.AccessProbe;

/**
 * Azure RBAC's arithmetic on what the permissions call lists: an action is allowed when some entry (role assignment)
 * has an action matching it and no notAction of that same entry matches it. Matching ignores case, and {@code *}
 * stands for any text, slashes included ({@code *}, {@code Microsoft.Compute/*},
 * {@code Microsoft.Compute/virtualMachines/*}{@code /action}). Pure.
 */
public final class Permissions {
    /** What the power programs need on each node group's resource group. */
    public static final List<String> REQUIRED = List.of(
            "Microsoft.Compute/virtualMachines/read",
            "Microsoft.Network/networkInterfaces/read",
            "Microsoft.Compute/virtualMachines/start/action",
            "Microsoft.Compute/virtualMachines/deallocate/action");

    /** Following a start or deallocation to its end (the operation URL the programs poll). */
    public static final String OPERATIONS_READ = "Microsoft.Compute/locations/operations/read";

    /** What the least-privilege role leaves out and a broad role (Contributor, Owner) allows. */
    public static final List<String> BEYOND_NEED =
            List.of("Microsoft.Compute/virtualMachines/delete", "Microsoft.Compute/virtualMachines/write");

    private Permissions() {}

    /** True when the permissions allow {@code action}. */
    public static boolean allows(List<AccessProbe.Permission> permissions, String action) {
        for (AccessProbe.Permission p : permissions) {
            if (p.actions().stream().anyMatch(a -> matches(a, action))
                    && p.notActions().stream().noneMatch(a -> matches(a, action))) {
                return true;
            }
        }
        return false;
    }

    /** The actions of {@code wanted} that the permissions do not allow, in order. */
    public static List<String> missing(List<AccessProbe.Permission> permissions, List<String> wanted) {
        List<String> out = new ArrayList<>();
        for (String w : wanted) {
            if (!allows(permissions, w)) {
                out.add(w);
            }
        }
        return out;
    }

    /** Whether an action pattern (wildcards allowed) matches an action, ignoring case. */
    static boolean matches(String pattern, String action) {
        List<String> quoted = new ArrayList<>();
        for (String part : pattern.strip().toLowerCase(Locale.ROOT).split("\\*", -1)) {
            quoted.add(Pattern.quote(part));
        }
        return Pattern.compile(String.join(".*", quoted))
                .matcher(action.toLowerCase(Locale.ROOT))
                .matches();
    }
}
