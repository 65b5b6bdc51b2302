package org.slurmazure.power.e2e;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of {@code scontrol show job -o ID}: the fields the harness looks at.
 *
 * @param id       JobId
 * @param state    JobState: PENDING, CONFIGURING, RUNNING, COMPLETED, NODE_FAIL, ...
 * @param reason   Reason (why it is pending)
 * @param nodes    NodeList, "(null)" while pending
 * @param restarts Restarts (how often it was requeued)
 * @param exitCode ExitCode, e.g. 0:0
 * @param raw      the whole line
 */
record JobView(long id, String state, String reason, String nodes, int restarts, String exitCode, String raw) {
    private static final Pattern FIELD = Pattern.compile("(?:^| )([A-Za-z]+)=(\\S*)");

    static JobView parse(String line) {
        String l = line.strip();
        String restarts = field(l, "Restarts");
        return new JobView(Long.parseLong(field(l, "JobId")), field(l, "JobState"), field(l, "Reason"),
                field(l, "NodeList"), restarts.isEmpty() ? 0 : Integer.parseInt(restarts), field(l, "ExitCode"), l);
    }

    private static String field(String line, String key) {
        Matcher m = FIELD.matcher(line);
        while (m.find()) {
            if (m.group(1).equals(key)) {
                return m.group(2);
            }
        }
        return "";
    }

    boolean finished() {
        return switch (state) {
            case "COMPLETED", "FAILED", "CANCELLED", "NODE_FAIL", "TIMEOUT", "BOOT_FAIL", "DEADLINE", "OUT_OF_MEMORY",
                 "PREEMPTED" -> true;
            default -> false;
        };
    }

    String summary() {
        return "job " + id + " " + state + (reason.isEmpty() || reason.equals("None") ? "" : " (" + reason + ")")
                + (nodes.isEmpty() || nodes.equals("(null)") ? "" : " on " + nodes)
                + (restarts > 0 ? " restarts=" + restarts : "");
    }
}
