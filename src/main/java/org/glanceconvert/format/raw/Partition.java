package org.glanceconvert.format.raw;

/**
 * One partition of a raw disk, in bytes.
 *
 * @param where  where the table names it, for messages ("MBR entry 1", "GPT entry 3")
 * @param start  first byte
 * @param length length in bytes
 */
record Partition(String where, long start, long length) {
}
