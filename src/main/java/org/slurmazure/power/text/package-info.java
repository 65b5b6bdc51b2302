/**
 * Text shown to people, pure: masking what may be a secret ({@link Secrets}).
 */
@NullMarked
package org.slurmazure.power.text;

import org.jspecify.annotations.NullMarked;
