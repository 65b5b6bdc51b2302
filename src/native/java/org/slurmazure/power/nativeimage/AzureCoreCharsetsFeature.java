package org.slurmazure.power.nativeimage;

import java.nio.charset.Charset;

import org.graalvm.nativeimage.hosted.Feature;

import com.oracle.svm.hosted.jdk.localization.LocalizationFeature;

/**
 * Native image only (src/native/java): the two charsets azure-core needs beyond the image's standard ones (US-ASCII,
 * ISO-8859-1, UTF-8, UTF-16*). azure-core's {@code ImplUtils} looks up UTF-32BE and UTF-32LE by name when it is
 * initialised (its BOM-aware decoding of response bodies); without them the first token request failed with an
 * {@code UnsupportedCharsetException}. azure-core's own native-image.properties adds every charset of the JDK
 * ({@code -H:+AddAllCharsets}, about 5 MB of tables) for that; the native profile excludes that file and registers
 * this feature instead (docs/native-image.md, "What was cut"). GraalVM has no option that adds one named charset;
 * {@code LocalizationFeature.addCharset} is what {@code -H:+AddAllCharsets} calls for each one.
 */
public final class AzureCoreCharsetsFeature implements Feature {
    @Override
    public String getDescription() {
        return "Adds the UTF-32BE and UTF-32LE charsets azure-core looks up by name";
    }

    @Override
    public void beforeAnalysis(BeforeAnalysisAccess access) {
        LocalizationFeature.addCharset(Charset.forName("UTF-32BE"));
        LocalizationFeature.addCharset(Charset.forName("UTF-32LE"));
    }
}
