#!/usr/bin/env bash
# Runs wordcount as an sbatch job (jobs/wordcount.sbatch: srun, PMIx launch, 2 tasks) on a
# private one-node Slurm, and as 3 ranks on 2 allocated tasks (srun --overcommit, the way to
# give the driver no CPU of its own), and checks that both outputs equal local mode's; then
# h5hist as an sbatch job (jobs/h5hist.sbatch) over an HDF5 file; then, after cmake --install
# into a fresh prefix that is not on PATH, the installed jobs/wordcount.sbatch submitted from a
# directory without build/ finds the installed wordcount, and jobs/template.sbatch runs a
# program named by its path.
# Then, given TPCH and the oracle's tables, a DataFrame job (jobs/tpch.sbatch, Q3) whose
# answer equals DuckDB's.
# Usage: check_srun.sh WORDCOUNT INPUT [H5HIST HDF5_PROGRAM [BUILD_DIR [TPCH ORACLE_DATA]]]
set -euo pipefail
wordcount=$(realpath "$1")
input=$(realpath "$2")
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
export SLURM_LOCAL_CTLD_PORT=${SLURM_LOCAL_CTLD_PORT:-16817} SLURM_LOCAL_SLURMD_PORT=${SLURM_LOCAL_SLURMD_PORT:-16818}
trap '"$root/slurm/local/stop.sh" "$work/slurm"; rm -rf "$work"' EXIT
"$root/slurm/local/start.sh" "$work/slurm"
export SLURM_CONF="$work/slurm/slurm.conf"
cd "$work"
"$wordcount" --split-size 1K "$input" > local.out
jid=$(WORDCOUNT="$wordcount" sbatch --parsable "$root/jobs/wordcount.sbatch" --split-size 1K "$input")
wait_job() {  # wait_job JID: waits until the job leaves the queue; prints its state
  for _ in $(seq 1 1200); do squeue -h -j "$1" 2>/dev/null | grep -q . || break; sleep 0.1; done
  scontrol show job "$1" | grep -oE 'JobState=[A-Z_]+' | cut -d= -f2
}
state=$(wait_job "$jid")
echo "job $jid: $state"
if [ "$state" != COMPLETED ]; then cat "wordcount-$jid.err" >&2; exit 1; fi
[ -s local.out ] || { echo "local run printed nothing" >&2; exit 1; }
cmp local.out "wordcount-$jid.out" && echo "srun output equals local mode ($(wc -l < local.out) words)"
# The job's event log (named after the Slurm job) and report, from jobs/wordcount.sbatch.
ls events/slurm"$jid".*-wordcount-*.jsonl > /dev/null || { echo "no event log of job $jid in events/: $(ls events)" >&2; exit 1; }
grep -q 'id="timeline"' "wordcount-$jid.html" || { echo "no report wordcount-$jid.html with a timeline" >&2; exit 1; }
echo "the job wrote its event log and report"

jid=$(sbatch --parsable --ntasks=2 --output=oc-%j.out --error=oc-%j.err \
  --wrap "srun --overcommit --ntasks=3 $wordcount --split-size 1K $input")
state=$(wait_job "$jid")
echo "job $jid (overcommit): $state"
if [ "$state" != COMPLETED ]; then cat "oc-$jid.err" >&2; exit 1; fi
cmp local.out "oc-$jid.out" && echo "srun --overcommit output equals local mode"

# h5hist (jobs/h5hist.sbatch) over an HDF5 file that libdataflow wrote: the table equals
# local mode's, and the histogram file written by the job's ranks together has every count.
if [ $# -ge 4 ]; then
  h5hist=$(realpath "$3")
  h5prog=$(realpath "$4")
  "$h5prog" range 100000 values.h5 /x
  "$h5hist" values.h5:/x --bins 8 -o local-hist.h5 > hist-local.out
  jid=$(H5HIST="$h5hist" sbatch --parsable "$root/jobs/h5hist.sbatch" values.h5:/x --bins 8 -o slurm-hist.h5)
  state=$(wait_job "$jid")
  echo "job $jid (h5hist): $state"
  if [ "$state" != COMPLETED ]; then cat "h5hist-$jid.err" >&2; exit 1; fi
  # The tables agree but for the last line, which names the output file.
  cmp <(head -n -1 hist-local.out) <(head -n -1 "h5hist-$jid.out") && echo "h5hist under sbatch equals local mode"
  grep -q "total 100000 values" "h5hist-$jid.out" || { echo "h5hist's table lacks the total" >&2; exit 1; }
  [ -f slurm-hist.h5 ] && ! ls .slurm-hist.h5.tmp-* 2>/dev/null || { echo "no slurm-hist.h5, or a temporary left" >&2; exit 1; }
  h5dump -d /histogram slurm-hist.h5 > /dev/null && echo "h5dump reads the job's histogram file"
fi

if [ $# -ge 7 ]; then
  tpch=$(realpath "$6")
  data=$(realpath "$7")
  jid=$(TPCH="$tpch" sbatch --parsable "$root/jobs/tpch.sbatch" "$data" --query q3)
  state=$(wait_job "$jid")
  echo "job $jid (tpch): $state"
  if [ "$state" != COMPLETED ]; then cat "tpch-$jid.err" >&2; exit 1; fi
  python3 - "tpch-$jid.out" "$data/answers/q3.tsv" "$root/tests/oracle" <<'PY'
import sys
sys.path.insert(0, sys.argv[3])
from check_oracle import compare
problem = compare("Q3 under sbatch", open(sys.argv[1]).read(), open(sys.argv[2]).read(), True)
if problem:
    sys.exit(problem)
PY
  echo "the DataFrame job's Q3 equals DuckDB's answer"
fi

if [ $# -ge 5 ]; then
  cmake --install "$5" --prefix "$work/prefix" > /dev/null
  mkdir "$work/elsewhere" && cd "$work/elsewhere"  # no build/ here, and the prefix is not on PATH
  jid=$(env -u WORDCOUNT sbatch --parsable "$work/prefix/share/dataflow/jobs/wordcount.sbatch" --split-size 1K "$input")
  state=$(wait_job "$jid")
  echo "job $jid (installed wordcount.sbatch): $state"
  if [ "$state" != COMPLETED ]; then cat "wordcount-$jid.err" >&2; exit 1; fi
  cmp ../local.out "wordcount-$jid.out" && echo "the installed script ran the installed wordcount"
  jid=$(sbatch --parsable "$work/prefix/share/dataflow/jobs/template.sbatch" ../prefix/bin/wordcount --split-size 1K "$input")
  state=$(wait_job "$jid")
  echo "job $jid (template.sbatch): $state"
  if [ "$state" != COMPLETED ]; then cat "dataflow-$jid.err" >&2; exit 1; fi
  cmp ../local.out "dataflow-$jid.out" && echo "template.sbatch ran the program it was given"
  jid=$(sbatch --parsable "$root/jobs/template.sbatch" ./no-such-program)
  state=$(wait_job "$jid")
  code=$(scontrol show job "$jid" | grep -oE ' ExitCode=[0-9]+' | cut -d= -f2)
  echo "job $jid (template.sbatch, missing program): $state, exit $code"
  [ "$state" = FAILED ] && [ "$code" = 66 ] && grep -q "no program at ./no-such-program" "dataflow-$jid.err" ||
    { echo "a missing program should fail the job with exit 66 and say so" >&2; exit 1; }
fi
