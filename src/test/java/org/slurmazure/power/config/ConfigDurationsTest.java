package org.slurmazure.power.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigDurationsTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"540s, 540000", "9m, 540000", "1h, 3600000", "1500ms, 1500", "540, 540000", "24h, 86400000",
        "' 30s ', 30000"})
    void givenDurationText_whenParsed_thenItIsThatManyMilliseconds(String text, long millis) {
        assertEquals(Optional.of(Duration.ofMillis(millis)), Durations.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0s", "0", "-5s", "1.5s", "10d", "abc", "", "s", "5 m", "25h", "1m30s", "99999999999999"})
    void givenInvalidDurationText_whenParsed_thenItIsRejected(String text) {
        assertEquals(Optional.empty(), Durations.parse(text));
    }

    @ParameterizedTest
    @CsvSource({"1500, 1500ms", "540000, 540s", "7200000, 2h", "5400000, 5400s"})
    void givenDuration_whenFormatted_thenItIsCompact(long millis, String text) {
        assertEquals(text, Durations.format(Duration.ofMillis(millis)));
    }

    @Test
    void givenNegativeDuration_whenChecked_thenErrorShowsTheExpectedForm() throws Exception {
        Path file = ConfigFixtures.write(dir, ConfigFixtures.MINIMAL + "limits: { suspendDeadline: -5s }\n");

        assertEquals(List.of(file + ":9:28: limits.suspendDeadline: found \"-5s\", expected a positive duration like"
                + " 540s, 9m, 1h or 1500ms (a bare number is seconds)"),
                ConfigLoader.check(file).errors().stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void givenHugeDuration_whenChecked_thenErrorGivesTheLimit() throws Exception {
        Path file = ConfigFixtures.write(dir, ConfigFixtures.MINIMAL + "limits: { resumeDeadline: 5400m }\n");

        assertEquals(List.of(file + ":9:27: limits.resumeDeadline: found \"5400m\", expected a duration of at most"
                + " 24h"),
                ConfigLoader.check(file).errors().stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void givenBareNumber_whenLoaded_thenItIsSeconds() throws Exception {
        Path file = ConfigFixtures.write(dir, ConfigFixtures.MINIMAL + "limits: { requestTimeout: 45 }\n");

        assertEquals(Duration.ofSeconds(45), ConfigLoader.load(file).limits().requestTimeout());
    }

    @Test
    void givenShortResumeDeadline_whenLoaded_thenAWarningMentionsResumeTimeout() throws Exception {
        Path file = ConfigFixtures.write(dir, ConfigFixtures.MINIMAL + "limits: { resumeDeadline: 90s }\n");

        ConfigReport report = ConfigLoader.check(file);

        assertTrue(report.valid());
        assertTrue(report.warnings().stream().anyMatch(w -> w.toString().equals(file + ":9:27: warning:"
                + " limits.resumeDeadline: 90s is short: Azure VM starts often take 2-3 minutes; keep it well below"
                + " Slurm's ResumeTimeout, e.g. 540s with ResumeTimeout=600")), report.warnings().toString());
    }

    @Test
    void givenRequestTimeoutLongerThanADeadline_whenLoaded_thenAWarningSaysSo() throws Exception {
        Path file = ConfigFixtures.write(dir, ConfigFixtures.MINIMAL
                + "limits: { suspendDeadline: 60s, requestTimeout: 2m }\n");

        ConfigReport report = ConfigLoader.check(file);

        assertTrue(report.valid());
        assertTrue(report.warnings().stream().anyMatch(w -> w.toString().equals(file + ":9:49: warning:"
                + " limits.requestTimeout: 120s is not shorter than suspendDeadline (60s); one slow request could"
                + " use up the whole deadline")), report.warnings().toString());
    }
}
