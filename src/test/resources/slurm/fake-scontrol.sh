#!/bin/bash
# A recording stand-in for scontrol, for tests. The test copies it into a temporary directory (as "scontrol",
# mode 0755); every file it uses lives beside it:
#   scontrol.calls  appended to on every call: "<argc>\0<arg 1>\0...<arg N>\0", so any argument (quotes, spaces,
#                   newlines) survives exactly
#   rules           optional; lines "<substring>\t<exit code>\t<stderr line>": the first rule whose substring occurs in
#                   any argument makes the call print that line on stderr and exit with that code
#   hang            optional; when present the call never ends by itself (a child "sleep" whose pid goes to hang.pid)
#   stdout          optional; printed on stdout
#   delay           optional; the number of seconds each update call takes (e.g. 1.5)
# Read-only calls ("show config", "show partition ...") are recorded in scontrol.reads instead, and print the file
# "show-<what>" (e.g. show-config) when it exists.
dir="$(cd "$(dirname "$0")" && pwd)"
if [ "$1" = show ]; then
  { printf '%s\0' "$#"; for a in "$@"; do printf '%s\0' "$a"; done; } >> "$dir/scontrol.reads"
  if [ -e "$dir/show-$2" ]; then cat "$dir/show-$2"; fi
  exit 0
fi
{ printf '%s\0' "$#"; for a in "$@"; do printf '%s\0' "$a"; done; } >> "$dir/scontrol.calls"
if [ -e "$dir/delay" ]; then sleep "$(cat "$dir/delay")"; fi
if [ -e "$dir/hang" ]; then
  sleep 300 &
  echo $! > "$dir/hang.pid"
  wait
fi
if [ -e "$dir/stdout" ]; then cat "$dir/stdout"; fi
if [ -e "$dir/rules" ]; then
  while IFS=$'\t' read -r sub code msg; do
    [ -z "$sub" ] && continue
    for a in "$@"; do
      if [[ "$a" == *"$sub"* ]]; then
        printf '%s\n' "$msg" >&2
        exit "$code"
      fi
    done
  done < "$dir/rules"
fi
exit 0
