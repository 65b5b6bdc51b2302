/**
 * The native image's entry point ({@link NativeImageMain}): what an image lacks is set before the command line runs.
 */
@NullMarked
package org.slurmazure.power.nativeimage;

import org.jspecify.annotations.NullMarked;
