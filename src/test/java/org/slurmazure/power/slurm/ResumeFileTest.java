package org.slurmazure.power.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumeFileTest {

    @TempDir
    Path dir;

    /** A fixture of src/test/resources/slurm/, copied into the test directory (as slurmctld would hand it over). */
    private Path fixture(String name) throws IOException {
        Path file = dir.resolve(name);
        try (InputStream in = ResumeFileTest.class.getResourceAsStream("/slurm/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource /slurm/" + name);
            }
            Files.copy(in, file);
        }
        return file;
    }

    @Nested
    class Format2205 {
        @Test
        void readsTwoJobsMergedIntoOneCall() throws Exception {
            ResumeRequest request = ResumeFile.read(fixture("resume-2205-two-jobs.json"));

            assertEquals(new ResumeRequest(List.of(
                    new ResumeJob(1, "cloud[001-002]", null, null),
                    new ResumeJob(2, "cloud004", null, null)), "cloud[001-002,004]"), request);
        }

        @Test
        void readsSingleNodeJobs() throws Exception {
            ResumeRequest request = ResumeFile.read(fixture("resume-2205-one-node-each.json"));

            assertEquals(List.of(new ResumeJob(3, "cloud001", null, null), new ResumeJob(4, "cloud002", null, null)),
                    request.jobs());
            assertEquals("cloud[001-002]", request.allNodes());
        }

        @Test
        void readsAPowerUpWithoutJobs() throws Exception {
            ResumeRequest request = ResumeFile.read(fixture("resume-2205-power-up.json"));

            assertEquals(new ResumeRequest(List.of(), "cloud003"), request);
        }

        @Test
        void parsesTheContractsExampleVerbatim() throws Exception {
            ResumeRequest request = ResumeFile.parse("{\"jobs\":[{\"job_id\":1,\"nodes\":\"cloud[001-002]\"},"
                    + "{\"job_id\":2,\"nodes\":\"cloud004\"}],\"all_nodes\":\"cloud[001-002,004]\"}");

            assertEquals(2, request.jobs().size());
            assertEquals("cloud[001-002,004]", request.allNodes());
        }
    }

    @Nested
    class Format2302 {
        @Test
        void readsEveryFieldThatMattersAndIgnoresTheRest() throws Exception {
            ResumeRequest request = ResumeFile.read(fixture("resume-2302.json"));

            assertEquals(new ResumeRequest(List.of(
                    new ResumeJob(140814, "azc[001-003]", "azc[001-004],onprem[12-13]", "burst"),
                    new ResumeJob(140816, "azc007", "azc007", "burst")), "azc[001-003,007]"), request);
        }

        @Test
        void acceptsThe2605KeysAndAnyUnknownKeyAtAnyLevel() throws Exception {
            ResumeRequest request = ResumeFile.parse("""
                    {"all_nodes_resume":"azc[001-002]","future":{"a":[1,2,{"b":null}]},"jobs":[
                     {"exclusive":"USER","extra":"x","features":null,"job_id":7,"nodes_alloc":"azc[001-002]",
                      "nodes_resume":"azc[001-002]","oversubscribe":"NO","partition":"burst","priority":4294901,
                      "reservation":null,"new_thing":{"deep":[true,false]}}],"version":2}
                    """);

            assertEquals(new ResumeRequest(List.of(new ResumeJob(7, "azc[001-002]", "azc[001-002]", "burst")),
                    "azc[001-002]"), request);
        }

        @Test
        void acceptsNullForEveryOptionalValue() throws Exception {
            ResumeRequest request = ResumeFile.parse("{\"all_nodes_resume\":\"azc001\",\"jobs\":[{\"job_id\":9,"
                    + "\"nodes_alloc\":null,\"nodes_resume\":null,\"partition\":null}]}");

            assertEquals(new ResumeRequest(List.of(new ResumeJob(9, null, null, null)), "azc001"), request);
        }

        @Test
        void prefersTheNewKeysWhenBothAreGiven() throws Exception {
            ResumeRequest request = ResumeFile.parse("{\"all_nodes\":\"old\",\"all_nodes_resume\":\"new\","
                    + "\"jobs\":[{\"job_id\":1,\"nodes\":\"old\",\"nodes_resume\":\"new\"}]}");

            assertEquals(new ResumeRequest(List.of(new ResumeJob(1, "new", null, null)), "new"), request);
        }

        @Test
        void treatsNullOrMissingJobsAsNoJobs() throws Exception {
            assertEquals(List.of(), ResumeFile.parse("{\"all_nodes_resume\":\"a1\",\"jobs\":null}").jobs());
            assertEquals(List.of(), ResumeFile.parse("{\"all_nodes_resume\":\"a1\"}").jobs());
        }
    }

    @Nested
    class JobIdsByNode {
        @Test
        void mapsEachResumedNodeToTheJobsWaitingForIt() throws Exception {
            ResumeRequest request = ResumeFile.read(fixture("resume-2302.json"));

            Map<String, List<Long>> byNode = ResumeFile.jobIdsByNode(request);

            assertEquals(Map.of("azc001", List.of(140814L), "azc002", List.of(140814L), "azc003", List.of(140814L),
                    "azc007", List.of(140816L)), byNode);
            assertEquals(List.of("azc001", "azc002", "azc003", "azc007"), List.copyOf(byNode.keySet()));
        }

        @Test
        void listsEveryJobOfASharedNodeOnce() throws Exception {
            ResumeRequest request = ResumeFile.parse("{\"all_nodes_resume\":\"a[1-2]\",\"jobs\":["
                    + "{\"job_id\":5,\"nodes_resume\":\"a[1-2]\"},{\"job_id\":6,\"nodes_resume\":\"a2\"},"
                    + "{\"job_id\":5,\"nodes_resume\":\"a2\"},{\"job_id\":8,\"nodes_resume\":null}]}");

            assertEquals(Map.of("a1", List.of(5L), "a2", List.of(5L, 6L)), ResumeFile.jobIdsByNode(request));
        }

        @Test
        void leavesOutNodesResumedForNoJob() throws Exception {
            assertEquals(Map.of(), ResumeFile.jobIdsByNode(ResumeFile.read(fixture("resume-2205-power-up.json"))));
        }

        @Test
        void reportsAnInvalidHostlistAsABadFile() throws Exception {
            ResumeRequest request = ResumeFile.parse("{\"all_nodes\":\"a1\",\"jobs\":[{\"job_id\":3,"
                    + "\"nodes\":\"a[3-1]\"}]}");

            ResumeFileException e = assertThrows(ResumeFileException.class, () -> ResumeFile.jobIdsByNode(request));

            assertEquals("SLURM_RESUME_FILE: job 3: invalid hostlist \"a[3-1]\":",
                    e.getMessage().substring(0, e.getMessage().indexOf(':', 40) + 1));
        }
    }

    @Nested
    class BadFiles {
        private String problem(String json) {
            return assertThrows(ResumeFileException.class, () -> ResumeFile.parse(json)).getMessage();
        }

        @Test
        void saysWhenTheFileIsGone() {
            Path gone = dir.resolve("fd-10");

            ResumeFileException e = assertThrows(ResumeFileException.class, () -> ResumeFile.read(gone));

            assertEquals("SLURM_RESUME_FILE " + gone + " does not exist (slurmctld removes it once the program exits)",
                    e.getMessage());
        }

        @Test
        void saysWhenTheFileCannotBeRead() throws IOException {
            Path file = Files.writeString(dir.resolve("secret.json"), "{}");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
            assumeFalse(Files.isReadable(file), "running as root: every file is readable");

            ResumeFileException e = assertThrows(ResumeFileException.class, () -> ResumeFile.read(file));

            assertEquals("SLURM_RESUME_FILE " + file + " cannot be read: permission denied", e.getMessage());
        }

        @Test
        void saysWhenItIsADirectory() {
            ResumeFileException e = assertThrows(ResumeFileException.class, () -> ResumeFile.read(dir));

            assertEquals("SLURM_RESUME_FILE " + dir + " cannot be read: java.io.IOException: Is a directory",
                    e.getMessage());
        }

        @Test
        void saysWhenTheFileIsEmpty() throws IOException {
            Path empty = Files.writeString(dir.resolve("empty.json"), "\n");

            ResumeFileException e = assertThrows(ResumeFileException.class, () -> ResumeFile.read(empty));

            assertEquals("SLURM_RESUME_FILE " + empty + " is empty", e.getMessage());
            assertEquals("SLURM_RESUME_FILE is empty", problem(""));
        }

        @Test
        void saysWhereTheJsonIsBroken() {
            assertEquals("SLURM_RESUME_FILE is not valid JSON: Unexpected end-of-input within/between Object entries"
                    + " (line 1, column 23)", problem("{\"jobs\":[],\"all_nodes\""));
            assertEquals("SLURM_RESUME_FILE is not valid JSON: Unexpected close marker '}': expected ']'"
                    + " (line 1, column 10)", problem("{\"jobs\":[}"));
            assertEquals("SLURM_RESUME_FILE is not valid JSON: Unrecognized token 'jobs': was expecting"
                    + " (JSON String, Number, Array, Object or token 'null', 'true' or 'false') (line 1, column 1)",
                    problem("jobs"));
        }

        @Test
        void refusesTextAfterTheObject() {
            assertEquals("SLURM_RESUME_FILE is not valid JSON: more text after the end of the JSON value"
                    + " (line 1, column 20)",
                    problem("{\"all_nodes\":\"a1\"} {}"));
        }

        @Test
        void namesTheFieldOfTheWrongType() {
            assertEquals("SLURM_RESUME_FILE: expected a JSON object, found an array", problem("[]"));
            assertEquals("SLURM_RESUME_FILE: expected a JSON object, found null", problem("null"));
            assertEquals("SLURM_RESUME_FILE: neither all_nodes_resume nor all_nodes is given",
                    problem("{\"jobs\":[]}"));
            assertEquals("SLURM_RESUME_FILE: all_nodes_resume: expected a string, found a number 5",
                    problem("{\"all_nodes_resume\":5}"));
            assertEquals("SLURM_RESUME_FILE: jobs: expected an array, found an object",
                    problem("{\"all_nodes\":\"a1\",\"jobs\":{}}"));
            assertEquals("SLURM_RESUME_FILE: jobs[1]: expected an object, found a number",
                    problem("{\"all_nodes\":\"a1\",\"jobs\":[{\"job_id\":1},2]}"));
            assertEquals("SLURM_RESUME_FILE: jobs[0].job_id is missing",
                    problem("{\"all_nodes\":\"a1\",\"jobs\":[{\"nodes\":\"a1\"}]}"));
            assertEquals("SLURM_RESUME_FILE: jobs[0].job_id: expected a job id, found a string \"7\"",
                    problem("{\"all_nodes\":\"a1\",\"jobs\":[{\"job_id\":\"7\"}]}"));
            assertEquals("SLURM_RESUME_FILE: jobs[0].job_id: expected a job id, found a number 1.5",
                    problem("{\"all_nodes\":\"a1\",\"jobs\":[{\"job_id\":1.5}]}"));
            assertEquals("SLURM_RESUME_FILE: jobs[0].nodes_resume: expected a string, found an array [\"a1\"]",
                    problem("{\"all_nodes\":\"a1\",\"jobs\":[{\"job_id\":1,\"nodes_resume\":[\"a1\"]}]}"));
        }

        @Test
        void readsNonUtf8BytesWithoutFailing() throws Exception {
            Path file = dir.resolve("latin1.json");
            Files.write(file, "{\"all_nodes\":\"a1\",\"jobs\":[{\"job_id\":1,\"nodes\":\"a1\",\"extra\":\"caf\u00e9\"}]}"
                    .getBytes(StandardCharsets.ISO_8859_1));

            assertEquals("a1", ResumeFile.read(file).allNodes());
        }
    }
}
