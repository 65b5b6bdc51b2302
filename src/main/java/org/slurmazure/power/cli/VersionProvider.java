package org.slurmazure.power.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest ("dev" when run from classes). */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = SlurmAzurePower.class.getPackage().getImplementationVersion();
        return new String[] {
            "slurm-azure-power " + (version != null ? version : "dev"),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
        };
    }
}
