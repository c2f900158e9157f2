package org.loket.host.cli;

/**
 * A {@code loket} subcommand contributed by another module (e.g. {@code loket asterisk-config} from
 * the telephony adapter), found with {@link java.util.ServiceLoader}: the implementing class is a
 * picocli {@code @Command} with a public no-argument constructor, registered in
 * {@code META-INF/services/org.loket.host.cli.CliExtension}. The host never names it.
 */
public interface CliExtension {
}
