package org.slurmazure.power.emulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/** Renders VMs, instance views, NICs and operations as ARM's JSON (api-version 2025-04-01 shapes). */
final class Resources {
    private Resources() {
    }

    /** A VM as {@code GET virtualMachines/{vm}} returns it, with the instance view when expanded. */
    static ObjectNode vm(EmulatedVm.View v, boolean withInstanceView) {
        ObjectNode o = Json.object();
        o.put("name", v.name());
        o.put("id", vmId(v));
        o.put("type", "Microsoft.Compute/virtualMachines");
        o.put("location", v.location());
        ObjectNode tags = o.putObject("tags");
        v.tags().forEach(tags::put);
        ObjectNode p = o.putObject("properties");
        p.put("vmId", v.vmId());
        p.putObject("hardwareProfile").put("vmSize", v.vmSize());
        ObjectNode storage = p.putObject("storageProfile");
        ObjectNode image = storage.putObject("imageReference");
        image.put("publisher", "Canonical");
        image.put("offer", "ubuntu-24_04-lts");
        image.put("sku", "server");
        image.put("version", "latest");
        image.put("exactVersion", "24.04.202511010");
        ObjectNode os = storage.putObject("osDisk");
        os.put("osType", "Linux");
        os.put("name", v.name() + "-osdisk");
        os.put("createOption", "FromImage");
        os.put("caching", "ReadWrite");
        ObjectNode md = os.putObject("managedDisk");
        md.put("storageAccountType", "Premium_LRS");
        md.put("id", "/subscriptions/" + v.subscriptionId() + "/resourceGroups/" + v.resourceGroup()
                + "/providers/Microsoft.Compute/disks/" + v.name() + "-osdisk");
        os.put("deleteOption", "Delete");
        os.put("diskSizeGB", 64);
        storage.putArray("dataDisks");
        storage.put("diskControllerType", "SCSI");
        ObjectNode osProfile = p.putObject("osProfile");
        osProfile.put("computerName", v.name());
        osProfile.put("adminUsername", "azureuser");
        ObjectNode linux = osProfile.putObject("linuxConfiguration");
        linux.put("disablePasswordAuthentication", true);
        linux.put("provisionVMAgent", true);
        osProfile.putArray("secrets");
        osProfile.put("allowExtensionOperations", true);
        osProfile.put("requireGuestProvisionSignal", true);
        ObjectNode nicRef = p.putObject("networkProfile").putArray("networkInterfaces").addObject();
        nicRef.put("id", nicId(v));
        nicRef.putObject("properties").put("primary", true);
        p.putObject("diagnosticsProfile").putObject("bootDiagnostics").put("enabled", true);
        p.put("provisioningState", v.reportedProvisioning().json);
        p.put("timeCreated", Json.time(v.timeCreated()));
        if (withInstanceView) {
            p.set("instanceView", instanceView(v));
        }
        return o;
    }

    /**
     * The instance view ({@code GET .../instanceView}, or {@code properties.instanceView} when expanded). During a
     * state lag it shows the reported (older) power state with provisioning status updating.
     */
    static ObjectNode instanceView(EmulatedVm.View v) {
        ObjectNode iv = Json.object();
        iv.put("computerName", v.name());
        if (v.reportedPowerState() == PowerState.RUNNING) {
            iv.put("osName", "ubuntu");
            iv.put("osVersion", "24.04");
            ObjectNode agent = iv.putObject("vmAgent");
            agent.put("vmAgentVersion", "2.12.0.2");
            ObjectNode st = agent.putArray("statuses").addObject();
            st.put("code", "ProvisioningState/succeeded");
            st.put("level", "Info");
            st.put("displayStatus", "Ready");
            st.put("message", "Guest Agent is running");
            st.put("time", Json.time(v.provisioningTime()));
        }
        iv.put("hyperVGeneration", "V2");
        iv.set("statuses", statuses(v));
        return iv;
    }

    static ArrayNode statuses(EmulatedVm.View v) {
        ArrayNode statuses = Json.MAPPER.createArrayNode();
        ObjectNode prov = statuses.addObject();
        EmulatedVm.Provisioning p = v.reportedProvisioning();
        if (p == EmulatedVm.Provisioning.FAILED) {
            prov.put("code", p.code + "/" + v.failureCode());
            prov.put("level", "Error");
            prov.put("displayStatus", p.display);
            prov.put("message", v.failureMessage());
        } else {
            prov.put("code", p.code);
            prov.put("level", "Info");
            prov.put("displayStatus", p.display);
        }
        prov.put("time", Json.time(v.provisioningTime()));
        ObjectNode power = statuses.addObject();
        power.put("code", v.reportedPowerState().code());
        power.put("level", "Info");
        power.put("displayStatus", v.reportedPowerState().displayStatus());
        return statuses;
    }

