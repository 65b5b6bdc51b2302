package org.slurmazure.power.emulator;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which token buckets the emulator enforces, and their sizes. Buckets refill continuously; each request takes one
 * token from every bucket that applies to it, and an empty bucket answers 429 with {@code Retry-After}.
 * {@link #none()} (the default) enforces nothing; {@link #azure()} uses the public-cloud numbers.
 */
public final class ThrottleSettings {

    /** The buckets. ARM's are per subscription; compute's per subscription or, for the *_PER_VM ones, per VM. */
    public enum Policy {
        /** ARM, every POST/PUT/PATCH/DELETE: 200 burst + 10/s. */
        ARM_WRITES("armWrites", null, false),
        /** ARM, every GET/HEAD, including LRO polls: 250 burst + 25/s. */
        ARM_READS("armReads", null, false),
        /** Compute, start per subscription: 1,500 burst + 500/min. */
        START("start", "Microsoft.Compute/StartVM3Min", false),
        /** Compute, deallocate per subscription: 1,500 burst + 500/min. */
        DEALLOCATE("deallocate", "Microsoft.Compute/DeallocateVM3Min", false),
        /** Compute, start per VM: 12 burst + 4/min. */
        START_PER_VM("startPerVm", "Microsoft.Compute/StartVMResource3Min", true),
        /** Compute, deallocate per VM: 12 burst + 4/min. */
        DEALLOCATE_PER_VM("deallocatePerVm", "Microsoft.Compute/DeallocateVMResource3Min", true),
        /** Compute, LRO polls (both the Azure-AsyncOperation and the Location URL): 15,000 burst + 5,000/min. */
        GET_OPERATION("getOperation", "Microsoft.Compute/GetOperation3Min", false),
        /** Compute, VM list pages (resource group and subscription-wide): 900 burst + 300/min. */
        HIGH_COST_LIST("highCostList", "Microsoft.Compute/HighCostGet3Min", false);

        private final String key;
        private final String headerName;
        private final boolean perVm;

        Policy(String key, String headerName, boolean perVm) {
            this.key = key;
            this.headerName = headerName;
            this.perVm = perVm;
        }

        /** The name used on the command line and in the admin API: {@code armWrites}. */
        public String key() {
            return key;
        }

        /** The policy name in {@code x-ms-ratelimit-remaining-resource}, null for ARM's own buckets. */
        public String headerName() {
            return headerName;
        }

        public boolean perVm() {
            return perVm;
        }

        public static Policy byKey(String key) {
            for (Policy p : values()) {
                if (p.key.equalsIgnoreCase(key)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown throttle bucket '" + key + "' (armWrites, armReads, start, "
                    + "deallocate, startPerVm, deallocatePerVm, getOperation, highCostList)");
        }
    }

    /** A bucket of {@code burst} tokens refilled at {@code refillPerSecond}. */
    public record Bucket(int burst, double refillPerSecond) {
        private static final Pattern FORM = Pattern.compile("(\\d+)\\+(\\d+(?:\\.\\d+)?)/(s|sec|m|min|h)");

        public Bucket {
            if (burst < 1 || refillPerSecond <= 0) {
                throw new IllegalArgumentException("a bucket needs a burst >= 1 and a refill rate > 0");
            }
        }

        public static Bucket perSecond(int burst, double refill) {
            return new Bucket(burst, refill);
        }

        public static Bucket perMinute(int burst, double refill) {
            return new Bucket(burst, refill / 60.0);
        }

        /** Parses {@code BURST+RATE/UNIT}: {@code 200+10/s}, {@code 1500+500/min}, {@code 12+4/m}. */
        public static Bucket parse(String text) {
            Matcher m = FORM.matcher(text.trim().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new IllegalArgumentException("invalid bucket '" + text + "' (form BURST+RATE/UNIT, e.g. 200+10/s "
                        + "or 1500+500/min)");
            }
            double rate = Double.parseDouble(m.group(2));
            double perSecond = switch (m.group(3)) {
                case "s", "sec" -> rate;
                case "m", "min" -> rate / 60.0;
                default -> rate / 3600.0;
            };
            return new Bucket(Integer.parseInt(m.group(1)), perSecond);
        }

        @Override
        public String toString() {
            double perMin = refillPerSecond * 60;
            if (refillPerSecond >= 10 && refillPerSecond == Math.rint(refillPerSecond)) {
                return burst + "+" + (long) refillPerSecond + "/s";
            }
            if (Math.abs(perMin - Math.rint(perMin)) < 1e-6) {
                return burst + "+" + Math.round(perMin) + "/min";
            }
            return burst + "+" + refillPerSecond + "/s";
        }
    }

    private final Map<Policy, Bucket> buckets;

    private ThrottleSettings(Map<Policy, Bucket> buckets) {
        this.buckets = new EnumMap<>(Policy.class);
        this.buckets.putAll(buckets);
    }

    /** No throttling at all (the default). */
    public static ThrottleSettings none() {
        return new ThrottleSettings(Map.of());
    }

    /** The public-cloud limits of ARM (per subscription) and of the compute resource provider. */
    public static ThrottleSettings azure() {
        Map<Policy, Bucket> m = new EnumMap<>(Policy.class);
        m.put(Policy.ARM_WRITES, Bucket.perSecond(200, 10));
        m.put(Policy.ARM_READS, Bucket.perSecond(250, 25));
        m.put(Policy.START, Bucket.perMinute(1500, 500));
        m.put(Policy.DEALLOCATE, Bucket.perMinute(1500, 500));
        m.put(Policy.START_PER_VM, Bucket.perMinute(12, 4));
        m.put(Policy.DEALLOCATE_PER_VM, Bucket.perMinute(12, 4));
        m.put(Policy.GET_OPERATION, Bucket.perMinute(15000, 5000));
        m.put(Policy.HIGH_COST_LIST, Bucket.perMinute(900, 300));
        return new ThrottleSettings(m);
    }

    /** {@code none} or {@code azure}. */
    public static ThrottleSettings preset(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "none", "off" -> none();
            case "azure" -> azure();
            default -> throw new IllegalArgumentException("unknown throttle preset '" + name + "' (none, azure)");
        };
    }

    /** A copy with one bucket set; null switches it off. */
    public ThrottleSettings with(Policy policy, Bucket bucket) {
        ThrottleSettings copy = new ThrottleSettings(buckets);
        if (bucket == null) {
            copy.buckets.remove(policy);
        } else {
            copy.buckets.put(policy, bucket);
        }
        return copy;
    }

    /** A copy with {@code key=BURST+RATE/UNIT} (or {@code key=off}) applied, as given on the command line. */
    public ThrottleSettings with(String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("bucket setting '" + assignment + "' is not name=BURST+RATE/UNIT");
        }
        Policy p = Policy.byKey(assignment.substring(0, eq).trim());
        String v = assignment.substring(eq + 1).trim();
        return with(p, v.equalsIgnoreCase("off") ? null : Bucket.parse(v));
    }

    /** The bucket of a policy, or null when it is not enforced. */
    public Bucket bucket(Policy policy) {
        return buckets.get(policy);
    }

    public boolean enabled() {
        return !buckets.isEmpty();
    }

    @Override
    public String toString() {
        if (buckets.isEmpty()) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        buckets.forEach((p, b) -> sb.append(sb.length() == 0 ? "" : ",").append(p.key()).append('=').append(b));
        return sb.toString();
    }
}
