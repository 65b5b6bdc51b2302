package org.slurmazure.power.cloud.azure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;

import org.slurmazure.power.cloud.CloudException;
import org.slurmazure.power.json.Json;
import org.slurmazure.power.json.JsonValue;

/** Runs calls to Azure and turns every failure into a classified {@link CloudException} ({@link AzureFailures}). */
final class AzureCalls {
    /** A runaway nextLink chain ends here. */
    private static final int MAX_PAGES = 10_000;

    /** One call to Azure (the SDK or the raw pipeline); everything it throws is translated. */
    @FunctionalInterface
    interface Call<T> {
        T run() throws CloudException, IOException;
    }

    private AzureCalls() {}

    static <T> T call(Call<T> call) throws CloudException {
        try {
            return call.run();
        } catch (CloudException e) {
            throw e;
        } catch (UncheckedIOException e) {
            throw AzureFailures.thrown(e.getCause());
        } catch (IOException | RuntimeException e) {
            throw AzureFailures.thrown(e);
        }
    }

    /**
     * A GET through the pipeline (auth, retries, throttle gate) of an ARM URL, its JSON body parsed (its first value:
     * what follows is not read).
     */
    static JsonValue getJson(HttpPipeline pipeline, String url) throws CloudException {
        return call(() -> {
            try (HttpResponse response = pipeline.sendSync(new HttpRequest(HttpMethod.GET, url), Context.NONE)) {
                String body = body(response);
                if (response.getStatusCode() / 100 != 2) {
                    throw failed(response, body);
                }
                if (body.isBlank()) {
                    throw AzureFailures.thrown(new IOException("empty body (HTTP " + response.getStatusCode() + ")"));
                }
                return Json.parseFirstValue(body);
            }
        });
    }

    /** Every item of a paged ARM list ({@code value}, following {@code nextLink}; a runaway chain ends at MAX_PAGES). */
    static List<JsonValue> listItems(HttpPipeline pipeline, String url) throws CloudException {
        List<JsonValue> items = new ArrayList<>();
        String next = url;
        int pages = 0;
        while (next != null && pages++ < MAX_PAGES) {
            JsonValue page = getJson(pipeline, next);
            items.addAll(page.path("value").elements());
            next = page.hasNonNull("nextLink") ? page.path("nextLink").asText() : null;
        }
        return items;
    }

    /** The body of a response as text, empty when there is none. */
    static String body(HttpResponse response) {
        return response.getBodyAsBinaryData() == null
                ? ""
                : response.getBodyAsBinaryData().toString();
    }

    /** A non-2xx answer with ARM's error body ({@code {"error":{"code","message"}}}, or those keys at the top). */
    static CloudException failed(HttpResponse response, String body) {
        ErrorBody err = ErrorBody.parse(body);
        return AzureFailures.http(
                response.getStatusCode(),
                err.code(),
                err.message(),
                RetryAfter.parse(response.getHeaders(), null),
                null);
    }

    /** Azure's error body: code and message, either may be null. */
    record ErrorBody(String code, String message) {
        static ErrorBody parse(String body) {
            if (body == null || body.isBlank()) {
                return new ErrorBody(null, null);
            }
            try {
                return of(Json.parseFirstValue(body));
            } catch (IOException | RuntimeException notJson) {
                return new ErrorBody(null, null);
            }
        }

        /** From a body already parsed. */
        static ErrorBody of(JsonValue json) {
            JsonValue err = json.has("error") ? json.path("error") : json;
            return new ErrorBody(
                    err.path("code").asTextOrNull(), err.path("message").asTextOrNull());
        }
    }
}
