#!/bin/bash
# Times glance-convert against qemu-img convert on the same images, alternately in one run
# (A B B A A B ..., after a warm-up), checks every output with qemu-img compare, and prints a
# markdown table: min/median/max wall time, CPU time, peak RSS, and the median ratio, also with
# each tool's start-up (its time to convert a 1 MiB image) taken off both sides.
#
#   bench/run.sh [--size 8G] [--quick] [--pairs N] [--jobs LIST] [--dir DIR]
#
# --quick: a 1 GiB image and one pair (CI runs this to keep the harness working; it asserts
# correctness, not timings). Images are built once into DIR (default bench/work) and reused.
# glance-convert runs through bin/glance-convert with -Xmx256m: a job that does not fit in that
# heap fails the run (exit 1), as does an output qemu-img compare finds different.
# GLANCE_CONVERT_JAR=path times another build (e.g. a baseline) with the same harness.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=8G; PAIRS=3; QUICK=0; DIR=bench/work; JOBS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --size) SIZE="$2"; shift 2;;
    --quick) QUICK=1; SIZE=1G; PAIRS=1; shift;;
    --pairs) PAIRS="$2"; shift 2;;
    --jobs) JOBS="$2"; shift 2;;
    --dir) DIR="$2"; shift 2;;
    -h|--help) sed -n '2,10p' "$0"; exit 0;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
command -v qemu-img >/dev/null || { echo "bench needs qemu-img (apt-get install qemu-utils)" >&2; exit 2; }
command -v mke2fs >/dev/null || PATH="$PATH:/usr/sbin:/sbin"
# GLANCE_CONVERT_JAR may name another build to time (e.g. a baseline); bin/glance-convert runs
# it with the shipped JVM options, and -Xmx256m explicitly: every job must pass in that heap.
[ -n "${GLANCE_CONVERT_JAR:-}" ] || [ -f target/glance-convert.jar ] || mvn -B -ntp -q package -DskipTests
export GLANCE_CONVERT_JAR="${GLANCE_CONVERT_JAR:-$PWD/target/glance-convert.jar}"
GC="env GLANCE_CONVERT_JAVA_OPTS=-Xmx256m $PWD/bin/glance-convert"
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
IMG="$DIR/$SIZE"
mkdir -p "$IMG"

build_images() {
  if [ ! -f "$IMG/base.raw" ]; then
    echo "building a $SIZE ext4 file system from /usr/lib (real files, real holes)..." >&2
    local src=/usr/lib
    local bytes; bytes=$(numfmt --from=iec "$SIZE")
    local need; need=$(du -sb /usr/lib 2>/dev/null | cut -f1)
    if [ "$need" -gt $((bytes * 6 / 10)) ]; then
      # Too big for the image: copy a slice of /usr/lib that fills about half of it.
      src="$IMG/tree"; rm -rf "$src"; mkdir -p "$src"
      /usr/bin/python3 - "$src" $((bytes / 2)) <<'PY'
import os, shutil, sys
dst, budget = sys.argv[1], int(sys.argv[2])
used = 0
for root, dirs, files in os.walk('/usr/lib'):
    dirs.sort(); files.sort()
    for f in files:
        p = os.path.join(root, f)
        if os.path.islink(p) or not os.path.isfile(p):
            continue
        size = os.path.getsize(p)
        if used + size > budget:
            continue
        target = os.path.join(dst, os.path.relpath(p, '/usr/lib'))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        try:
            shutil.copyfile(p, target)
            used += size
        except OSError:
            pass
PY
    fi
    truncate -s "$SIZE" "$IMG/base.raw.tmp"
    mke2fs -q -F -t ext4 -d "$src" "$IMG/base.raw.tmp"
    mv "$IMG/base.raw.tmp" "$IMG/base.raw"
    rm -rf "$IMG/tree"
  fi
  [ -f "$IMG/base.qcow2" ] || qemu-img convert -f raw -O qcow2 "$IMG/base.raw" "$IMG/base.qcow2"
  [ -f "$IMG/base-zlib.qcow2" ] || qemu-img convert -c -f raw -O qcow2 "$IMG/base.raw" "$IMG/base-zlib.qcow2"
  [ -f "$IMG/base-stream.vmdk" ] || qemu-img convert -f raw -O vmdk -o subformat=streamOptimized "$IMG/base.raw" "$IMG/base-stream.vmdk"
  [ -f "$IMG/base.vmdk" ] || qemu-img convert -f raw -O vmdk -o subformat=monolithicSparse "$IMG/base.raw" "$IMG/base.vmdk"
  [ -f "$IMG/base.vhd" ] || qemu-img convert -f raw -O vpc -o force_size=on "$IMG/base.raw" "$IMG/base.vhd"
  [ -f "$IMG/base.vhdx" ] || qemu-img convert -f raw -O vhdx "$IMG/base.raw" "$IMG/base.vhdx"
  [ -f "$IMG/sparse-1T.qcow2" ] || qemu-img create -q -f qcow2 "$IMG/sparse-1T.qcow2" 1T
}

