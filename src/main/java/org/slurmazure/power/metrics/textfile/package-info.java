/**
 * The metrics on disk: the cumulative state in the state directory and the textfile node_exporter reads, rewritten
 * under a file lock by every run ({@link TextfileMetrics}).
 */
@NullMarked
package org.slurmazure.power.metrics.textfile;

import org.jspecify.annotations.NullMarked;
