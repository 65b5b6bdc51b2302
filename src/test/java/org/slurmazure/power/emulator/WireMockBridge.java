package org.slurmazure.power.emulator;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.common.Notifier;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.standalone.MappingsSource;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.stubbing.StubMappings;
import java.util.List;
import java.util.function.Supplier;

/**
 * The only WireMock extension: applied to the one catch-all stub, it hands every request to
 * {@link EmulatorHandler} and turns the answer into a WireMock response (status, headers, body, delay, fault).
 */
final class WireMockBridge implements ResponseDefinitionTransformerV2 {
    static final String NAME = "arm-emulator";

    private final EmulatorHandler handler;
    private final Supplier<String> fallbackBase;

    WireMockBridge(EmulatorHandler handler, Supplier<String> fallbackBase) {
        this.handler = handler;
        this.fallbackBase = fallbackBase;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return true;
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        Request r = serveEvent.getRequest();
        EmulatorRequest req = new EmulatorRequest(r.getMethod().getName(), r.getUrl(), r::getHeader,
                r.getBodyAsString(), r.getScheme(), fallbackBase.get());
        EmulatorResponse resp = handler.handle(req);
        ResponseDefinitionBuilder b = ResponseDefinitionBuilder.responseDefinition();
        switch (resp.drop) {
            case CONNECTION_RESET -> b.withFault(Fault.CONNECTION_RESET_BY_PEER);
            case EMPTY_RESPONSE -> b.withFault(Fault.EMPTY_RESPONSE);
            default -> {
                b.withStatus(resp.status);
                resp.headers.forEach(b::withHeader);
                if (!resp.body.isEmpty()) {
                    b.withBody(resp.body);
                }
            }
        }
        if (resp.delayMillis > 0) {
            b.withFixedDelay((int) Math.min(Integer.MAX_VALUE, resp.delayMillis));
        }
        return b.build();
    }

    /** No mapping files: the catch-all stub is added in code, and a ./mappings directory must not leak in. */
    static final class NoMappings implements MappingsSource {
        @Override
        public void loadMappingsInto(StubMappings stubMappings) {
        }

        @Override
        public void save(List<StubMapping> stubMappings) {
        }

        @Override
        public void save(StubMapping stubMapping) {
        }

        @Override
        @SuppressWarnings("removal")
        public void remove(StubMapping stubMapping) {
        }

        @Override
        public void removeAll() {
        }
    }

    /** WireMock's own messages go to stderr, errors only (the emulator prints what matters itself). */
    static final class QuietNotifier implements Notifier {
        @Override
        public void info(String message) {
        }

        @Override
        public void error(String message) {
            System.err.println("arm-emulator (wiremock): " + message);
        }

        @Override
        public void error(String message, Throwable t) {
            System.err.println("arm-emulator (wiremock): " + message + ": " + t);
        }
    }
}
