#!/usr/bin/env bash
# Starts a private one-node Slurm cluster (slurmctld + slurmd in the background, no systemd)
# and waits until its node is idle. Then: export SLURM_CONF=DIR/slurm.conf; sbatch ...; stop.sh DIR
# Usage: start.sh DIR     Env: SLURM_LOCAL_CTLD_PORT (6817), SLURM_LOCAL_SLURMD_PORT (6818)
# Needs (root): apt-get install -y --no-install-recommends slurmctld slurmd slurm-client
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=$(realpath -m "${1:?usage: start.sh DIR}")
host=$(hostname -s)
mkdir -p "$dir"/{state,spool,log,run}
sed -e "s|@DIR@|$dir|g" -e "s|@HOST@|$host|g" -e "s|@NODELINE@|$(slurmd -C | head -n1)|" \
    -e "s|@CTLD_PORT@|${SLURM_LOCAL_CTLD_PORT:-6817}|" -e "s|@SLURMD_PORT@|${SLURM_LOCAL_SLURMD_PORT:-6818}|" \
    "$here/slurm.conf.in" > "$dir/slurm.conf"
export SLURM_CONF="$dir/slurm.conf"
setsid slurmctld -D -i </dev/null >"$dir/log/slurmctld.out" 2>&1 &
echo $! >"$dir/run/slurmctld.bgpid"
setsid slurmd -D </dev/null >"$dir/log/slurmd.out" 2>&1 &
echo $! >"$dir/run/slurmd.bgpid"
for _ in $(seq 1 300); do
  [ "$(sinfo -h -n "$host" -o %t 2>/dev/null || true)" = idle ] && { echo "slurm-local: up in $dir"; exit 0; }
  sleep 0.1
done
echo "slurm-local: the node did not become idle; logs:" >&2
tail -n 20 "$dir"/log/* >&2 || true
exit 1