# job name | source | source format | target format | extra options | kind (uncompressed|decompress|compress|sparse)
ALL_JOBS=(
  "raw-to-qcow2|base.raw|raw|qcow2||uncompressed"
  "qcow2-to-raw|base.qcow2|qcow2|raw||uncompressed"
  "sparsevmdk-to-qcow2|base.vmdk|vmdk|qcow2||uncompressed"
  "streamvmdk-to-qcow2|base-stream.vmdk|vmdk|qcow2||decompress"
  "vhdx-to-raw|base.vhdx|vhdx|raw||uncompressed"
  "raw-to-streamvmdk|base.raw|raw|vmdk|-o subformat=streamOptimized|compress"
  "raw-to-qcow2-zlib|base.raw|raw|qcow2|-c -o compression_type=zlib|compress"
  "raw-to-qcow2-zstd|base.raw|raw|qcow2|-c -o compression_type=zstd|compress"
  # An empty 1 TiB disk: the time and the heap must not grow with the virtual size.
  "sparse1T-to-qcow2|sparse-1T.qcow2|qcow2|qcow2||sparse"
  "sparse1T-to-raw|sparse-1T.qcow2|qcow2|raw||sparse"
  "sparse1T-to-streamvmdk|sparse-1T.qcow2|qcow2|vmdk|-o subformat=streamOptimized|sparse"
  "sparse1T-to-vhdx|sparse-1T.qcow2|qcow2|vhdx||sparse"
)

qemu_fmt() { [ "$1" = vhd ] && echo vpc || echo "$1"; }

# Runs a command under GNU time; appends "wall cpu rss_kib" to the file named by $1.
timed() {
  local out="$1"; shift
  local t; t=$(mktemp)
  if ! /usr/bin/time -f "%e %U %S %M" -o "$t" "$@" >/dev/null 2>"$t.err"; then
    echo "FAILED: $*" >&2; cat "$t.err" >&2; rm -f "$t" "$t.err"; return 1
  fi
  awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$t" >> "$out"
  rm -f "$t" "$t.err"
}

stats() { # file column -> "min median max"
  awk -v c="$2" '{print $c}' "$1" | sort -g | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%s %s %s", a[1], m, a[NR]}'
}

