package org.slurmazure.power.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMaterialTest {

    @Test
    void theCertificateCoversLocalhostAndLoopbackAndIsReusedPerDirectory(@TempDir Path dir) throws Exception {
        TlsMaterial first = TlsMaterial.prepare(dir);
        String pem = Files.readString(first.certificatePem());
        long keystoreTime = Files.getLastModifiedTime(first.keystore()).toMillis();

        X509Certificate cert = TlsMaterial.parsePem(pem);
        List<String> names = new ArrayList<>();
        cert.getSubjectAlternativeNames().forEach(san -> names.add(String.valueOf(san.get(1))));
        assertTrue(names.containsAll(List.of("localhost", "127.0.0.1")), names.toString());
        assertEquals(dir.resolve("cert.pem"), first.certificatePem());

        TlsMaterial second = TlsMaterial.prepare(dir);
        assertEquals(pem, Files.readString(second.certificatePem()), "the cached certificate is reused");
        assertEquals(keystoreTime, Files.getLastModifiedTime(second.keystore()).toMillis());
        assertEquals(pem, Files.readString(TlsMaterial.defaultDirectory().resolve("cert.pem")),
                "copied from the user's shared certificate");
    }

    @Test
    void aBrokenKeystoreIsReplaced(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(TlsMaterial.KEYSTORE_NAME), "not a keystore");

        TlsMaterial tls = TlsMaterial.prepare(dir);

        assertTrue(Files.readString(tls.certificatePem()).startsWith("-----BEGIN CERTIFICATE-----\n"));
        TlsMaterial.trusting(tls.certificatePem());
    }
}
