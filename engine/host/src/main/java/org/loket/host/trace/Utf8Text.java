package org.loket.host.trace;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A file's text read as strict UTF-8: bytes that are not UTF-8 (a file saved as Windows-1252 or
 * Latin-1, or not text at all) end the reading with {@link NotUtf8} naming the line of the first
 * such byte, where the JDK's reader says only "Input length = 1" and its buffering hides the line.
 */
final class Utf8Text extends Reader {
    /** The input was not UTF-8 from {@link #line()} on. */
    static final class NotUtf8 extends CharacterCodingException {
        private final int line;

        NotUtf8(int line) {
            this.line = line;
        }

        /** 1-based line of the first byte that is not UTF-8. */
        int line() {
            return line;
        }

        @Override
        public String getMessage() {
            return "line " + line + " is not UTF-8 text";
        }
    }

    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(8192).flip();
    private final CharBuffer chars = CharBuffer.allocate(8192).flip();
    /** Lines begun in what was decoded so far (the line being decoded included). */
    private int line = 1;
    private boolean eof;

    Utf8Text(InputStream in) {
        this.in = in;
    }

    @Override
    public int read(char[] into, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (!chars.hasRemaining()) {
            if (eof && !bytes.hasRemaining()) {
                return -1;
            }
            fill();
        }
        int n = Math.min(length, chars.remaining());
        chars.get(into, offset, n);
        return n;
    }

    /** Decodes what the next read of bytes gives into {@link #chars} (which is empty). */
    private void fill() throws IOException {
        if (!eof) {
            bytes.compact();
            int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
            if (n < 0) {
                eof = true;
            } else {
                bytes.position(bytes.position() + n);
            }
            bytes.flip();
        }
        chars.clear();
        CoderResult result = decoder.decode(bytes, chars, eof);
        if (eof && !result.isError()) {
            result = decoder.flush(chars);
        }
        chars.flip();
        for (int i = chars.position(); i < chars.limit(); i++) {
            if (chars.get(i) == '\n') {
                line++;
            }
        }
        if (result.isError()) {
            throw new NotUtf8(line);
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
