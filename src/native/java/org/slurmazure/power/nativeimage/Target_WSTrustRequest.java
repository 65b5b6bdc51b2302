package org.slurmazure.power.nativeimage;

import com.microsoft.aad.msal4j.AuthenticationErrorCode;
import com.microsoft.aad.msal4j.MsalClientException;
import com.oracle.svm.core.annotate.Substitute;
import com.oracle.svm.core.annotate.TargetClass;

/**
 * Native image only (src/native/java): MSAL's WS-Trust exchange (username/password and integrated Windows login
 * against a federated AD FS), which parses SOAP with the JDK's DOM and XPath. The program never logs in with a
 * user's password (client secret, certificate, managed identity or the Azure CLI), but the builder cannot prove it
 * (MSAL picks the grant by request type at run time), and the exchange alone keeps the JDK's XML stack in the image
 * (Xerces, Xalan's XPath: some 4 MB of code). Here every WS-Trust request fails as an unreachable AD FS would.
 */
@TargetClass(className = "com.microsoft.aad.msal4j.WSTrustRequest")
final class Target_WSTrustRequest {
    private Target_WSTrustRequest() {
    }

    @Substitute
    static Target_WSTrustResponse execute(String username, String password, String cloudAudienceUrn,
                                          Target_BindingPolicy policy, Target_RequestContext requestContext,
                                          Target_ServiceBundle serviceBundle) throws Exception {
        throw new MsalClientException("WS-Trust (federated password login) is not supported by this slurm-azure-power "
                + "executable", AuthenticationErrorCode.WSTRUST_SERVICE_ERROR);
    }

    @Substitute
    static Target_WSTrustResponse execute(String url, String username, String password, String cloudAudienceUrn,
                                          Target_RequestContext requestContext, Target_ServiceBundle serviceBundle,
                                          boolean logPii) throws Exception {
        throw new MsalClientException("WS-Trust (federated password login) is not supported by this slurm-azure-power "
                + "executable", AuthenticationErrorCode.WSTRUST_SERVICE_ERROR);
    }

    @Substitute
    static Target_WSTrustResponse execute(String url, String cloudAudienceUrn, Target_RequestContext requestContext,
                                          Target_ServiceBundle serviceBundle, boolean logPii) throws Exception {
        throw new MsalClientException("WS-Trust (integrated Windows login) is not supported by this slurm-azure-power "
                + "executable", AuthenticationErrorCode.WSTRUST_SERVICE_ERROR);
    }
}

/** MSAL's package-private types in the signatures above. */
@TargetClass(className = "com.microsoft.aad.msal4j.WSTrustResponse")
final class Target_WSTrustResponse {
    private Target_WSTrustResponse() {
    }
}

@TargetClass(className = "com.microsoft.aad.msal4j.BindingPolicy")
final class Target_BindingPolicy {
    private Target_BindingPolicy() {
    }
}

@TargetClass(className = "com.microsoft.aad.msal4j.RequestContext")
final class Target_RequestContext {
    private Target_RequestContext() {
    }
}

@TargetClass(className = "com.microsoft.aad.msal4j.ServiceBundle")
final class Target_ServiceBundle {
    private Target_ServiceBundle() {
    }
}
