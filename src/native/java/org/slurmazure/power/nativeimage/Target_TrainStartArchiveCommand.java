package org.slurmazure.power.nativeimage;

import org.slurmazure.power.cli.ExitCode;
import org.slurmazure.power.cli.UserException;

import com.oracle.svm.core.annotate.Substitute;
import com.oracle.svm.core.annotate.TargetClass;

/**
 * Native image only (src/native/java): the hidden {@code train-start-archive} subcommand trains the JVM's start-up
 * archive (it runs the power programs against a local HTTPS stand-in of Azure, the JDK's HTTP server with a
 * certificate made by the JDK's keytool). An executable has no such archive and no keytool beside it: here the
 * subcommand fails at once, and the HTTP server and the training endpoint stay out of the image.
 */
@TargetClass(className = "org.slurmazure.power.cli.TrainStartArchiveCommand")
final class Target_TrainStartArchiveCommand {
    private Target_TrainStartArchiveCommand() {
    }

    @Substitute
    public Integer call() {
        throw new UserException(ExitCode.INVALID_INPUT,
                "trains the JVM's start-up archive, which a native executable does not have");
    }
}
