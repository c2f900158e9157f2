package org.loket.host.cli;

import picocli.CommandLine.Option;

/**
 * {@code --sl-target} of the commands that write the HTML report ({@code report}, and through
 * {@link WhatIfOptions} {@code simulate} and {@code compare}): one definition, one text.
 */
final class SlTargetOption {
    @Option(names = "--sl-target", converter = ShareConverter.class, description = "draw this one service-level target (0..1) in the HTML report's chart instead of the "
            + "queues' own (serviceLevelPercent, weighted by their contacts per interval)")
    Double serviceLevelTarget;
}
