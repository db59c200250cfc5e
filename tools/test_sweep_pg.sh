#!/usr/bin/env bash
# Real test of `imbal-nb sweep` against a shared PostgreSQL storage (issues 5 and 16; claim records in the table
# imbal_nb_sweep_claims next to Optuna's):
#  1. start a throw-away PostgreSQL server (Debian `postgresql`, installed if missing) on a Unix socket in a temp dir;
#  2. two workers at once on one grid: every cell executed exactly once, both workers took cells;
#  3. kill -9 one worker and Ctrl-C (SIGINT) another mid-cell, then resume with two fresh workers:
#     every cell completed exactly once, finished cells never re-ran, the two interrupted cells re-ran once;
#     every worker that was not killed exits 0 (`imbal_nb.sweep.main` returns the exit status).
# Usage: bash tools/test_sweep_pg.sh          (exit 0 and a final "N passed, 0 failed" line on success)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-$PWD/.venv/bin/python}
export OMP_NUM_THREADS=1 IMBAL_NB_QUIET=1
t_start=$(date +%s)

pgbin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
if [ -z "$(pgbin)" ]; then
  echo "installing Debian postgresql ..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PGBIN=$(pgbin)
"$PY" -c "import psycopg2" 2>/dev/null || "$PY" -m pip install -q --no-deps "psycopg2-binary==2.9.13"

