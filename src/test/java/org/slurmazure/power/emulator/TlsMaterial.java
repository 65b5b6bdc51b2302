package org.slurmazure.power.emulator;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The emulator's self-signed server certificate (SAN {@code dns:localhost,ip:127.0.0.1}), cached per directory and
 * reused while it has more than 30 days left. It is made once per user with the JDK's keytool in
 * {@link #defaultDirectory()} and copied from there into other directories. {@code cert.pem} next to the keystore
 * is what clients trust (the product's {@code azure.caCertificates}).
 */
public final class TlsMaterial {
    static final String KEYSTORE_NAME = "arm-emulator.p12";
    static final String PEM_NAME = "cert.pem";
    static final String PASSWORD = "arm-emulator";
    private static final String ALIAS = "arm-emulator";

    private final Path keystore;
    private final Path certificatePem;

    private TlsMaterial(Path keystore, Path certificatePem) {
        this.keystore = keystore;
        this.certificatePem = certificatePem;
    }

    /** The shared cache when no directory is given: {@code ${java.io.tmpdir}/arm-emulator-tls-${user.name}}. */
    static Path defaultDirectory() {
        return Paths.get(System.getProperty("java.io.tmpdir"), "arm-emulator-tls-" + System.getProperty("user.name"));
    }

    /** Reuses or makes the keystore and {@code cert.pem} in {@code dir} (safe when several processes race). */
    @SuppressWarnings("try")
    static synchronized TlsMaterial prepare(Path dir) throws IOException {
        // synchronized: FileLock excludes other processes only; two threads of this JVM would get
        // OverlappingFileLockException.
        createPrivateDirectory(dir);
        Path ks = dir.resolve(KEYSTORE_NAME);
        Path pem = dir.resolve(PEM_NAME);
        try (FileChannel ch = FileChannel.open(dir.resolve(".arm-emulator-tls.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock ignored = ch.lock()) {
            X509Certificate cert = loadUsable(ks);
            Path shared = defaultDirectory();
            if (cert == null && !dir.toAbsolutePath().normalize().equals(shared.toAbsolutePath().normalize())) {
                // A new directory (a fresh --state-dir, a test's temp dir): copy the user's shared certificate
                // instead of running keytool again (about 1 s).
                try {
                    Path from = prepare(shared).keystore();
                    Path tmp = ks.resolveSibling(KEYSTORE_NAME + ".copy-" + ProcessHandle.current().pid());
                    Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, ks, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    cert = loadUsable(ks);
                } catch (IOException e) {
                    cert = null;
                }
            }
            if (cert == null) {
                generate(ks);
                cert = loadUsable(ks);
                if (cert == null) {
                    throw new IOException("keytool made " + ks + " but it cannot be used");
                }
            }
            String text = toPem(cert);
            if (!Files.exists(pem) || !Files.readString(pem, StandardCharsets.US_ASCII).equals(text)) {
                Path tmp = dir.resolve(PEM_NAME + ".tmp");
                Files.writeString(tmp, text, StandardCharsets.US_ASCII);
                Files.move(tmp, pem, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        return new TlsMaterial(ks, pem);
    }

    Path keystore() {
        return keystore;
    }

    /** The PEM file of the certificate to trust. */
    public Path certificatePem() {
        return certificatePem;
    }

    /** An SSLContext that trusts exactly the certificates of a PEM file. */
    public static SSLContext trusting(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                trust.setCertificateEntry("ca" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build an SSLContext from " + pem + ": " + e.getMessage(), e);
        }
    }

    private static X509Certificate loadUsable(Path ks) {
        if (!Files.isRegularFile(ks)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(ks)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            if (!store.isKeyEntry(ALIAS)) {
                return null;
            }
            X509Certificate cert = (X509Certificate) store.getCertificate(ALIAS);
            if (cert.getNotAfter().toInstant().isBefore(Instant.now().plus(Duration.ofDays(30)))) {
                return null;
            }
            List<String> names = new ArrayList<>();
            if (cert.getSubjectAlternativeNames() != null) {
                cert.getSubjectAlternativeNames().forEach(san -> names.add(String.valueOf(san.get(1))));
            }
            return names.contains("localhost") && names.contains("127.0.0.1") ? cert : null;
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            return null;
        }
    }

    private static void generate(Path ks) throws IOException {
        Path tmp = ks.resolveSibling(KEYSTORE_NAME + ".tmp-" + ProcessHandle.current().pid());
        Files.deleteIfExists(tmp);
        Path keytool = Paths.get(System.getProperty("java.home"), "bin", "keytool");
        List<String> cmd = List.of(keytool.toString(),
                "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC", "-J-Xshare:auto",
                "-genkeypair", "-alias", ALIAS, "-keyalg", "RSA", "-keysize", "2048", "-validity", "3650",
                "-dname", "CN=localhost, OU=ARM emulator, O=slurm-azure-power",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", tmp.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD, "-noprompt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out;
        try {
            out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("keytool did not finish within 60 s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running keytool", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("keytool failed (exit " + p.exitValue() + "): "
                    + new String(out, StandardCharsets.UTF_8).trim());
        }
        Files.move(tmp, ks, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static String toPem(X509Certificate cert) {
        try {
            String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(cert.getEncoded());
            return "-----BEGIN CERTIFICATE-----\n" + b64 + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses the first certificate of a PEM text (for tests). */
    static X509Certificate parsePem(String pem) throws GeneralSecurityException {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir.getParent() == null ? dir : dir.getParent());
            Files.createDirectory(dir,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            // made concurrently: fine
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir);
        }
    }
}
