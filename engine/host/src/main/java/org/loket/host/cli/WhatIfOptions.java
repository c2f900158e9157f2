package org.loket.host.cli;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Options of {@code simulate} and {@code compare} that {@code staff} does not take: it finds the agents
 * the roster's shifts lack against the queues' own targets, so a recorded staffing and one drawn
 * target would mean nothing there (and its {@code --help} does not offer them).
 */
final class WhatIfOptions {
    @Mixin
    SlTargetOption slTarget;

    @Option(names = "--staffing", description = "a staffing file (loket trace extract --staffing-out): the agents it names log in, "
            + "pause and log out as recorded instead of by their shifts")
    Path staffing;
}
