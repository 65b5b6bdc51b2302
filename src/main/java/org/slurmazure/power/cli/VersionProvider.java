package org.slurmazure.power.cli;

import picocli.CommandLine.IVersionProvider;

/**
 * The version from the jar manifest ("dev" when run from classes). Public, with a public constructor: picocli creates
 * it with {@code Class.newInstance}, which on a package-private class fails once (an exception) before picocli makes
 * the constructor accessible.
 */
public final class VersionProvider implements IVersionProvider {
    public VersionProvider() {}

    @Override
    public String[] getVersion() {
        String version = SlurmAzurePower.class.getPackage().getImplementationVersion();
        return new String[] {
            "slurm-azure-power " + (version != null ? version : "dev"),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
        };
    }
}
