package org.loket.host.cli;

import picocli.CommandLine;

/** A share from 0 to 1 (a service-level target, an absence share), refused with the range otherwise. */
final class ShareConverter implements CommandLine.ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
        return number(value, 0, 1, "give a share from 0 to 1, e.g. 0.8", "is not a share from 0 to 1 (0.8 means 80 %)");
    }

    /**
     * {@code value} as a finite number from {@code min} to {@code max}, or a picocli refusal quoting it.
     *
     * @param notANumber  said after "'x' is not a number; "
     * @param outOfRange  said after "'x' "
     */
    static double number(String value, double min, double max, String notANumber, String outOfRange) {
        double number;
        try {
            number = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a number; " + notANumber);
        }
        if (!(number >= min && number <= max)) {
            throw new CommandLine.TypeConversionException("'" + value + "' " + outOfRange);
        }
        return number;
    }
}
