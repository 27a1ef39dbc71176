#!/usr/bin/env bash
# edit-one.sh ORIGINAL FILE: make FILE the ORIGINAL text plus a comment that differs on every
# call, before each "one file edited" run: the results cache then holds every file but this
# one (and the files whose entries consulted it). Written through a temporary file and a
# rename, as editors do, so that a hard-linked copy of the tree never sees the edit.
# edit-one.sh --restore ORIGINAL FILE puts the original text back.
set -euo pipefail
if [ "$1" = "--restore" ]; then
    cp "$2" "$3.bench-tmp" && mv "$3.bench-tmp" "$3"
    exit 0
fi
cp "$1" "$2.bench-tmp"
printf '\n// edited %s\n' "$(date +%s%N)" >>"$2.bench-tmp"
mv "$2.bench-tmp" "$2"
