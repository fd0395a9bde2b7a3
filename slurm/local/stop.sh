#!/usr/bin/env bash
# Stops the daemons that start.sh started, by their recorded PIDs only.
# Usage: stop.sh DIR
set -uo pipefail
dir=$(realpath -m "${1:?usage: stop.sh DIR}")
alive() { [ -r "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
for daemon in slurmd slurmctld; do
  f="$dir/run/$daemon.bgpid"
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  if alive "$pid"; then
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.1; done
    alive "$pid" && kill -9 "$pid" 2>/dev/null
  fi
  rm -f "$f"
done
