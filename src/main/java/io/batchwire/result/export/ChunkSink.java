package io.batchwire.result.export;

import io.vertx.mutiny.core.buffer.Buffer;

import java.io.ByteArrayOutputStream;

/** Where a writer puts a page's bytes until they are handed on as one chunk of the response. */
final class ChunkSink extends ByteArrayOutputStream {

    ChunkSink() {
        super(64 * 1024);
    }

    /** The bytes written since the last drain, as a new buffer; the sink is empty afterwards. */
    synchronized Buffer drain() {
        Buffer chunk = Buffer.buffer(toByteArray());
        reset();
        return chunk;
    }

    @Override
    public void close() {
        // writers close their generators at the end; the sink itself stays usable until it is drained
    }
}