build_images
# Start-up: what each tool takes to convert a 1 MiB raw image to qcow2 (median of 5 after a
# warm-up), the fixed cost in every run below. The daemon pays the JVM's share once, not per
# image, so the table also gives each job's ratio with it taken off both sides.
head -c 1M "$IMG/base.raw" > "$DIR/startup.raw"
startup_median() {
  local f; f=$(mktemp)
  "$@" "$DIR/startup.raw" "$DIR/startup.qcow2" >/dev/null 2>&1; rm -f "$DIR/startup.qcow2"
  for _ in 1 2 3 4 5; do timed "$f" "$@" "$DIR/startup.raw" "$DIR/startup.qcow2"; rm -f "$DIR/startup.qcow2"; done
  stats "$f" 1 | awk '{print $2}'; rm -f "$f"
}
# shellcheck disable=SC2086
GSTART=$(startup_median $GC convert -f raw -O qcow2)
QSTART=$(startup_median qemu-img convert -f raw -O qcow2)
rm -f "$DIR/startup.raw"
RESULTS="$DIR/results-$SIZE.md"
{
  echo "| job | glance-convert wall s (min/med/max) | qemu-img wall s (min/med/max) | CPU s (gc / qemu, median) | peak RSS MiB (gc / qemu) | ratio (median wall) | ratio without start-up | output MiB (gc / qemu) | load avg |"
  echo "|---|---|---|---|---|---|---|---|---|"
} > "$RESULTS"
status=0
for spec in "${ALL_JOBS[@]}"; do
  IFS='|' read -r name src sfmt tfmt extra kind <<< "$spec"
  if [ -n "$JOBS" ] && [[ ",$JOBS," != *",$name,"* ]]; then continue; fi
  ours="$DIR/out-gc.$tfmt"; theirs="$DIR/out-qemu.$tfmt"
  a=$(mktemp); b=$(mktemp)
  # Before every run: the tool's previous output is deleted and flushed, so its writeback is not
  # billed to this run; the source is read once, as the guest's memory manager pages out cold
  # page cache and a run that found half its source evicted measured the disk, not the program.
  fresh() { rm -f "$1"; cat "$IMG/$src" >/dev/null; sync; }
  # shellcheck disable=SC2086
  run_gc() { fresh "$ours"; timed "$1" $GC convert -f "$sfmt" -O "$tfmt" $extra "$IMG/$src" "$ours"; }
  # shellcheck disable=SC2086
  run_qemu() { fresh "$theirs"; timed "$1" qemu-img convert -f "$(qemu_fmt "$sfmt")" -O "$(qemu_fmt "$tfmt")" $extra "$IMG/$src" "$theirs"; }
  load0=$(cut -d' ' -f1 /proc/loadavg)
  echo "== $name ($kind): warm-up" >&2
  run_gc /dev/null && run_qemu /dev/null || { status=1; continue; }
  for i in $(seq 1 "$PAIRS"); do
    echo "== $name: pair $i/$PAIRS" >&2
    # Which tool goes first alternates: in this guest a run's speed depends on what ran just
    # before it (whose freed page cache it writes into), so a fixed order favours one side.
    if [ $((i % 2)) -eq 1 ]; then
      run_gc "$a" || status=1
      run_qemu "$b" || status=1
    else
      run_qemu "$b" || status=1
      run_gc "$a" || status=1
    fi
  done
  if ! qemu-img compare -q -f "$(qemu_fmt "$sfmt")" -F "$(qemu_fmt "$tfmt")" "$IMG/$src" "$ours"; then
    echo "WRONG OUTPUT: $name: qemu-img compare says glance-convert's output differs" >&2; status=1
  fi
  read -r gmin gmed gmax <<< "$(stats "$a" 1)"; read -r qmin qmed qmax <<< "$(stats "$b" 1)"
  gcpu=$(stats "$a" 2 | awk '{print $2}'); qcpu=$(stats "$b" 2 | awk '{print $2}')
  grss=$(stats "$a" 3 | awk '{printf "%.0f", $3/1024}'); qrss=$(stats "$b" 3 | awk '{printf "%.0f", $3/1024}')
  # A job qemu-img finishes in milliseconds (the empty 1 TiB disk) has no meaningful ratio.
  ratio=$(awk -v g="$gmed" -v q="$qmed" 'BEGIN {if (q >= 0.05) printf "%.2f", g / q; else printf "-"}')
  net=$(awk -v g="$gmed" -v q="$qmed" -v gs="$GSTART" -v qs="$QSTART" \
    'BEGIN {if (q >= 0.05 && q - qs > 0) printf "%.2f", (g - gs) / (q - qs); else printf "-"}')
  # Compressing jobs: the output sizes, so that nobody wins by compressing less.
  sizes="-"
  if [ "$kind" = compress ]; then
    sizes=$(stat -c %s "$ours" "$theirs" | awk '{m[NR] = $1 / 1048576} END {printf "%.1f / %.1f", m[1], m[2]}')
  elif [ "$kind" = sparse ]; then
    # What the empty disk's output occupies on disk (a raw one is 1 TiB long and all hole).
    sizes=$(du -B1 "$ours" "$theirs" | awk '{m[NR] = $1 / 1048576} END {printf "%.2f / %.2f allocated", m[1], m[2]}')
  fi
  echo "| $name | $gmin / $gmed / $gmax | $qmin / $qmed / $qmax | $gcpu / $qcpu | $grss / $qrss | **$ratio** | $net | $sizes | $load0-$(cut -d' ' -f1 /proc/loadavg) |" >> "$RESULTS"
  rm -f "$a" "$b" "$ours" "$theirs"
