package org.glanceconvert.convert;

import java.nio.ByteBuffer;

/**
 * What a writer's encoder made of one chunk on a pipeline worker (compressed clusters or grains):
 * the encoded granules back to back in a pooled buffer, which the writer's sink releases once it
 * has written them.
 *
 * @param bytes   the encoded granules one after another, from index 0
 * @param lengths per granule of the chunk: the bytes of its encoding, 0 when nothing is stored, or
 *                a negative code the writer gives a meaning (such as "store it uncompressed")
 */
public record EncodedChunk(ByteBuffer bytes, int[] lengths) {
}
