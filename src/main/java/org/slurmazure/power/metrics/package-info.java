/**
 * The metrics, pure: the families node_exporter's textfile collector shows ({@link Family}), the cumulative counts
 * and histograms that every program run and reconcile pass adds to ({@link MetricsState}), and their text in the
 * Prometheus exposition format ({@link Exposition}), which is also how the counts are kept between runs. The file
 * I/O is in {@code metrics.textfile}.
 */
@NullMarked
package org.slurmazure.power.metrics;

import org.jspecify.annotations.NullMarked;
