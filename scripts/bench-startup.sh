#!/usr/bin/env bash
# Start-up time of the mvpos launcher of this checkout, as a user meets it:
#   ./scripts/bench-startup.sh [RUNS]      (default 10 runs of each)
# For `./mvpos --version`: the wall time, and the CPU time (user + system) of the whole command.
# For `./mvpos lobby` (a new chain each time, stopped with SIGTERM): the wall time from the command to
# its "listening on" line, and the CPU time the JVM had used by then.
# Each figure is the median of the runs, with the range. On a machine busy with other work, the CPU
# times move less than the wall times. Builds the jar (and its start-up archive) first, untimed.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${1:-10}
cd "$root"
./mvpos --version >/dev/null # build and warm up, untimed
ticks=$(getconf CLK_TCK)

summary() { # reads one number per line; prints median, min and max
  sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
    printf "median %d ms (%d to %d)", m, v[1], v[NR] }'
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in $(seq "$runs"); do
  /usr/bin/time -o "$work/time" -f '%e %U %S' ./mvpos --version >/dev/null
  read -r wall user sys <"$work/time"
  awk -v w="$wall" -v u="$user" -v s="$sys" 'BEGIN { printf "%d %d\n", w * 1000, (u + s) * 1000 }' >>"$work/version"
done
echo "./mvpos --version: wall $(cut -d' ' -f1 "$work/version" | summary), CPU $(cut -d' ' -f2 "$work/version" | summary), $runs runs"

for i in $(seq "$runs"); do
  start=$(date +%s%3N)
  coproc LOBBY { exec ./mvpos lobby --port 0 --data "$work/chain$i" 2>&1; }
  while IFS= read -r line <&"${LOBBY[0]}"; do
    case $line in *"listening on"*) break ;; esac
  done
  end=$(date +%s%3N)
  cpu=$(awk -v t="$ticks" '{ printf "%d", ($14 + $15) * 1000 / t }' "/proc/$LOBBY_PID/stat")
  kill -TERM "$LOBBY_PID" 2>/dev/null || true
  wait "$LOBBY_PID" 2>/dev/null || true
  echo "$((end - start)) $cpu" >>"$work/lobby"
done
echo "./mvpos lobby to \"listening on\": wall $(cut -d' ' -f1 "$work/lobby" | summary), CPU $(cut -d' ' -f2 "$work/lobby" | summary), $runs runs"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
