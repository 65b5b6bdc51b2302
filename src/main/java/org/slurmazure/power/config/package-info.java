/**
 * The YAML configuration: model ({@link org.slurmazure.power.config.Config} and its records), loading with file and
 * line locations, and validation ({@link org.slurmazure.power.config.ConfigLoader}).
 */
package org.slurmazure.power.config;
