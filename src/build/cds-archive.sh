#!/bin/sh
# Builds the class-data archive bin/glance-convert uses: cds-archive.sh JAR RAW_FILE OUT_DIR.
# A static archive (a class list from training runs, then -Xshare:dump) rather than a dynamic
# one (-XX:ArchiveClassesAtExit): JDK 17 leaves classes of Java 5 class files (all of picocli)
# out of dynamic archives, and only a static dump pre-generates the method-handle forms the
# runs used. The runs cover what the commands people time load: compressed and plain qcow2,
# raw, vhdx and vmdk in and out, inspect, map and --version. Their class lists are concatenated.
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
train inspect inspect "$work/plain.qcow2"
train map map "$work/plain.qcow2"
train version --version
cat "$work"/*.classes > "$work/all.classes"
rm -f "$dir/glance-convert.jsa"
# shellcheck disable=SC2086
"$java" $opts -Xshare:dump -XX:SharedClassListFile="$work/all.classes" \
  -XX:SharedArchiveFile="$dir/glance-convert.jsa" -cp "$jar" >/dev/null
rm -rf "$work"
