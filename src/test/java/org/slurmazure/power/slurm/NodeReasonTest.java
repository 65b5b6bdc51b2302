package org.slurmazure.power.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NodeReasonTest {

    @Test
    void keepsAShortPrintableReasonAsItIs() {
        String reason = "azure: capacity: AllocationFailed \"Standard_D2s_v5\" in 'westeurope': a=b; x";

        assertEquals(reason, NodeReason.clean(reason));
    }

    @Test
    void putsEverythingOnOneLine() {
        assertEquals("azure: azure-error: line one line two", NodeReason.clean(
                "\n azure: azure-error:\r\nline one\t\tline two \n"));
    }

    @Test
    void replacesCharactersOutsidePrintableAsciiWithAQuestionMark() {
        assertEquals("azure: quota: caf? ?? x?", NodeReason.clean("azure: quota: caf\u00e9 \u65e5\u672c x\uD83D\uDE00"));
    }

    @Test
    void cutsLongReasonsAndSaysSo() {
        String cleaned = NodeReason.clean("azure: capacity: " + "x".repeat(500));

        assertEquals(NodeReason.MAX_LENGTH, cleaned.length());
        assertTrue(cleaned.endsWith("xxx..."), cleaned);
    }

    @Test
    void keepsAReasonOfExactlyTheMaximumLength() {
        String reason = "r".repeat(NodeReason.MAX_LENGTH);

        assertEquals(reason, NodeReason.clean(reason));
    }

    @Test
    void neverGivesSlurmAnEmptyReason() {
        assertEquals(NodeReason.UNSPECIFIED, NodeReason.clean(null));
        assertEquals(NodeReason.UNSPECIFIED, NodeReason.clean(" \n\t "));
    }

    @Test
    void buildsTheAzurePrefix() {
        assertEquals("azure: capacity: AllocationFailed: no capacity for Standard_D2s_v5",
                NodeReason.azure("capacity", "AllocationFailed: no capacity\nfor Standard_D2s_v5"));
        assertEquals("azure: timeout", NodeReason.azure("timeout", null));
    }
}