    /** An entry of {@code ListAll?statusOnly=true}: identity plus {@code properties.instanceView.statuses}. */
    static ObjectNode vmStatusOnly(EmulatedVm.View v) {
        ObjectNode o = Json.object();
        o.put("name", v.name());
        o.put("id", vmId(v));
        o.put("type", "Microsoft.Compute/virtualMachines");
        o.put("location", v.location());
        o.putObject("properties").putObject("instanceView").set("statuses", statuses(v));
        return o;
    }

    /** The VM's NIC, with one primary dynamic IP configuration. */
    static ObjectNode nic(EmulatedVm.View v) {
        String id = nicId(v);
        String etag = "W/\"" + java.util.UUID.nameUUIDFromBytes(id.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + "\"";
        ObjectNode o = Json.object();
        o.put("name", v.nicName());
        o.put("id", id);
        o.put("etag", etag);
        o.put("type", "Microsoft.Network/networkInterfaces");
        o.put("location", v.location());
        o.putObject("tags");
        ObjectNode p = o.putObject("properties");
        p.put("provisioningState", "Succeeded");
        p.put("resourceGuid", java.util.UUID.nameUUIDFromBytes((id + "#guid")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString());
        ObjectNode ipc = p.putArray("ipConfigurations").addObject();
        ipc.put("name", "ipconfig1");
        ipc.put("id", id + "/ipConfigurations/ipconfig1");
        ipc.put("etag", etag);
        ipc.put("type", "Microsoft.Network/networkInterfaces/ipConfigurations");
        ObjectNode ipp = ipc.putObject("properties");
        ipp.put("provisioningState", "Succeeded");
        if (v.privateIp() != null) {
            ipp.put("privateIPAddress", v.privateIp());
        }
        ipp.put("privateIPAllocationMethod", "Dynamic");
        ipp.putObject("subnet").put("id", "/subscriptions/" + v.subscriptionId() + "/resourceGroups/"
                + v.resourceGroup() + "/providers/Microsoft.Network/virtualNetworks/" + v.resourceGroup()
                + "-vnet/subnets/default");
        ipp.put("primary", true);
        ipp.put("privateIPAddressVersion", "IPv4");
        ObjectNode dns = p.putObject("dnsSettings");
        dns.putArray("dnsServers");
        dns.putArray("appliedDnsServers");
        dns.put("internalDomainNameSuffix", "emulator" + Integer.toHexString(v.resourceGroup()
                .toLowerCase(Locale.ROOT).hashCode()) + ".ax.internal.cloudapp.net");
        if (v.powerState() != PowerState.DEALLOCATED && v.privateIp() != null) {
            p.put("macAddress", mac(v.privateIp()));
        }
        p.put("enableAcceleratedNetworking", false);
        p.put("vnetEncryptionSupported", false);
        p.put("enableIPForwarding", false);
        p.put("primary", true);
        p.putObject("virtualMachine").put("id", vmId(v));
        p.put("nicType", "Standard");
        return o;
    }

    /** The body of {@code GET .../operations/{id}} (the Azure-AsyncOperation URL). */
    static ObjectNode operation(Operation.View op) {
        ObjectNode o = Json.object();
        o.put("startTime", Json.time(op.startTime()));
        if (op.endTime() != null) {
            o.put("endTime", Json.time(op.endTime()));
        }
        o.put("status", op.status().json);
        if (op.errorCode() != null) {
            ObjectNode err = o.putObject("error");
            err.put("code", op.errorCode());
            err.put("message", op.errorMessage());
        }
        o.put("name", op.id());
        return o;
    }

    static String vmId(EmulatedVm.View v) {
        return "/subscriptions/" + v.subscriptionId() + "/resourceGroups/" + v.resourceGroup()
                + "/providers/Microsoft.Compute/virtualMachines/" + v.name();
    }

    static String nicId(EmulatedVm.View v) {
        return "/subscriptions/" + v.subscriptionId() + "/resourceGroups/" + v.resourceGroup()
                + "/providers/Microsoft.Network/networkInterfaces/" + v.nicName();
    }

    private static String mac(String ip) {
        int n = VmSpecs.ipToInt(ip);
        return String.format(Locale.ROOT, "00-0D-3A-%02X-%02X-%02X", n >>> 16 & 255, n >>> 8 & 255, n & 255);
    }
}
