package org.slurmazure.power.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;

import org.slurmazure.power.hostlist.Hostlist;

/**
 * A small benchmark of {@link Hostlist} (JMH is not a dependency): for each case, warm-up runs, then timed runs, and
 * the median, minimum and 90th percentile of the timed runs. Medians, because the build machines are small and
 * noisy. Not a test: run it by hand (see docs/benchmarks.md, section "Hostlist"):
 *
 * <pre>
 * mvn -o -q -Dbuild.dir=/tmp/hostlist-target test-compile
 * java -cp /tmp/hostlist-target/classes:/tmp/hostlist-target/test-classes \
 *     org.slurmazure.power.bench.HostlistBenchmark [WARMUP_RUNS [TIMED_RUNS]]
 * </pre>
 */
public final class HostlistBenchmark {
    /** Keeps results alive so the JIT cannot drop the work. */
    private static volatile long sink;

    private HostlistBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 31;

        List<String> shuffled = new ArrayList<>(100_000);
        for (int i = 1; i <= 100_000; i++) {
            shuffled.add("azc" + i);
        }
        Collections.shuffle(shuffled, new Random(42));

        List<String> mixed = mixedNames(100_000, new Random(7));
        String commaList = String.join(",", shuffled);

        System.out.printf(Locale.ROOT, "Java %s (%s), %d processors, %d warm-up + %d timed runs%n",
                System.getProperty("java.version"), System.getProperty("java.vm.name"),
                Runtime.getRuntime().availableProcessors(), warmup, runs);
        System.out.printf(Locale.ROOT, "%-62s %10s %10s %10s%n", "case", "median ms", "min ms", "p90 ms");
        report("expand c[1-65536]", warmup, runs, () -> (long) Hostlist.expand("c[1-65536]").size());
        report("compress 100,000 shuffled names (azc1..azc100000)", warmup, runs,
                () -> (long) Hostlist.compress(shuffled).length());
        report("compress 100,000 shuffled mixed names (4 prefixes, pads, dups)", warmup, runs,
                () -> (long) Hostlist.compress(mixed).length());
        report("expand a 100,000-name comma-separated list", warmup, runs,
                () -> (long) Hostlist.expand(commaList).size());
        report("count x[1-65536]y[1-65536] (4.3e9 names, not listed)", warmup, runs,
                () -> Hostlist.count("x[1-65536]y[1-65536]"));
    }

    /** Names such as Slurm clusters have: a few prefixes, some zero padding, some duplicates, shuffled. */
    private static List<String> mixedNames(int n, Random random) {
        String[] prefixes = {"azc", "gpu", "rack1-n", "nd96-"};
        List<String> names = new ArrayList<>(n);
        while (names.size() < n) {
            String prefix = prefixes[random.nextInt(prefixes.length)];
            int number = random.nextInt(40_000);
            String name = random.nextInt(10) == 0 ? String.format(Locale.ROOT, "%s%05d", prefix, number)
                    : prefix + number;
            names.add(name);
            if (random.nextInt(50) == 0) {
                names.add(name);
            }
        }
        Collections.shuffle(names, random);
        return names.subList(0, n);
    }

    private static void report(String name, int warmup, int runs, Callable<Long> work) throws Exception {
        for (int i = 0; i < warmup; i++) {
            sink += work.call();
        }
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            sink += work.call();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        System.out.printf(Locale.ROOT, "%-62s %10.2f %10.2f %10.2f%n", name, ms[runs / 2], ms[0],
                ms[(int) Math.ceil(runs * 0.9) - 1]);
    }
}
