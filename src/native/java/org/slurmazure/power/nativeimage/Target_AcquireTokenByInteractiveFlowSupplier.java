package org.slurmazure.power.nativeimage;

import com.microsoft.aad.msal4j.AuthenticationErrorCode;
import com.microsoft.aad.msal4j.MsalClientException;
import com.oracle.svm.core.annotate.Substitute;
import com.oracle.svm.core.annotate.TargetClass;

/**
 * Native image only (compiled by the {@code native} profile from src/native/java, never part of the JVM build's
 * sources): MSAL's interactive browser login. The program never logs in interactively (client secret, certificate,
 * managed identity or the Azure CLI), but the image builder cannot prove it:
 * {@code AbstractApplicationBase.getAuthenticationResultSupplier} constructs the interactive supplier in a branch it
 * keeps. The flow opens the browser through {@code java.awt.Desktop} on Windows (the whole of AWT, Java2D, fonts,
 * ImageIO, and seven shared libraries beside the executable) and waits for the redirect on a localhost listener
 * (the JDK's HTTP server). Here the flow fails at once, as MSAL fails on a headless machine (docs/native-image.md,
 * "What was cut").
 */
@TargetClass(className = "com.microsoft.aad.msal4j.AcquireTokenByInteractiveFlowSupplier")
final class Target_AcquireTokenByInteractiveFlowSupplier {
    private Target_AcquireTokenByInteractiveFlowSupplier() {
    }

    @Substitute
    Target_AuthenticationResult execute() {
        throw new MsalClientException("Unable to open default system browser: this slurm-azure-power executable does "
                + "not log in interactively", AuthenticationErrorCode.DESKTOP_BROWSER_NOT_SUPPORTED);
    }
}

/** MSAL's package-private result type in the signature above. */
@TargetClass(className = "com.microsoft.aad.msal4j.AuthenticationResult")
final class Target_AuthenticationResult {
    private Target_AuthenticationResult() {
    }
}
