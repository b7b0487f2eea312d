#!/bin/sh
# Unpacks JNA's native library for this machine next to the jar: jna-native.sh JAR OUT_DIR.
# JNA otherwise copies it out of the jar into ~/.cache/JNA/temp and deletes it again on every
# start of every command. bin/glance-convert points jna.boot.library.path at the directory
# (when it is newer than the jar); other platforms, or a missing directory, fall back to JNA's
# own extraction.
set -e
jar=$1
dir=$2/glance-convert.native
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) platform=linux-x86-64 ;;
  Linux-aarch64) platform=linux-aarch64 ;;
  *) rm -rf "$dir"; exit 0 ;;
esac
rm -rf "$dir"
mkdir -p "$dir/unpacked"
(cd "$dir/unpacked" && jar xf "$jar" "com/sun/jna/$platform/libjnidispatch.so")
if [ -f "$dir/unpacked/com/sun/jna/$platform/libjnidispatch.so" ]; then
  mv "$dir/unpacked/com/sun/jna/$platform/libjnidispatch.so" "$dir/"
fi
rm -rf "$dir/unpacked"
