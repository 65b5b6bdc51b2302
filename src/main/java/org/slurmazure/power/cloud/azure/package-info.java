/**
 * {@link org.slurmazure.power.cloud.CloudVms} on Azure Resource Manager with the Azure SDK: the one place that knows Azure's error codes
 * ({@link AzureFailures}), polls long-running operations, reads in bulk and paces requests under throttling.
 */
package org.slurmazure.power.cloud.azure;
