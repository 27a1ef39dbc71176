#!/usr/bin/env bash
# restore-copy.sh SRC DST: make DST a fresh copy of SRC, cheaply, before each `--write` run.
#
# DST is made of hard links to SRC's files (`cp -al`). inngest-fix --write replaces a file
# by writing a temporary file and renaming it over the original (SPEC 6), so a fixed file
# in DST is a new inode with one link, and SRC is never touched. Restoring DST is then
# re-linking the files that have one link, not copying the whole tree again: the first call
# costs a full `cp -al`, later ones a `find` over DST.
set -euo pipefail
src="$1" dst="$2"
if [ ! -d "$dst" ]; then
    cp -al "$src" "$dst"
    exit 0
fi
find "$dst" -type f -links 1 -printf '%P\0' | while IFS= read -r -d '' rel; do
    if [ -f "$src/$rel" ]; then
        ln -f "$src/$rel" "$dst/$rel"
    else
        rm -f "$dst/$rel"   # left behind by the tool (a temporary file): not in SRC
    fi
done
