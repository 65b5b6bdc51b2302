package org.slurmazure.power.nativeimage;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import com.oracle.svm.core.annotate.Substitute;
import com.oracle.svm.core.annotate.TargetClass;

/**
 * Native image only (src/native/java): picocli looks for method subcommands ({@code @Command} on a method) in every
 * command class it models, through {@code getMethods()}, {@code getDeclaredMethods()} and each method's annotations:
 * in an image, decoding that reflection metadata took about 4 % of a dry run's CPU. The program has no method
 * subcommand, nor has picocli's help mixin ({@code NativeImageMetadataTest.noMethodIsAPicocliCommand} fails when one
 * appears), so here the search answers what it finds on the JVM: nothing.
 */
@TargetClass(className = "picocli.CommandLine")
final class Target_picocli_CommandLine {
    private Target_picocli_CommandLine() {
    }

    @Substitute
    private static List<Method> getCommandMethods(Class<?> cls, String methodName, boolean includeInherited) {
        return new ArrayList<>();
    }
}
