package org.glanceconvert.image;

import java.io.IOException;

/**
 * A disk whose DATA extents are split by a {@link ZeroMap}: the parts in granules the map found
 * all zero become ZERO extents, so writers plan no data for them and never read them.
 *
 * <p>Why this is needed: a raw image read over HTTP (or staged by a plain download, or a local
 * file without holes) has one DATA extent over its whole size, and a writer that must plan its
 * tables before any data is emitted (a streamed qcow2) would allocate a cluster for every zero
 * it can no longer leave out once it reads it.
 *
 * <p>Why it is safe: the map says what the bytes were when they were scanned, not what they are.
 * The daemon builds it in the same pass that computes the source's content digest, and verifies
 * the uploaded copy against that digest, so a source that changed between the passes (or a
 * wrong map) makes the copy fail verification instead of silently losing data. Reads still go
 * to the source; only the extents change.
 */
public final class ZeroMappedDisk extends ForwardingDisk {
    private final ZeroMap map;

    public ZeroMappedDisk(VirtualDisk disk, ZeroMap map) {
        super(disk);
        if (!map.isComplete()) {
            throw new IllegalArgumentException("the zero map has not seen the whole disk");
        }
        if (map.size() != disk.size()) {
            throw new IllegalArgumentException("a zero map of " + map.size() + " bytes for a disk of " + disk.size());
        }
        this.map = map;
    }

    public ZeroMap map() {
        return map;
    }

    @Override
    public ExtentCursor extents(long offset) throws IOException {
        ExtentCursor inner = disk.extents(offset);
        return new ExtentCursor() {
            private Extent rest;

            @Override
            public Extent next() throws IOException {
                Extent e = rest != null ? rest : inner.next();
                rest = null;
                if (e == null || e.kind() != Extent.Kind.DATA) {
                    return e;
                }
                long start = e.start();
                boolean zero = map.isZeroAt(start);
                long end = Math.min(e.end(), zero ? map.nextDataAfter(start) : map.nextZeroAfter(start));
                if (end < e.end()) {
                    long host = e.hostOffset() < 0 ? -1 : e.hostOffset() + (end - start);
                    rest = new Extent(end, e.end() - end, Extent.Kind.DATA, host);
                }
                return zero ? Extent.zero(start, end - start) : new Extent(start, end - start, Extent.Kind.DATA,
                        e.hostOffset());
            }
        };
    }
}
