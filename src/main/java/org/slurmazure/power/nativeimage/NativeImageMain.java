package org.slurmazure.power.nativeimage;

import java.nio.file.Path;

import org.slurmazure.power.cli.SlurmAzurePower;

/**
 * The main class of the native image ({@code mvn -Pnative package}, docs/native-image.md); the jar's stays
 * {@link SlurmAzurePower}. It sets what a native image lacks before any other class runs, then hands over.
 *
 * <p>{@code java.home}: a native image has none (the property is null), and azure-core-http-jdk-httpclient reads
 * {@code ${java.home}/conf/net.properties} when it builds its client ({@code JdkHttpClientBuilder.getNetworkProperties},
 * {@code Paths.get(null, ...)}: a NullPointerException, i.e. every run that talks to Azure ends with an internal
 * error). In an image only ({@code org.graalvm.nativeimage.imagecode} is {@code runtime}) and only when not given
 * ({@code -Djava.home=...} on the command line wins), java.home becomes the executable's directory: there is
 * normally no {@code conf/net.properties} beside it, which the SDK treats as an empty one (it logs that at WARN
 * under {@code com.azure.core.http.jdk.httpclient}, a logger the program keeps at ERROR), as the JDK's own
 * net.properties is in effect (every entry commented out). An admin who needs {@code
 * jdk.httpclient.allowRestrictedHeaders} puts a {@code conf/net.properties} beside the executable.
 */
public final class NativeImageMain {
    /** The system property GraalVM sets to {@code buildtime} in the image builder and {@code runtime} in an image. */
    static final String IMAGE_CODE = "org.graalvm.nativeimage.imagecode";

    private NativeImageMain() {}

    public static void main(String[] args) {
        setJavaHome();
        SlurmAzurePower.main(args);
    }

    /** Sets java.home to the executable's directory in a native image where it is unset; else does nothing. */
    static void setJavaHome() {
        if (!"runtime".equals(System.getProperty(IMAGE_CODE)) || System.getProperty("java.home") != null) {
            return;
        }
        System.setProperty("java.home", executableDirectory());
    }

    /** The directory of the running executable, else {@code /} (whose conf/net.properties does not exist either). */
    static String executableDirectory() {
        try {
            Path exe = Path.of("/proc/self/exe").toRealPath();
            Path dir = exe.getParent();
            if (dir != null) {
                return dir.toString();
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux, or /proc not mounted
        }
        return ProcessHandle.current()
                .info()
                .command()
                .map(c -> Path.of(c).getParent())
                .map(Path::toString)
                .orElse("/");
    }
}
