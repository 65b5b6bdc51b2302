/**
 * The cloud boundary: the small interface the engine drives ({@link CloudVms}) and its classified failures
 * ({@link CloudException}); nothing here knows Azure's codes.
 */
@NullMarked
package org.slurmazure.power.cloud;

import org.jspecify.annotations.NullMarked;
