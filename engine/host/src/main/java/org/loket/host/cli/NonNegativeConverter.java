package org.loket.host.cli;

import picocli.CommandLine;

/** A finite number of 0 or more (seconds, a count), refused otherwise: a negative ring time would make a negative ASA. */
final class NonNegativeConverter implements CommandLine.ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
        return ShareConverter.number(value, 0, Double.MAX_VALUE, "give 0 or more", "must be 0 or more");
    }
}
