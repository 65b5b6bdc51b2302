/**
 * JSON as an immutable tree of the program's own ({@link JsonValue}), read and written with jackson-core's streaming
 * API ({@link Json}). jackson-databind is not used, so that the native image leaves it out (docs/native-image.md).
 * No I/O besides reading a String.
 */
@NullMarked
package org.slurmazure.power.json;

import org.jspecify.annotations.NullMarked;
