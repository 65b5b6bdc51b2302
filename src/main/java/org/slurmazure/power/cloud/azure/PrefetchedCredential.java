package org.slurmazure.power.cloud.azure;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;

import reactor.core.publisher.Mono;

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

    /** Gets the token for {@code scope}; throws with a one-line reason when it cannot within {@code limit}. */
    void prefetch(String scope, Duration limit) throws CredentialException {
        TokenRequestContext request = new TokenRequestContext().addScopes(scope);
        CompletableFuture<AccessToken> future = CompletableFuture.supplyAsync(() -> delegate.getTokenSync(request));
        try {
            token = future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new CredentialException("no token from the identity endpoint within " + limit.toSeconds() + " s",
                    e);
        } catch (ExecutionException e) {
            throw new CredentialException("token request failed: "
                    + AzureCloudVms.firstLine(String.valueOf(e.getCause().getMessage())), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CredentialException("interrupted while waiting for a token", e);
        }
    }

    @Override
    public Mono<AccessToken> getToken(TokenRequestContext request) {
        AccessToken t = token;
        if (t != null && t.getExpiresAt().isAfter(OffsetDateTime.now().plus(MARGIN))) {
            return Mono.just(t);
        }
        return delegate.getToken(request).doOnNext(fresh -> token = fresh);
    }

    @Override
    public AccessToken getTokenSync(TokenRequestContext request) {
        AccessToken t = token;
        if (t != null && t.getExpiresAt().isAfter(OffsetDateTime.now().plus(MARGIN))) {
            return t;
        }
        AccessToken fresh = delegate.getTokenSync(request);
        token = fresh;
        return fresh;
    }

    /** No token could be had. */
    static final class CredentialException extends Exception {
        private static final long serialVersionUID = 1L;

        CredentialException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
