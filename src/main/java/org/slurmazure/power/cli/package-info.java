/**
 * The command line (picocli): one class per subcommand, the tree declared in {@link SlurmAzurePower}, one place
 * that maps failures to exit codes ({@link ErrorHandler}), and the composition root ({@link CloudWiring}).
 */
package org.slurmazure.power.cli;
