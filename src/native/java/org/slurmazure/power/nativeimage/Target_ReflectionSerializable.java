package org.slurmazure.power.nativeimage;

import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Function;

import com.azure.xml.XmlSerializable;
import com.oracle.svm.core.annotate.Substitute;
import com.oracle.svm.core.annotate.TargetClass;

/**
 * Native image only (src/native/java): azure-core's XML (de)serialization of {@code XmlSerializable} bodies, which
 * no service the program calls uses (ARM and Entra ID speak JSON). The builder cannot see that: azure-core's generic
 * body codec reaches the StAX factories, and with them the JDK's XML stack (Xerces and friends, some 700 classes).
 * Here azure-core sees no type as XML-serializable; the XML entry points fail if ever reached.
 */
@TargetClass(className = "com.azure.core.implementation.ReflectionSerializable")
final class Target_ReflectionSerializable {
    private Target_ReflectionSerializable() {
    }

    @Substitute
    public static boolean supportsXmlSerializable(Class<?> bodyContentClass) {
        return false;
    }

    @Substitute
    private static <T> T serializeXmlSerializableWithReturn(XmlSerializable<?> xmlSerializable,
                                                            Function<?, T> returner) throws IOException {
        throw new IOException("XML bodies are not supported by this slurm-azure-power executable");
    }

    @Substitute
    public static void serializeXmlSerializableIntoOutputStream(XmlSerializable<?> xmlSerializable,
                                                                OutputStream outputStream) throws IOException {
        throw new IOException("XML bodies are not supported by this slurm-azure-power executable");
    }

    @Substitute
    public static Object deserializeAsXmlSerializable(Class<?> xmlSerializable, byte[] xml) throws IOException {
        throw new IOException("XML bodies are not supported by this slurm-azure-power executable");
    }
}
