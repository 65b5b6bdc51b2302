package org.slurmazure.power.cloud.azure;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import reactor.core.publisher.Mono;

import org.slurmazure.power.cloud.CloudException;
import org.slurmazure.power.domain.FailureClass;

/**
 * Takes the token once, up front and within a time limit, and hands it to every request while it is valid. A
 * broken credential or token endpoint then fails the whole run at once, as a credential error, instead of stalling
 * every node's first request in the identity library's own retries (seconds each, or a minute for a managed identity
 * endpoint that does not answer).
 */
final class PrefetchedCredential implements TokenCredential {
    /** Refresh this long before the token expires. */
    private static final Duration MARGIN = Duration.ofMinutes(5);

    private final TokenCredential delegate;
    private volatile AccessToken token;

    PrefetchedCredential(TokenCredential delegate) {
        this.delegate = delegate;
    }

    /**
     * Gets the token for {@code scope}; throws a classified failure with a one-line reason when it cannot within
     * {@code limit} (a token endpoint that does not answer, or answers 5xx, may pass: retryable; an AADSTS error
     * does not).
     */
    void prefetch(String scope, Duration limit) throws CloudException {
        TokenRequestContext request = new TokenRequestContext().addScopes(scope);
        CompletableFuture<AccessToken> future =
                CompletableFuture.supplyAsync(() -> delegate.getTokenSync(request), PrefetchedCredential::daemon);
        try {
            token = future.get(Math.max(1, limit.toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new CloudException(
                    FailureClass.NETWORK,
                    true,
                    0,
                    null,
                    "no token from the identity endpoint " + "within " + Math.max(1, limit.toSeconds()) + " s",
                    null,
                    e);
        } catch (ExecutionException e) {
            CloudException c = AzureFailures.thrown(e.getCause());
            String message = c.getMessage().startsWith("token request failed")
                    ? c.getMessage()
                    : "token request failed: " + c.getMessage();
            throw new CloudException(
                    c.failure() == FailureClass.INTERNAL ? FailureClass.AUTH : c.failure(),
                    c.retryable(),
                    c.httpStatus(),
                    c.errorCode(),
                    message,
                    null,
                    e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CloudException(
                    FailureClass.AUTH, false, 0, null, "interrupted while waiting for a token", null, e);
        }
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "token");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public Mono<AccessToken> getToken(TokenRequestContext request) {
        AccessToken t = token;
        if (t != null
                && t.getExpiresAt().isAfter(OffsetDateTime.now(ZoneOffset.UTC).plus(MARGIN))) {
            return Mono.just(t);
        }
        return delegate.getToken(request).doOnNext(fresh -> token = fresh);
    }

    @Override
    public AccessToken getTokenSync(TokenRequestContext request) {
        AccessToken t = token;
        if (t != null
                && t.getExpiresAt().isAfter(OffsetDateTime.now(ZoneOffset.UTC).plus(MARGIN))) {
            return t;
        }
        AccessToken fresh = delegate.getTokenSync(request);
        token = fresh;
        return fresh;
    }
}
