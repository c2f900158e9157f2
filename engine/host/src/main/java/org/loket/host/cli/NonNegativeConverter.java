package org.loket.host.cli;

import picocli.CommandLine;

/** A finite number of 0 or more (seconds, a count), refused otherwise: a negative ring time would make a negative ASA. */
final class NonNegativeConverter implements CommandLine.ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
        double number;
        try {
            number = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a number");
        }
        if (!(number >= 0) || Double.isInfinite(number)) {
            throw new CommandLine.TypeConversionException("'" + value + "' must be 0 or more");
        }
        return number;
    }
}
