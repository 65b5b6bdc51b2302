package org.slurmazure.power.cloud.azure;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Function;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An azure-core {@link HttpClient} that answers from a script, for tests of what sits in the pipeline above the
 * transport (the throttle gate, the polling, the error translation): each request is recorded with the time it
 * reached the "wire", then answered by the next scripted answer (or the default).
 */
final class ScriptedHttpClient implements HttpClient {
    /** One request as it reached the client. */
    record Sent(String method, String url, long atNanos) {
    }

    final List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
    private final ConcurrentLinkedDeque<Function<HttpRequest, HttpResponse>> script = new ConcurrentLinkedDeque<>();
    private volatile Function<HttpRequest, HttpResponse> otherwise = r -> answer(r, 200, "{}");

    ScriptedHttpClient then(Function<HttpRequest, HttpResponse> answer) {
        script.add(answer);
        return this;
    }

    ScriptedHttpClient otherwise(Function<HttpRequest, HttpResponse> answer) {
        otherwise = answer;
        return this;
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request) {
        return Mono.fromCallable(() -> sendSync(request, Context.NONE));
    }

    @Override
    public HttpResponse sendSync(HttpRequest request, Context context) {
        sent.add(new Sent(request.getHttpMethod().name(), request.getUrl().toString(), System.nanoTime()));
        Function<HttpRequest, HttpResponse> next = script.poll();
        return (next != null ? next : otherwise).apply(request);
    }

    static HttpResponse answer(HttpRequest request, int status, String body, String... headers) {
        HttpHeaders h = new HttpHeaders();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            h.set(com.azure.core.http.HttpHeaderName.fromString(headers[i]), headers[i + 1]);
        }
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        return new HttpResponse(request) {
            @Override
            public int getStatusCode() {
                return status;
            }

            @Override
            @Deprecated
            public String getHeaderValue(String name) {
                return h.getValue(com.azure.core.http.HttpHeaderName.fromString(name));
            }

            @Override
            public HttpHeaders getHeaders() {
                return h;
            }

            @Override
            public Flux<ByteBuffer> getBody() {
                return Flux.just(ByteBuffer.wrap(bytes));
            }

            @Override
            public Mono<byte[]> getBodyAsByteArray() {
                return Mono.just(bytes);
            }

            @Override
            public Mono<String> getBodyAsString() {
                return Mono.just(new String(bytes, StandardCharsets.UTF_8));
            }

            @Override
            public Mono<String> getBodyAsString(Charset charset) {
                return Mono.just(new String(bytes, charset));
            }
        };
    }
}
