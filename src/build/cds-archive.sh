#!/bin/sh
# Builds the class-data archive bin/glance-convert uses: cds-archive.sh JAR RAW_FILE OUT_DIR.
# A static archive (a class list from training runs, then -Xshare:dump) rather than a dynamic
# one (-XX:ArchiveClassesAtExit): JDK 17 leaves classes of Java 5 class files (all of picocli)
# out of dynamic archives, and only a static dump pre-generates the method-handle forms the
# runs used. The runs cover what the commands people time and script load: every format in and
# out, compressed and plain, to a file and to standard output; inspect, map and check, as text
# and as JSON (Jackson's classes are most of a JSON command's start-up when they are not in the
# archive: inspect --json took 0.44 s against 0.18 s for its text); compare, help and --version.
# Their class lists are concatenated.
set -e
java="${JAVA:-java}"
jar=$1
raw=$2
dir=$3
work="$dir/cds-training"
# The archive must be dumped with the options bin/glance-convert runs commands with (the heap
# objects need G1, which only the daemon uses; commands ignore them).
opts="-Xlog:disable -Xmx256m"
run_opts="$opts -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData"
rm -rf "$work"
mkdir -p "$work"
train() {
  name=$1
  shift
  # shellcheck disable=SC2086
  "$java" $run_opts -XX:DumpLoadedClassList="$work/$name.classes" -jar "$jar" "$@" >/dev/null
}
train compress convert -f raw -O qcow2 -c "$raw" "$work/compressed.qcow2"
train qcow2-to-qcow2 convert -O qcow2 "$work/compressed.qcow2" "$work/plain.qcow2"
train raw-to-qcow2 convert -f raw -O qcow2 "$raw" "$work/from-raw.qcow2"
train qcow2-to-raw convert -O raw "$work/plain.qcow2" "$work/plain.raw"
train raw-to-vhdx convert -f raw -O vhdx "$raw" "$work/plain.vhdx"
train vhdx-to-raw convert -O raw "$work/plain.vhdx" "$work/from-vhdx.raw"
train raw-to-vmdk convert -f raw -O vmdk "$raw" "$work/stream.vmdk"
train vmdk-to-qcow2 convert -O qcow2 "$work/stream.vmdk" "$work/from-vmdk.qcow2"
train raw-to-vhd convert -f raw -O vpc "$raw" "$work/plain.vhd"
train vhd-to-raw convert -O raw "$work/plain.vhd" "$work/from-vhd.raw"
train raw-to-sparse-vmdk convert -f raw -O vmdk -o subformat=monolithicSparse "$raw" "$work/sparse.vmdk"
train sparse-vmdk-to-qcow2 convert -O qcow2 "$work/sparse.vmdk" "$work/from-sparse.qcow2"
train zstd convert -f raw -O qcow2 -c -o compression_type=zstd "$raw" "$work/zstd.qcow2"
train to-stdout convert -f raw -O qcow2 "$raw" -
train inspect inspect "$work/plain.qcow2"
train inspect-json inspect --json "$work/plain.qcow2"
train map map "$work/plain.qcow2"
train map-json map --json "$work/plain.qcow2"
train check check "$work/plain.qcow2"
train check-json check --json "$work/plain.vhdx"
train compare compare "$work/plain.qcow2" "$work/plain.raw"
train help convert --help
train version --version
cat "$work"/*.classes > "$work/all.classes"
rm -f "$dir/glance-convert.jsa"
# shellcheck disable=SC2086
"$java" $opts -Xshare:dump -XX:SharedClassListFile="$work/all.classes" \
  -XX:SharedArchiveFile="$dir/glance-convert.jsa" -cp "$jar" >/dev/null
rm -rf "$work"
