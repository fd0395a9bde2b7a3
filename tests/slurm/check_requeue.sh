#!/usr/bin/env bash
# Runs PageRank (20 iterations) as jobs/pagerank.sbatch on a private one-node Slurm, stops it
# with scancel --signal=USR1 --batch once 18 stages are stored in its resume directory (its
# stage 18 hangs, DATAFLOW_FAULT, so the signal finds it running; the rerun has fewer stages
# and no stage 18), and checks that the job requeued itself, ran again from the stored
# stages, completed, printed the ranks of a local run, and removed its resume directory.
# Slurm holds a requeued job a while before it may start again; the test releases it at once
# (scontrol update StartTime=now).
# Usage: check_requeue.sh PAGERANK
set -euo pipefail
pagerank=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
export SLURM_LOCAL_CTLD_PORT=${SLURM_LOCAL_CTLD_PORT:-16817} SLURM_LOCAL_SLURMD_PORT=${SLURM_LOCAL_SLURMD_PORT:-16818}
trap '"$root/slurm/local/stop.sh" "$work/slurm"; rm -rf "$work"' EXIT
"$root/slurm/local/start.sh" "$work/slurm"
export SLURM_CONF="$work/slurm/slurm.conf"
cd "$work"
python3 -c "
import random
r = random.Random(7)
with open('edges.txt', 'w') as f:
    for _ in range(30000):
        f.write('%d %d\n' % (r.randrange(3000), r.randrange(3000)))"
"$pagerank" edges.txt --iterations 20 > local.out
jid=$(PAGERANK="$pagerank" NO_REPORT=1 DATAFLOW_FAULT=hang:stage=18,partition=0,seconds=120 \
  sbatch --parsable "$root/jobs/pagerank.sbatch" edges.txt --iterations 20)
field() { scontrol show job "$jid" | grep -oE "$1=[^ ]+" | cut -d= -f2; }
stored=0
for _ in $(seq 1 600); do
  stored=$( (ls resume-"$jid"/shuffle-*/_COMPLETE 2>/dev/null || true) | wc -l)
  [ "$stored" -ge 18 ] && break
  sleep 0.1
done
[ "$stored" -ge 18 ] || { echo "job $jid stored $stored stages, not 18" >&2; cat pagerank-"$jid".err >&2; exit 1; }
scancel --signal=USR1 --batch "$jid"
for _ in $(seq 1 600); do
  [ "$(field Restarts)" -ge 1 ] && [ "$(field JobState)" = PENDING ] && break
  [ "$(field JobState)" = COMPLETED ] && break
  sleep 0.1
done
[ "$(field Restarts)" -ge 1 ] || { echo "job $jid was not requeued: $(field JobState)" >&2; cat pagerank-"$jid".err >&2; exit 1; }
echo "job $jid requeued itself after SIGUSR1 ($stored stages stored)"
scontrol update jobid="$jid" StartTime=now
state=
for _ in $(seq 1 1200); do
  state=$(field JobState)
  case "$state" in COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY) break ;; esac
  sleep 0.1
done
echo "job $jid: $state after $(field Restarts) restart(s)"
cat pagerank-"$jid".err
[ "$state" = COMPLETED ] || exit 1
grep -q "interrupted by SIGUSR1.*stored in $work/resume-$jid" pagerank-"$jid".err ||
  { echo "no line naming the resume directory" >&2; exit 1; }
cmp local.out pagerank-"$jid".out && echo "the requeued job's ranks equal a local run's"
[ ! -e resume-"$jid" ] || { echo "resume-$jid is still there after the job completed" >&2; exit 1; }
