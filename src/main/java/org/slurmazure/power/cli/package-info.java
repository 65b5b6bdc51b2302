/**
 * The command line (picocli): one class per subcommand, the tree declared in {@link SlurmAzurePower}, one place
 * that maps failures to exit codes ({@link ErrorHandler}), and the composition root ({@link CloudWiring}). The I/O of
 * {@code doctor} is here too: {@link DoctorSurvey} and the three surveys it runs (program files, Azure, network).
 */
package org.slurmazure.power.cli;
