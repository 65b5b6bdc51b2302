package org.slurmazure.power.slurm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.jspecify.annotations.Nullable;

import org.slurmazure.power.hostlist.Hostlist;
import org.slurmazure.power.hostlist.InvalidHostlistException;
import org.slurmazure.power.json.Json;
import org.slurmazure.power.json.JsonValue;

/**
 * Reads {@code SLURM_RESUME_FILE}, the JSON slurmctld hands to ResumeProgram. Both formats are accepted:
 * <pre>
 * 22.05:  {"jobs":[{"job_id":1,"nodes":"cloud[001-002]"}],"all_nodes":"cloud[001-002]"}
 * 23.02+: {"all_nodes_resume":"azc[001-003]","jobs":[{"extra":null,"features":"azure","job_id":140814,
 *          "nodes_alloc":"azc[001-004],onprem[12-13]","nodes_resume":"azc[001-003]","oversubscribe":"OK",
 *          "partition":"burst","reservation":null}]}
 * </pre>
 * Keys not used here ({@code features}, {@code extra}, {@code oversubscribe}, {@code reservation}, 26.05's
 * {@code exclusive} and {@code priority}, and any later addition) are ignored at every level; any value may be null.
 * When both a new and an old key are present, the new one wins. Read as a {@link JsonValue} tree (no data
 * binding), so nothing here needs reflection.
 *
 * <p>The file lives in slurmctld's memory and disappears when slurmctld reaps the program: read it first thing.
 */
public final class ResumeFile {
    /** The environment variable that names the file. */
    public static final String ENV = "SLURM_RESUME_FILE";

    private ResumeFile() {}

    /** Reads and parses the file. */
    public static ResumeRequest read(Path file) throws ResumeFileException {
        String where = ENV + " " + file;
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ResumeFileException(where + " does not exist (slurmctld removes it once the program exits)", e);
        } catch (AccessDeniedException e) {
            throw new ResumeFileException(where + " cannot be read: permission denied", e);
        } catch (IOException e) {
            throw new ResumeFileException(where + " cannot be read: " + e, e);
        }
        return parse(new String(bytes, StandardCharsets.UTF_8), where);
    }

    /** Parses the file's contents. */
    public static ResumeRequest parse(String json) throws ResumeFileException {
        return parse(json, ENV);
    }

    private static ResumeRequest parse(String json, String where) throws ResumeFileException {
        if (json == null || json.isBlank()) {
            throw new ResumeFileException(where + " is empty");
        }
        JsonValue root;
        try {
            root = Json.parse(json);
        } catch (JsonProcessingException e) {
            throw new ResumeFileException(where + " is not valid JSON: " + oneLine(e), e);
        }
        if (!root.isObject()) {
            throw new ResumeFileException(where + ": expected a JSON object, found " + kind(root));
        }
        String allNodes = text(root, where, "", "all_nodes_resume", "all_nodes");
        if (allNodes == null) {
            throw new ResumeFileException(where + ": neither all_nodes_resume nor all_nodes is given");
        }
        JsonValue jobsValue = root.path("jobs");
        List<ResumeJob> jobs = new ArrayList<>();
        if (!jobsValue.isMissing() && !jobsValue.isNull()) {
            if (!jobsValue.isArray()) {
                throw new ResumeFileException(where + ": jobs: expected an array, found " + kind(jobsValue));
            }
            List<JsonValue> elements = jobsValue.elements();
            for (int i = 0; i < elements.size(); i++) {
                jobs.add(job(elements.get(i), where, "jobs[" + i + "]"));
            }
        }
        return new ResumeRequest(jobs, allNodes);
    }

    private static ResumeJob job(JsonValue job, String where, String path) throws ResumeFileException {
        if (!job.isObject()) {
            throw new ResumeFileException(where + ": " + path + ": expected an object, found " + kind(job));
        }
        JsonValue id = job.path("job_id");
        if (id.isMissing() || id.isNull()) {
            throw new ResumeFileException(where + ": " + path + ".job_id is missing");
        }
        OptionalLong jobId = id.exactLong();
        if (jobId.isEmpty() || jobId.getAsLong() < 0) {
            throw new ResumeFileException(
                    where + ": " + path + ".job_id: expected a job id, found " + kind(id) + " " + id);
        }
        return new ResumeJob(
                jobId.getAsLong(),
                text(job, where, path + ".", "nodes_resume", "nodes"),
                text(job, where, path + ".", "nodes_alloc"),
                text(job, where, path + ".", "partition"));
    }

    /** The first of {@code keys} present with a non-null value, which must be a string; null if none. */
    private static @Nullable String text(JsonValue object, String where, String path, String... keys)
            throws ResumeFileException {
        for (String key : keys) {
            JsonValue value = object.path(key);
            if (value.isMissing() || value.isNull()) {
                continue;
            }
            if (!value.isString()) {
                throw new ResumeFileException(
                        where + ": " + path + key + ": expected a string, found " + kind(value) + " " + value);
            }
            return value.asText();
        }
        return null;
    }

    /**
     * For each node being resumed, the ids of the jobs waiting for it (from {@code nodes_resume} / {@code nodes}), in
     * file order. Nodes resumed for no job (e.g. {@code state=power_up}) are not in the map.
     *
     * @throws ResumeFileException a job's hostlist is not valid
     */
    public static Map<String, List<Long>> jobIdsByNode(ResumeRequest request) throws ResumeFileException {
        Map<String, List<Long>> byNode = new LinkedHashMap<>();
        for (ResumeJob job : request.jobs()) {
            if (job.nodesToResume() == null || job.nodesToResume().isBlank()) {
                continue;
            }
            List<String> nodes;
            try {
                nodes = Hostlist.expand(job.nodesToResume());
            } catch (InvalidHostlistException e) {
                throw new ResumeFileException(ENV + ": job " + job.jobId() + ": " + e.getMessage(), e);
            }
            for (String node : nodes) {
                List<Long> ids = byNode.computeIfAbsent(node, n -> new ArrayList<>());
                if (!ids.contains(job.jobId())) {
                    ids.add(job.jobId());
                }
            }
        }
        byNode.replaceAll((node, ids) -> List.copyOf(ids));
        return byNode;
    }

    private static String kind(JsonValue value) {
        return switch (value.kind()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            case MISSING -> "nothing";
        };
    }

    private static String oneLine(JsonProcessingException e) {
        String msg = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        // Jackson's own location notes ("(for Array starting at [Source: REDACTED ...; line: 1, column: 9])") only
        // repeat what the location below says
        msg = msg.replaceAll("\\s*\\([^(\\[]*\\[Source: [^\\]]*\\]\\)", "")
                .replaceAll("\\s+", " ")
                .strip();
        if (e.getLocation() != null) {
            msg += " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")";
        }
        return msg;
    }
}
