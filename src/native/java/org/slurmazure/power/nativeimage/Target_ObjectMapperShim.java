package org.slurmazure.power.nativeimage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Member;
import java.lang.reflect.Type;
import java.util.function.BiConsumer;

import com.azure.core.http.HttpHeaders;
import com.azure.core.implementation.jackson.ObjectMapperShim;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.oracle.svm.core.annotate.Substitute;
import com.oracle.svm.core.annotate.TargetClass;

/**
 * Native image only (src/native/java): azure-core's Jackson data binding, which no call of the program uses. Every
 * body the program sends or reads through the SDK is a {@code JsonSerializable} model (the VM, the VM list, the
 * compute API's error {@code ApiError}), which azure-core codes with azure-json before it would reach an
 * {@code ObjectMapper}; query and path values are strings, booleans and {@code ExpandableStringEnum}s, which
 * azure-core writes without a serializer; no response has typed headers; the NIC, list and poll bodies are parsed by
 * the program itself. The builder cannot see that: azure-core's {@code JacksonAdapter}, {@code HttpLoggingPolicy}
 * and {@code DefaultJsonSerializer} each build mappers through this class, and with them jackson-databind and
 * jackson-datatype-jsr310 stay in the image (about 2.5 MB of the file). Here the mappers are never built, and every
 * binding fails with one clear error if ever reached.
 */
@TargetClass(ObjectMapperShim.class)
final class Target_ObjectMapperShim {
    private Target_ObjectMapperShim() {
    }

    @Substitute
    public static ObjectMapperShim createJsonMapper(ObjectMapperShim innerMapperShim,
                                                    BiConsumer<ObjectMapper, ObjectMapper> configure) {
        return new ObjectMapperShim(null);
    }

    @Substitute
    public static ObjectMapperShim createXmlMapper() {
        return new ObjectMapperShim(null);
    }

    @Substitute
    public static ObjectMapperShim createSimpleMapper() {
        return new ObjectMapperShim(null);
    }

    @Substitute
    public static ObjectMapperShim createDefaultMapper() {
        return new ObjectMapperShim(null);
    }

    @Substitute
    public static ObjectMapperShim createPrettyPrintMapper() {
        return new ObjectMapperShim(null);
    }

    @Substitute
    public static ObjectMapperShim createHeaderMapper() {
        return new ObjectMapperShim(null);
    }

    @Substitute
    public String writeValueAsString(Object value) throws IOException {
        throw NoDataBinding.unsupported(value == null ? null : value.getClass());
    }

    @Substitute
    public byte[] writeValueAsBytes(Object value) throws IOException {
        throw NoDataBinding.unsupported(value == null ? null : value.getClass());
    }

    @Substitute
    public void writeValue(OutputStream out, Object value) throws IOException {
        throw NoDataBinding.unsupported(value == null ? null : value.getClass());
    }

    @Substitute
    public <T> T readValue(String content, Type valueType) throws IOException {
        throw NoDataBinding.unsupported(valueType);
    }

    @Substitute
    public <T> T readValue(byte[] content, Type valueType) throws IOException {
        throw NoDataBinding.unsupported(valueType);
    }

    @Substitute
    public <T> T readValue(InputStream content, Type valueType) throws IOException {
        throw NoDataBinding.unsupported(valueType);
    }

    @Substitute
    public JsonNode readTree(String content) throws IOException {
        throw NoDataBinding.unsupported(JsonNode.class);
    }

    @Substitute
    public JsonNode readTree(byte[] content) throws IOException {
        throw NoDataBinding.unsupported(JsonNode.class);
    }

    @Substitute
    public <T> T deserialize(HttpHeaders headers, Type deserializedHeadersType) throws IOException {
        throw NoDataBinding.unsupported(deserializedHeadersType);
    }

    @Substitute
    public String convertMemberName(Member member) {
        throw new UnsupportedOperationException(NoDataBinding.message(member.getDeclaringClass()));
    }

}

/** The error of every binding the image leaves out (a substitution class may hold substituted members only). */
final class NoDataBinding {
    private NoDataBinding() {
    }

    static IOException unsupported(Type type) {
        return new IOException(message(type));
    }

    static String message(Type type) {
        return "Jackson data binding (of " + (type == null ? "null" : type.getTypeName())
                + ") is not supported by this slurm-azure-power executable";
    }
}