T=$(mktemp -d /tmp/imbal_nb_pg.XXXXXX); chmod 755 "$T"
if [ "$(id -u)" = 0 ]; then   # initdb refuses to run as root: run the server as the distribution's postgres user
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$T"; AS=(runuser -u postgres --)
else AS=(); fi
PIDS=()
cleanup() {
  local rc=$?
  if [ "$rc" != 0 ]; then for f in "$T"/*.err; do [ -f "$f" ] && { echo "--- $f"; tail -n 25 "$f"; }; done; fi
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  "${AS[@]}" "$PGBIN/pg_ctl" -D "$T/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$T"
}
trap cleanup EXIT
"${AS[@]}" "$PGBIN/initdb" -D "$T/data" -U postgres --auth=trust >/dev/null
"${AS[@]}" "$PGBIN/pg_ctl" -D "$T/data" -l "$T/server.log" -w \
  -o "-c listen_addresses='' -c unix_socket_directories='$T' -c max_connections=50 -c fsync=off -c synchronous_commit=off" start >/dev/null
"${AS[@]}" "$PGBIN/createdb" -h "$T" -U postgres sweep
URL="postgresql+psycopg2://postgres@/sweep?host=$T"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on socket $T"

worker() {  # worker STUDY LOG [extra args]: start one `imbal-nb sweep` worker in the background
  local study=$1 log=$2; shift 2
  IMBAL_NB_DRY_RUN_LOG=$log IMBAL_NB_DRY_RUN_SLEEP=${SLEEP:-0.3} "$PY" -c \
    'import sys, signal; signal.signal(signal.SIGINT, signal.default_int_handler); from imbal_nb.sweep import main; sys.exit(main(sys.argv[1:]))' \
    --study "$study" --storage "$URL" --data a,b,c --methods ce,rs,eg --folds 4 --seeds 1 \
    --objective imbal_nb.sweep:dry_run --heartbeat 0.5 --grace 3 "$@" 2>>"$T/$study.err" &
  PIDS+=($!); LAST=$!
}
wait_starts() {  # wait_starts LOG PID N: until PID has started N cells
  for _ in $(seq 600); do
    [ "$(grep -c "^start $2 " "$1" 2>/dev/null || true)" -ge "$3" ] && return 0; sleep 0.05
  done; echo "timeout waiting for $2"; return 1
}

# --- 1. two workers at once ---------------------------------------------------------------------
L1=$T/two.log; : > "$L1"
worker two "$L1"; A=$LAST; worker two "$L1"; B=$LAST
RC1=0; wait "$A" || RC1=$?; wait "$B" || RC1=$((RC1 + $?))
echo "phase 1 (two workers) done after $(( $(date +%s) - t_start )) s"
# --- 2. kill -9 and Ctrl-C mid-cell, then resume ------------------------------------------------
L2=$T/kill.log; : > "$L2"
# cells of 0.6 s here, so that a loaded machine still signals inside a cell, not between two
SLEEP=0.6 worker kill "$L2"; A=$LAST; SLEEP=0.6 worker kill "$L2"; B=$LAST
wait_starts "$L2" "$A" 3; kill -9 "$A"              # A dies inside its 3rd cell
wait_starts "$L2" "$B" 5; kill -INT "$B"            # B is interrupted inside its 5th cell
wait "$A" 2>/dev/null || true; wait "$B" 2>/dev/null || true
echo "killed worker $A (SIGKILL) and $B (SIGINT) mid-cell; resuming with two new workers"
echo "phase 2 interrupts done after $(( $(date +%s) - t_start )) s"
worker kill "$L2"; C=$LAST; worker kill "$L2"; D=$LAST
RC2=0; wait "$C" || RC2=$?; wait "$D" || RC2=$((RC2 + $?))
t_end=$(date +%s)

rc=0
"$PY" - "$URL" "$L1" "$L2" "$A" "$B" "$RC1" "$RC2" <<'PYEOF' || rc=$?
import sys, collections, optuna
from optuna.trial import TrialState
from imbal_nb.sweep import results_frame, get_storage
url, l1, l2, A, B, rc1, rc2 = sys.argv[1:]
passed = failed = 0
def check(ok, what):
    global passed, failed
    print(('PASS ' if ok else 'FAIL ') + what); passed += bool(ok); failed += (not ok)
st = get_storage(url); N = 3 * 3 * 4
def lines(p): return [l.split() for l in open(p).read().splitlines()]
# 1. two workers
ends = collections.Counter(k for w, pid, k in lines(l1) if w == 'end')
df = results_frame(optuna.load_study(study_name='two', storage=st))
check(len(ends) == N and set(ends.values()) == {1}, f"two workers: {N} cells each executed exactly once ({sum(ends.values())} executions)")
check(len(df) == N and df[['dataset', 'method', 'fold', 'seed']].drop_duplicates().shape[0] == N, "two workers: one result row per cell")
check(df.worker.nunique() == 2, f"two workers: both took cells ({df.worker.value_counts().tolist()})")
check(rc1 == '0', f"two workers: both exited 0 (sum of exit codes {rc1})")
# 2. kill / resume
L = lines(l2); ends = collections.Counter(k for w, pid, k in L if w == 'end')
starts = collections.Counter(k for w, pid, k in L if w == 'start')
# an execution is interrupted when its worker logged `start` but never `end` for it; A's cell may be taken over
# (and started again) by B before B is interrupted, so count re-runs per execution, not per worker
def cut(pid):
    st = [k for w, p, k in L if p == pid and w == 'start']; en = collections.Counter(k for w, p, k in L if p == pid and w == 'end')
    return [k for k in st if en[k] < st.count(k)][:1] if st else []
cuts = {pid: cut(pid) for pid in (A, B)}
reruns = collections.Counter(k for ks in cuts.values() for k in ks)
s = optuna.load_study(study_name='kill', storage=st)
by = collections.Counter(t.state for t in s.get_trials() if 'cell_key' in t.user_attrs)
check(len(ends) == N and set(ends.values()) == {1}, f"kill/resume: every cell completed exactly once ({len(ends)} cells)")
check(all(len(v) == 1 for v in cuts.values()) and all(ends[k] == 1 and starts[k] == 1 + reruns[k] for k in reruns),
      f"kill/resume: the SIGKILLed and the SIGINTed executions were re-run once each ({dict(cuts)})")
if failed: print('\n'.join(' '.join(l) for l in L if l[1] in (A, B)))
check(sum(starts.values()) == N + 2, f"kill/resume: no finished cell re-ran ({sum(starts.values())} starts = {N} + 2)")
check(by[TrialState.COMPLETE] == N and by[TrialState.FAIL] == 2 and by[TrialState.RUNNING] == 0 and by[TrialState.WAITING] == 0,
      f"kill/resume: trial states {dict((k.name, v) for k, v in by.items())}")
check(len(results_frame(s)) == N, "kill/resume: results table has one row per cell")
check(rc2 == '0', f"kill/resume: both resume workers exited 0 (sum of exit codes {rc2})")
print(f"{passed} passed, {failed} failed")
sys.exit(failed > 0)
PYEOF
echo "test_sweep_pg.sh: workers ran in $((t_end - t_start)) s"
exit $rc
