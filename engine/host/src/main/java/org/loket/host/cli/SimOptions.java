package org.loket.host.cli;

import java.time.LocalDate;
import java.time.ZoneId;
import org.loket.host.kpi.KpiCollector;
import org.loket.host.sim.DaySimulator;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by {@code simulate}, {@code compare} and {@code staff} (the first two also take {@link WhatIfOptions}). */
final class SimOptions {
    @Option(names = "--date", defaultValue = "2027-03-01",
            description = "the simulated day (its weekday and holidays decide the business hours); default ${DEFAULT-VALUE}, a tax-peak Monday")
    LocalDate date;

    @Option(names = "--zone", description = "local time of the trace, shifts and report intervals; default the configuration's hours.zone "
            + "(business hours are always in that zone)")
    ZoneId zone;

    @Option(names = "--ring-seconds", defaultValue = "3", converter = NonNegativeConverter.class, description = "how long an offer rings before the agent accepts; default ${DEFAULT-VALUE}")
    double ringSeconds;

    @Option(names = "--callback-accept-share", defaultValue = "" + DaySimulator.Settings.DEFAULT_CALLBACK_ACCEPT_SHARE,
            converter = ShareConverter.class,
            description = "share (0..1) of citizens who take the callback an escalation step offers; the rest keep waiting."
                    + " An estimate; default ${DEFAULT-VALUE}")
    double callbackAcceptShare;

    @Mixin
    RosterOptions roster;

    DaySimulator.Settings settings() {
        return new DaySimulator.Settings(date, zone, Math.round(ringSeconds * 1000), KpiCollector.DEFAULT_SHORT_ABANDON_MS,
                callbackAcceptShare, roster.seed, roster.absenceShare);
    }
}
