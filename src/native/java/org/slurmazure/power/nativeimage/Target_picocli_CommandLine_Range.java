package org.slurmazure.power.nativeimage;

import com.oracle.svm.core.annotate.Substitute;
import com.oracle.svm.core.annotate.TargetClass;

/**
 * Native image only (src/native/java): picocli's arity parsing without its exception per option (the reason and the
 * equivalence test: {@link PicocliArity}).
 */
@TargetClass(className = "picocli.CommandLine$Range")
final class Target_picocli_CommandLine_Range {
    private Target_picocli_CommandLine_Range() {
    }

    @Substitute
    private static int parseInt(String str, int defaultValue) {
        return PicocliArity.parseInt(str, defaultValue);
    }
}