done
# Metadata-only jobs on a 1 TiB sparse qcow2.
for verb in inspect map; do
  if [ -n "$JOBS" ] && [[ ",$JOBS," != *",$verb-1T,"* ]]; then continue; fi
  a=$(mktemp); b=$(mktemp)
  q=info; [ $verb = map ] && q=map
  timed /dev/null $GC $verb "$IMG/sparse-1T.qcow2" || status=1
  for i in $(seq 1 "$PAIRS"); do
    timed "$a" $GC $verb --json "$IMG/sparse-1T.qcow2" || status=1
    timed "$b" qemu-img $q --output=json "$IMG/sparse-1T.qcow2" || status=1
  done
  read -r gmin gmed gmax <<< "$(stats "$a" 1)"; read -r qmin qmed qmax <<< "$(stats "$b" 1)"
  grss=$(stats "$a" 3 | awk '{printf "%.0f", $3/1024}'); qrss=$(stats "$b" 3 | awk '{printf "%.0f", $3/1024}')
  # qemu-img answers these in milliseconds: a ratio of two rounded numbers would mean nothing.
  ratio=$(awk -v g="$gmed" -v q="$qmed" 'BEGIN {if (q >= 0.05) printf "%.2f", g / q; else printf "-"}')
  echo "| $verb 1 TiB sparse qcow2 | $gmin / $gmed / $gmax | $qmin / $qmed / $qmax | - | $grss / $qrss | $ratio | - | - | $(cut -d' ' -f1 /proc/loadavg) |" >> "$RESULTS"
  rm -f "$a" "$b"
done
# Which compressors glance-convert used (native libdeflate/libzstd or the pure-Java fallback).
codecs=$(head -c 1M "$IMG/base.raw" > "$DIR/codecs.raw" && GLANCE_CONVERT_LOG_LEVEL=INFO $GC convert -f raw -O qcow2 -c \
  "$DIR/codecs.raw" "$DIR/codecs.qcow2" 2>&1 | grep -o 'compression: .*' || true)
rm -f "$DIR/codecs.raw" "$DIR/codecs.qcow2"
{
  echo
  [ -z "$codecs" ] || echo "glance-convert's $codecs."
  echo "Start-up (a 1 MiB raw image to qcow2, median of 5): glance-convert ${GSTART} s, qemu-img ${QSTART} s."
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(qemu-img --version | head -1); load average at the end $(cut -d' ' -f1-3 /proc/loadavg);"
  echo "glance-convert through bin/glance-convert with -Xmx256m (every job must pass in that heap);"
  echo "$(java -version 2>&1 | head -1); image $SIZE ext4 of /usr/lib; $PAIRS pair(s); $(date -u +%Y-%m-%dT%H:%MZ)."
} >> "$RESULTS"
cat "$RESULTS"
exit $status
