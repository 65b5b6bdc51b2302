/**
 * The native image's entry point ({@link NativeImageMain}): what an image lacks is set before the command line runs;
 * and the logic of the image's substitutions that can be tested on the JVM ({@link PicocliArity}; the substitutions
 * themselves are in src/native/java, compiled by the native profile only).
 */
@NullMarked
package org.slurmazure.power.nativeimage;

import org.jspecify.annotations.NullMarked;
