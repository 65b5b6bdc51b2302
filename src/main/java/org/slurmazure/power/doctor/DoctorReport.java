package org.slurmazure.power.doctor;

import java.util.ArrayList;
import java.util.List;

/** Every check of one doctor run, in the order made, and the worst outcome. */
public final class DoctorReport {
    private static final int NAME_WIDTH = 24;

    private final List<Check> checks;

    public DoctorReport(List<Check> checks) {
        this.checks = List.copyOf(checks);
    }

    public List<Check> checks() {
        return checks;
    }

    /** The worst status of any check; PASS when there is none. */
    public Status worst() {
        Status worst = Status.PASS;
        for (Check c : checks) {
            if (c.status().compareTo(worst) > 0) {
                worst = c.status();
            }
        }
        return worst;
    }

    public long count(Status status) {
        return checks.stream().filter(c -> c.status() == status).count();
    }

    /**
     * The report as text: one line per check ({@code STATUS  area  name  message -> advice}), then a summary line.
     */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (Check c : checks) {
            String name = c.name().length() >= NAME_WIDTH ? c.name() + " " : pad(c.name(), NAME_WIDTH);
            lines.add(pad(c.status().name(), 4) + "  " + pad(c.area().label(), 7) + " " + name + c.message()
                    + (c.advice().isEmpty() ? "" : " -> " + c.advice()));
        }
        lines.add("");
        lines.add(summary());
        return lines;
    }

    /** {@code 24 checks: 20 passed, 3 warnings, 1 failure}. */
    public String summary() {
        long warn = count(Status.WARN);
        long fail = count(Status.FAIL);
        return checks.size() + (checks.size() == 1 ? " check: " : " checks: ") + count(Status.PASS) + " passed, " + warn
                + (warn == 1 ? " warning, " : " warnings, ") + fail + (fail == 1 ? " failure" : " failures");
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
