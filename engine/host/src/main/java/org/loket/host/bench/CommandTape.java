package org.loket.host.bench;

import org.loket.core.command.Command;
import org.loket.core.command.CommandType;

/**
 * A recorded command stream held in flat arrays, so a benchmark can publish millions of commands
 * without allocating or reading files. Only the fields the synthetic workload uses are kept; the
 * configuration payload of command 0 is kept by reference.
 */
public final class CommandTape {
    private final byte[] type;
    private final long[] timestampNs;
    private final long[] contactId;
    private final int[] agentId;
    private final int[] entryId;
    private final byte[] channel;
    private final byte[] input;
    private final byte[] agentState;
    private byte[] configPayload;
    private int size;

    public CommandTape(int capacity) {
        type = new byte[capacity];
        timestampNs = new long[capacity];
        contactId = new long[capacity];
        agentId = new int[capacity];
        entryId = new int[capacity];
        channel = new byte[capacity];
        input = new byte[capacity];
        agentState = new byte[capacity];
    }

    public boolean full() {
        return size == type.length;
    }

    public int size() {
        return size;
    }

    /** Appends a command of the synthetic workload (its sequence is not kept: the host assigns it). */
    public void add(Command c) {
        if (c.type == CommandType.CONFIG_APPLIED) {
            if (size != 0) {
                throw new IllegalArgumentException("the tape holds one configuration, as its first command");
            }
            configPayload = c.payload;
        }
        type[size] = (byte) c.type.code();
        timestampNs[size] = c.timestampNs;
        contactId[size] = c.contactId;
        agentId[size] = c.agentId;
        entryId[size] = c.entryId;
        channel[size] = (byte) c.channel;
        input[size] = (byte) c.input;
        agentState[size] = (byte) c.agentState;
        size++;
    }

    /** Fills {@code into} with command {@code i}; allocation-free. */
    public void read(int i, Command into) {
        into.clear();
        into.type = CommandType.ofCode(type[i]);
        into.timestampNs = timestampNs[i];
        into.contactId = contactId[i];
        into.agentId = agentId[i];
        into.entryId = entryId[i];
        into.channel = channel[i];
        into.input = input[i];
        into.agentState = agentState[i];
        into.payload = into.type == CommandType.CONFIG_APPLIED ? configPayload : null;
    }
}
