package org.loket.host.cli;

import picocli.CommandLine;

/** A share from 0 to 1 (a service-level target, an absence share), refused with the range otherwise. */
final class ShareConverter implements CommandLine.ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
        double share;
        try {
            share = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a number; give a share from 0 to 1, e.g. 0.8");
        }
        if (!(share >= 0 && share <= 1)) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a share from 0 to 1 (0.8 means 80 %)");
        }
        return share;
    }
}
