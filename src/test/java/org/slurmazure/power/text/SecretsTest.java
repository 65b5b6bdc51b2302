package org.slurmazure.power.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class SecretsTest {
    @Test
    void thePasswordOfAUrlIsMasked() {
        assertEquals("azure.proxy: found \"http://svc:****@proxy.example:3128\", expected http://HOST:PORT",
                Secrets.redact("azure.proxy: found \"http://svc:S3cretPass@proxy.example:3128\", expected "
                        + "http://HOST:PORT"));
    }

    @Test
    void keyValueSecretsAndTokensAreMasked() {
        String s = Secrets.redact("client_secret=abc123&grant_type=client_credentials password: hunter2 "
                + "Authorization: Bearer eyJ0eXAiOiJKV1Qi.eyJhdWQiOiJ4In0.c2ln sig=AbC%2Bd");

        assertFalse(s.contains("abc123"), s);
        assertFalse(s.contains("hunter2"), s);
        assertFalse(s.contains("eyJ0eXAi"), s);
        assertFalse(s.contains("AbC%2Bd"), s);
        assertEquals("grant_type=client_credentials", s.split("&")[1].split(" ")[0]);
    }

    @Test
    void ordinaryTextIsLeftAlone() {
        String line = "node=azc001 vm=hpc1-burst/azc001 action=start result=ok state=deallocated->running "
                + "ip=10.1.0.5 duration=3.8s jobs=140814 https://management.azure.com/subscriptions/x";
        assertEquals(line, Secrets.redact(line));
        assertEquals(null, Secrets.redact(null));
    }
}
