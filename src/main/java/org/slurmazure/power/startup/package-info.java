/**
 * The install-time start-up archive's training run: a local HTTPS stand-in of Azure ({@link TrainingEndpoint});
 * not a domain concept, and not a test double (the ARM emulator of the tests is that).
 */
package org.slurmazure.power.startup;
