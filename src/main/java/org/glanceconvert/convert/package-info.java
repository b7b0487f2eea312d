/**
 * The conversion engine: from any {@link org.glanceconvert.image.VirtualDisk} to any
 * {@link org.glanceconvert.format.DiskFormatWriter}.
 *
 * <h2>For callers</h2>
 * {@link org.glanceconvert.convert.ImageConverter} takes a writer and its options, validates the
 * source against the output format's limits before writing, and writes either a file
 * ({@code toFile}: a temporary name beside the destination, renamed when complete, removed on any
 * failure) or a stream ({@code toStream}: strictly in order, only when the writer says the output
 * is {@code streamable}). It returns a {@link org.glanceconvert.convert.ConversionResult}.
 * Progress goes to a {@link org.glanceconvert.format.WriteProgress}:
 * {@link org.glanceconvert.convert.TerminalProgress} for {@code -p} on a terminal,
 * {@link org.glanceconvert.convert.LoggedProgress} otherwise.
 *
 * <h2>For writers</h2>
 * A writer runs the source through a {@link org.glanceconvert.convert.ChunkPipeline} with its
 * allocation unit as the granule:
 * <pre>{@code
 * new ChunkPipeline(source, ChunkPipeline.Settings.of(grainSize, options.threads(), true))
 *     .run(() -> new MyGrainCompressor(),            // one per worker thread; closed if AutoCloseable
 *          (Chunk chunk, MyResult result) -> { ... }, // in disk order, on the calling thread
 *          progress);
 * }</pre>
 * The pipeline plans from metadata only ({@link org.glanceconvert.convert.SpanPlanner}: a granule
 * with any DATA extent is read, everything else arrives as a hole chunk that was never read),
 * reads data in chunks of 1 MiB on the workers (readers are thread-safe, so decompressing
 * sources decode in parallel), pads the last granule with zeros, marks all-zero granules
 * ({@link org.glanceconvert.convert.Chunk#isZeroGranule}) without copying
 * ({@link org.glanceconvert.image.Zeros}), calls the writer's encoder on the worker, and
 * delivers chunk and result in order. In-flight chunks are bounded (64 MiB of buffers at most),
 * so memory does not grow with the image. A chunk's buffer is reused after the sink returns.
 *
 * <p>An encoder may also write the chunk itself, at its final place in an output file
 * (positional writes are thread-safe), so the kernel's copies into the page cache run on every
 * worker instead of the one sink thread. What must see the chunks in disk order (choosing where
 * their data goes) it does inside {@link org.glanceconvert.convert.Chunk#inTurn}: turns are
 * taken in disk order, one at a time, while reading, scanning and writing overlap. Stream
 * output never does this: it is written by the sink, strictly in order.
 *
 * <p>File writers whose format places whole blocks (raw, fixed and dynamic VHD and VHDX,
 * monolithicSparse VMDK) use {@link org.glanceconvert.convert.BlockCopier}: it runs the pipeline
 * with 4 KiB granules and asks the writer where each block that holds data goes, the first time
 * data is found in it (in the chunk's turn); the workers write the data; zero granules stay
 * holes in the file. The uncompressed qcow2 file writer works the same way with its clusters.
 *
 * <p>Writers that must size their tables before writing data (stream output) walk
 * {@link org.glanceconvert.convert.SpanPlanner} first with the same granule: the pipeline then
 * delivers exactly the data granules the plan counted. For other parallel work with ordered
 * output, {@link org.glanceconvert.convert.OrderedParallelEncoder} is the generic pool.
 * Output helpers: {@link org.glanceconvert.convert.ChannelWrites} (complete writes, literal zeros
 * for streams) and {@link org.glanceconvert.convert.WriteBatch} (adjacent positional writes joined
 * into one gathering write).
 *
 * <p>Files are written through {@link org.glanceconvert.convert.AtomicOutputFile} (a temporary
 * name, renamed when complete). Its channel is a
 * {@link org.glanceconvert.convert.DirectIoFileChannel} unless the cache mode is
 * {@link org.glanceconvert.convert.WriteCache#WRITEBACK}: the workers' aligned data writes go
 * through the page cache or around it, as {@link org.glanceconvert.convert.WritePathChooser}
 * measures faster; writers need not know.
 */
package org.glanceconvert.convert;
