package org.slurmazure.power.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

import org.slurmazure.power.config.SchemaWalker.Section;
import org.slurmazure.power.config.YamlNode.Mark;
import org.slurmazure.power.config.YamlNode.Scalar;

/**
 * The rules of the optional {@code slurm}, {@code limits}, {@code log} and {@code reconcile} sections and of
 * {@code stateDir}.
 */
final class SettingsRules {
    /** The interval of systemd/slurm-azure-power-reconcile.timer. */
    static final Duration RECONCILE_TIMER = Duration.ofMinutes(1);

    /** Below this, many VM starts fail: Azure starts often take 2-3 minutes. */
    static final Duration SHORT_RESUME_DEADLINE = Duration.ofMinutes(2);

    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,9}");

    private final SchemaWalker w;
    private final Diagnostics d;
    private final FileChecks files;

    SettingsRules(SchemaWalker walker) {
        this.w = walker;
        this.d = walker.diagnostics();
        this.files = walker.files();
    }

    SlurmSettings slurm(Section root) {
        Section s = w.section(root, "slurm", ConfigKeys.SLURM, false, "a mapping with scontrol and setNodeAddr");
        Path scontrol = SlurmSettings.DEFAULT_SCONTROL;
        Scalar v = w.scalar(s, "scontrol", false, "an absolute path like /usr/bin/scontrol");
        Mark scontrolMark = w.keyMark(s, "scontrol");
        if (v != null) {
            scontrol = w.absolutePath(v, s.key("scontrol"), "/usr/bin/scontrol");
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
        boolean setNodeAddr = w.bool(s, "setNodeAddr", SlurmSettings.DEFAULT_SET_NODE_ADDR);
        return scontrol == null ? null : new SlurmSettings(scontrol, setNodeAddr);
    }

    Limits limits(Section root) {
        Section s = w.section(
                root,
                "limits",
                ConfigKeys.LIMITS,
                false,
                "a mapping with concurrency, resumeDeadline, suspendDeadline and requestTimeout");
        int concurrency = Limits.DEFAULT_CONCURRENCY;
        String concurrencyExpected = "a whole number from 1 to " + Limits.MAX_CONCURRENCY;
        Scalar c = w.scalar(s, "concurrency", false, concurrencyExpected);
        if (c != null) {
            String text = c.text().strip();
            int n = DIGITS.matcher(text).matches() ? Integer.parseInt(text) : -1;
            if (n < 1 || n > Limits.MAX_CONCURRENCY) {
                d.found(c, s.key("concurrency"), concurrencyExpected);
            } else {
                concurrency = n;
            }
        }
        Scalar resumeValue = w.scalar(s, "resumeDeadline", false, Durations.EXPECTED);
        Duration resume = w.duration(s, "resumeDeadline", resumeValue, Limits.DEFAULT_RESUME_DEADLINE);
        Scalar suspendValue = w.scalar(s, "suspendDeadline", false, Durations.EXPECTED);
        Duration suspend = w.duration(s, "suspendDeadline", suspendValue, Limits.DEFAULT_SUSPEND_DEADLINE);
        Scalar requestValue = w.scalar(s, "requestTimeout", false, Durations.EXPECTED);
        Duration request = w.duration(s, "requestTimeout", requestValue, Limits.DEFAULT_REQUEST_TIMEOUT);

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

    ReconcileSettings reconcile(Section root) {
        Section s = w.section(root, "reconcile", ConfigKeys.RECONCILE, false, "a mapping with grace and deadline");
        Scalar graceValue = w.scalar(s, "grace", false, Durations.EXPECTED);
        Duration grace = w.duration(s, "grace", graceValue, ReconcileSettings.DEFAULT_GRACE);
        Scalar deadlineValue = w.scalar(s, "deadline", false, Durations.EXPECTED);
        Duration deadline = w.duration(s, "deadline", deadlineValue, ReconcileSettings.DEFAULT_DEADLINE);
        if (deadline != null && deadline.compareTo(RECONCILE_TIMER) >= 0) {
            d.warn(
                    deadlineValue != null ? deadlineValue.mark() : null,
                    s.key("deadline"),
                    Durations.format(deadline) + " is not under the reconcile timer's interval (1 minute): passes "
                            + "would overlap");
        }
        if (grace == null || deadline == null) {
            return null;
        }
        return new ReconcileSettings(grace, deadline);
    }

    LogSettings log(Section root) {
        Section s = w.section(root, "log", ConfigKeys.LOG, false, "a mapping with file and level");
        Path file = LogSettings.DEFAULT_FILE;
        Scalar f = w.scalar(s, "file", false, "an absolute path like /var/log/slurm/power_save.log");
        if (f != null) {
            file = w.absolutePath(f, s.key("file"), "/var/log/slurm/power_save.log");
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
        Scalar l = w.scalar(s, "level", false, "INFO or DEBUG");
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

    Path stateDir(Section root) {
        Path dir = Config.DEFAULT_STATE_DIR;
        Scalar v = w.scalar(root, "stateDir", false, "an absolute path like /var/lib/slurm-azure-power");
        if (v != null) {
            dir = w.absolutePath(v, "stateDir", "/var/lib/slurm-azure-power");
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
