package org.slurmazure.power.nativeimage;

import java.net.URL;

import com.microsoft.aad.msal4j.AuthenticationErrorCode;
import com.microsoft.aad.msal4j.MsalClientException;
import com.oracle.svm.core.annotate.Substitute;
import com.oracle.svm.core.annotate.TargetClass;

/**
 * Native image only (compiled by the {@code native} profile from src/native/java, never part of the JVM build's
 * sources): MSAL's interactive browser login opens the browser through {@code java.awt.Desktop} on Windows. The
 * program never logs in interactively (client secret, certificate, managed identity or the Azure CLI), but the
 * image builder cannot prove it: {@code AbstractApplicationBase.getAuthenticationResultSupplier} constructs the
 * interactive supplier in a branch it keeps, and {@code Desktop} brings the whole of AWT (java.awt.Toolkit, Java2D,
 * fonts, ImageIO) and its seven shared libraries beside the executable. Here that method fails the way MSAL fails
 * on a headless machine (docs/native-image.md, "What was cut").
 */
@TargetClass(className = "com.microsoft.aad.msal4j.AcquireTokenByInteractiveFlowSupplier")
final class Target_AcquireTokenByInteractiveFlowSupplier {
    private Target_AcquireTokenByInteractiveFlowSupplier() {
    }

    @Substitute
    private static void openDefaultSystemBrowserInWindows(URL url) {
        throw new MsalClientException("Unable to open default system browser: this slurm-azure-power executable is "
                + "built without java.awt.Desktop", AuthenticationErrorCode.DESKTOP_BROWSER_NOT_SUPPORTED);
    }
}
