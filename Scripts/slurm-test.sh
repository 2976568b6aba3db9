#!/usr/bin/env bash
# End-to-end test of `experiments slurm` on a real single-node Slurm cluster started here.
#
#   Scripts/slurm-test.sh [EXPERIMENTS_BIN]      (or EXPERIMENTS_BIN=... Scripts/slurm-test.sh)
#
# Needs root (it installs slurmctld/slurmd/slurm-client/munge with apt-get when missing and runs the
# daemons in the background, without systemd; see the field notes on single-node Slurm).
#   (a) a 24-run gradient-flow grid as a 4-task job array + gather job == a local `experiments run`;
#   (c) 8 shards with MaxArraySize=5 (from `scontrol show config`): 2 array jobs with offsets == local;
#   (b) one task of a second grid is cancelled mid-run: gather fails listing missing keys; the same
#       `experiments slurm --submit` again finishes it; the gather == a local run, no key missing or twice.
#       The task is stopped at a known point, not by timing: it runs with the test hook
#       RNNLAB_TEST_PAUSE_AFTER_RECORDS=2 (it pauses after its 2nd record), the script waits for those
#       2 records, then cancels it.
# Prints PASS/FAIL lines; exits 1 on failure. When Slurm cannot start, prints SKIP and exits 0 only
# with SLURM_TEST_ALLOW_SKIP=1 (else 1). The daemons are stopped by PID on exit (trap).
# Env: EXPERIMENTS_BIN, SLURM_TEST_ALLOW_SKIP, SLURM_TEST_TIMEOUT (seconds per wait, default 90),
#      SLURM_TEST_SEQ_LENS (spec B's seq_len values, default "400, 500, 600"),
#      KEEP_WORK=1 keeps the work folder even on success.
set -uo pipefail

START=$(date +%s.%N)
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TIMEOUT=${SLURM_TEST_TIMEOUT:-90}
FAILURES=0
PIDS=()

elapsed() { awk -v s="$START" -v n="$(date +%s.%N)" 'BEGIN { printf "%5.1fs", n - s }'; }
note() { echo "[$(elapsed)] $*"; }
pass() { echo "[$(elapsed)] PASS: $*"; }
fail() { echo "[$(elapsed)] FAIL: $*"; FAILURES=$((FAILURES + 1)); }
die() { fail "$*"; exit 1; }
cannot_start() {
    if [ "${SLURM_TEST_ALLOW_SKIP:-0}" = 1 ]; then
        echo "[$(elapsed)] SKIP: Slurm cannot start here: $* (SLURM_TEST_ALLOW_SKIP=1)"
        exit 0
    fi
    echo "[$(elapsed)] FAIL: Slurm cannot start here: $* (set SLURM_TEST_ALLOW_SKIP=1 to skip)"
    exit 1
}

# --- the experiments binary --------------------------------------------------------------------
BIN=${1:-${EXPERIMENTS_BIN:-}}
if [ -z "$BIN" ]; then
    for candidate in "$ROOT/.build/release/experiments" "$ROOT/.build/debug/experiments"; do
        if [ -x "$candidate" ]; then BIN=$candidate; break; fi
    done
fi
[ -n "$BIN" ] || die "no experiments binary: pass it as an argument or EXPERIMENTS_BIN, or run 'swift build' first"
case "$BIN" in /*) ;; *) BIN="$PWD/$BIN" ;; esac
[ -x "$BIN" ] || die "'$BIN' is not executable"
note "experiments binary: $BIN"

# --- packages ----------------------------------------------------------------------------------
[ "$(id -u)" = 0 ] || cannot_start "needs root (apt-get, munged, slurmctld, slurmd)"
missing=()
for tool in slurmctld slurmd sbatch squeue scontrol scancel sinfo munged; do
    command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
    note "installing Slurm and munge (missing: ${missing[*]})"
    command -v apt-get >/dev/null 2>&1 || cannot_start "no apt-get to install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    timeout 300 apt-get update -qq >/tmp/slurm-test-apt.log 2>&1 \
        && timeout 300 apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >>/tmp/slurm-test-apt.log 2>&1 \
        || cannot_start "apt-get failed (see /tmp/slurm-test-apt.log): $(tail -n 2 /tmp/slurm-test-apt.log | tr '\n' ' ')"
    note "installed"
fi
export PATH="$PATH:/usr/sbin:/sbin"

# Ports 6817/6818 and the munge socket are per machine: one cluster at a time.
for port in 6817 6818; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then cannot_start "port $port is in use (another Slurm running?)"; fi
done

# --- work folder (paths with spaces on purpose) -------------------------------------------------
WORK=$(mktemp -d /tmp/slurm-test.XXXXXX)
chmod 755 "$WORK"
CLUSTER="$WORK/cluster"
DATA="$WORK/grid data"
mkdir -p "$CLUSTER/state" "$CLUSTER/spool" "$DATA"

stop_cluster() {
    local status=$?
    trap - EXIT INT TERM
    if [ -n "${SLURM_CONF:-}" ] && command -v scancel >/dev/null 2>&1 && [ ${#PIDS[@]} -gt 0 ]; then
        scancel --partition=debug >/dev/null 2>&1
        for _ in $(seq 50); do
            [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
            sleep 0.2
        done
        # Let the jobs' slurmstepd processes exit (their sockets are in the spool) before slurmd goes.
        for _ in $(seq 50); do
            [ -z "$(find "$CLUSTER/spool" -type s 2>/dev/null)" ] && break
            sleep 0.1
        done
    fi
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 25); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$pid" 2>/dev/null
    done
    wait 2>/dev/null
    [ ${#PIDS[@]} -gt 0 ] && note "stopped the daemons (pids ${PIDS[*]})"
    if [ "$status" = 0 ] && [ "$FAILURES" = 0 ] && [ "${KEEP_WORK:-0}" != 1 ]; then
        rm -rf "$WORK"
    else
        note "work folder kept: $WORK (cluster logs in $CLUSTER)"
    fi
    exit "$status"
}
trap stop_cluster EXIT
trap 'exit 130' INT TERM

# --- munge --------------------------------------------------------------------------------------
install -d -o munge -g munge -m 755 /run/munge
if [ ! -s /etc/munge/munge.key ]; then
    mungekey --create --keyfile=/etc/munge/munge.key >/dev/null 2>&1 || cannot_start "cannot create /etc/munge/munge.key"
    chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
fi
if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    note "munged already running; using it"
else
    setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged -F >"$CLUSTER/munged.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
    munge -n 2>/dev/null | unmunge >/dev/null 2>&1 || cannot_start "munged did not start: $(tail -n 3 "$CLUSTER/munged.log" | tr '\n' ' ')"
fi

# --- slurm.conf: localhost, no cgroups, no accounting -------------------------------------------
HOST=$(hostname -s)
CPUS=$(nproc)
MEMORY=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.8 }' /proc/meminfo)
export SLURM_CONF="$CLUSTER/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=slurmtest
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CryptoType=crypto/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
StateSaveLocation=$CLUSTER/state
SlurmdSpoolDir=$CLUSTER/spool
SlurmctldPidFile=$CLUSTER/slurmctld.pid
SlurmdPidFile=$CLUSTER/slurmd.pid
SlurmctldLogFile=$CLUSTER/slurmctld.log
SlurmdLogFile=$CLUSTER/slurmd.log
SlurmdParameters=config_overrides
DependencyParameters=kill_invalid_depend
SchedulerParameters=batch_sched_delay=0
MailProg=/bin/true
MaxArraySize=5
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEMORY State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
chmod 644 "$SLURM_CONF"

slurmctld -D -f "$SLURM_CONF" >"$CLUSTER/slurmctld.out" 2>&1 &
PIDS+=($!)
slurmd -D -N "$HOST" -f "$SLURM_CONF" >"$CLUSTER/slurmd.out" 2>&1 &
PIDS+=($!)
idle=
for _ in $(seq 150); do
    if [ "$(sinfo -h -o %t 2>/dev/null)" = idle ]; then idle=1; break; fi
    sleep 0.2
done
[ -n "$idle" ] || cannot_start "the node is not idle after 30 s (sinfo: $(sinfo -h -o '%t %E' 2>&1 | tr '\n' ' '); logs in $CLUSTER)"
pass "single-node Slurm up ($HOST, $CPUS CPUs, $(sinfo -V 2>/dev/null))"

# --- helpers -------------------------------------------------------------------------------------
# wait_jobs ID...: until none of the jobs is pending or running; fails the test after TIMEOUT seconds.
wait_jobs() {
    local ids deadline
    ids=$(IFS=,; echo "$*")
    deadline=$(( $(date +%s) + TIMEOUT ))
    while [ -n "$(squeue -h -j "$ids" -t PD,R,CG,CF,S -o %i 2>/dev/null)" ]; do
        if [ "$(date +%s)" -ge "$deadline" ]; then
            die "jobs $ids still queued after ${TIMEOUT}s: $(squeue -h -j "$ids" -o '%i %T %r' | tr '\n' ';') (SLURM_TEST_TIMEOUT)"
        fi
        sleep 0.2
    done
}
# job_field ID FIELD: a field of `scontrol show job` (JobState, ExitCode).
job_field() { scontrol -o show job "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1; }
# submit SPEC OUT [ARRAY_SIZE [JOB_BINARY]]: `experiments slurm --submit` (the jobs run JOB_BINARY,
# default the binary under test); sets ARRAY_IDS and GATHER_ID.
submit() {
    local output
    output=$("$BIN" slurm "$1" --array-size "${3:-4}" --cpus 1 --time 00:05:00 --out "$2" --binary "${4:-$BIN}" \
        --submit 2>"$WORK/slurm-cli.err") \
        || { fail "experiments slurm --submit: $(cat "$WORK/slurm-cli.err")"; return 1; }
    echo "$output" | sed 's/^/    /'
    ARRAY_IDS=$(echo "$output" | sed -n 's/^submitted array job \([0-9][0-9]*\).*/\1/p' | paste -sd " " -)
    GATHER_ID=$(echo "$output" | sed -n 's/^submitted gather job \([0-9][0-9]*\).*/\1/p')
    [ -n "$ARRAY_IDS" ] && [ -n "$GATHER_ID" ] || { fail "no job ids in: $output"; return 1; }
}
# same_tables LOCAL OUT LABEL: byte-for-byte equal runs.csv, series.csv, spec.resolved.json.
same_tables() {
    local file bad=
    for file in runs.csv series.csv spec.resolved.json; do
        cmp -s "$1/$file" "$2/$file" || { bad="$bad $file"; }
    done
    if [ -z "$bad" ]; then pass "$3: gathered runs.csv, series.csv, spec.resolved.json == local run (byte for byte)"
    else fail "$3: differs from the local run:$bad"; fi
}
# A complete record line ends with the series array and the line's digest.
RECORD_END='"series":\[.*\],"sha256":"[0-9a-f]{64}"}$'
# has_record OUT KEY: a complete record line of KEY is in OUT/runs/*.jsonl.
has_record() {
    grep -Eqs "^\{\"key\":\"$2\".*$RECORD_END" "$1"/runs/*.jsonl
}
# keys_once OUT N LABEL: N rows, N unique keys, N records (record lines, so a run recorded twice fails).
keys_once() {
    local rows unique records series_keys
    rows=$(tail -n +2 "$1/runs.csv" | wc -l)
    unique=$(tail -n +2 "$1/runs.csv" | cut -d, -f1 | sort -u | wc -l)
    records=$(cat "$1"/runs/*.jsonl 2>/dev/null | grep -Ec '^\{"key":".*'"$RECORD_END" || true)
    series_keys=$(tail -n +2 "$1/series.csv" | cut -d, -f1 | sort -u | wc -l)
    if [ "$rows" = "$2" ] && [ "$unique" = "$2" ] && [ "$records" = "$2" ] && [ "$series_keys" = "$2" ]; then
        pass "$3: $rows rows, $unique unique keys, $records records, $series_keys keys in series.csv (expected $2)"
    else
        fail "$3: rows=$rows unique=$unique records=$records series_keys=$series_keys (expected $2)"
    fi
}

# --- specs ---------------------------------------------------------------------------------------
SPEC_A="$DATA/grad flow small.json"
SPEC_B="$DATA/grad flow long.json"
cat >"$SPEC_A" <<'EOF'
{"version": 1, "name": "slurm-small", "study": "gradient-flow",
 "model": {"cell": "rnn", "nonlinearity": "tanh", "input": 1, "hidden": 10},
 "grid": {"init": ["orthogonal", "normal-0.01"], "seq_len": [5, 10, 20], "seed": {"count": 4}}}
EOF
# Spec B's runs need not be slow: (b) stops its victim task with the test hook, not by timing.
spec_b() {
    cat >"$2" <<EOF
{"version": 1, "name": "$1", "study": "gradient-flow",
 "model": {"cell": "rnn", "nonlinearity": "tanh", "input": 1, "hidden": 20},
 "grid": {"init": [$4], "seq_len": [$3], "seed": {"count": $5}}}
EOF
}
SEQ_LENS=${SLURM_TEST_SEQ_LENS:-400, 500, 600}
spec_b slurm-long "$SPEC_B" "$SEQ_LENS" '"orthogonal", "normal-0.01"' 4
note "spec B: seq_len [$SEQ_LENS]"
N_A=$("$BIN" expand "$SPEC_A" | tail -n 1 | cut -d' ' -f1)
N_B=$("$BIN" expand "$SPEC_B" | tail -n 1 | cut -d' ' -f1)

t0=$(date +%s.%N)
"$BIN" run "$SPEC_A" --out "$WORK/local-a" --no-plot --jobs "$CPUS" 2>"$WORK/local-a.log" || die "local run of spec A failed: $(tail -n 3 "$WORK/local-a.log")"
"$BIN" run "$SPEC_B" --out "$WORK/local-b" --no-plot --jobs "$CPUS" 2>"$WORK/local-b.log" || die "local run of spec B failed: $(tail -n 3 "$WORK/local-b.log")"
note "local reference runs: $N_A + $N_B runs in $(awk -v s="$t0" -v n="$(date +%s.%N)" 'BEGIN { printf "%.1f", n - s }')s"

# --- (a) a job array + gather == a local run ------------------------------------------------------
OUT_A="$DATA/out a"
"$BIN" slurm "$SPEC_A" --array-size 4 --out "$OUT_A" >"$WORK/dry.out" 2>&1
if grep -q '^submit with:' "$WORK/dry.out" && [ -x "$OUT_A/slurm/array.sbatch" ] && [ -x "$OUT_A/slurm/gather.sbatch" ] \
    && grep -q '^#SBATCH --array=0-3$' "$OUT_A/slurm/array.sbatch"; then
    pass "(a) without --submit: scripts written, submit commands printed"
else
    fail "(a) without --submit: $(cat "$WORK/dry.out")"
fi
t0=$(date +%s)
if submit "$SPEC_A" "$OUT_A"; then
    # shellcheck disable=SC2086
    wait_jobs $ARRAY_IDS "$GATHER_ID"
    state=$(job_field "$GATHER_ID" JobState); code=$(job_field "$GATHER_ID" ExitCode)
    tasks=$(find "$OUT_A/shards" -name 'shard-*-of-4.json' 2>/dev/null | wc -l)
    if [ "$state" = COMPLETED ] && [ "$code" = 0:0 ] && [ "$tasks" = 4 ]; then
        pass "(a) array job $ARRAY_IDS (4 tasks, 4 shard summaries) + gather job $GATHER_ID COMPLETED in $(( $(date +%s) - t0 ))s"
    else
        fail "(a) gather job $GATHER_ID: $state exit $code, $tasks shard summaries; log: $(cat "$OUT_A"/slurm/logs/*gather* 2>/dev/null)"
    fi
    same_tables "$WORK/local-a" "$OUT_A" "(a)"
    keys_once "$OUT_A" "$N_A" "(a)"
fi

# --- (b) cancel one task mid-run, gather fails, resubmit, gather == local ---------------------------
OUT_B="$DATA/out b"
# The victim is the array task with the most runs (task i runs the keys with key mod 4 == i, i.e.
# by their last hex digit; which task gets runs depends on the keys, so it is chosen, not fixed).
declare -a COUNTS=(0 0 0 0)
while read -r key _; do
    [ ${#key} = 16 ] && COUNTS[$(( 16#${key: -1} % 4 ))]=$(( COUNTS[$(( 16#${key: -1} % 4 ))] + 1 ))
done < <("$BIN" expand "$SPEC_B")
VICTIM_TASK=0
for i in 1 2 3; do [ "${COUNTS[$i]}" -gt "${COUNTS[$VICTIM_TASK]}" ] && VICTIM_TASK=$i; done
SHARD2=()
while read -r key _; do
    [ ${#key} = 16 ] && [ $(( 16#${key: -1} % 4 )) = "$VICTIM_TASK" ] && SHARD2+=("$key")
done < <("$BIN" expand "$SPEC_B")
# The victim runs the binary through a wrapper that sets the test hook in its environment only (the
# other tasks and the gather job run the plain binary): after PAUSE_AT records (its 1 lane, --jobs 1,
# gives exactly PAUSE_AT) it starts no other run and waits, so the cancel lands at a known point.
PAUSE_AT=2
PAUSING_BIN="$WORK/experiments-pausing-task-$VICTIM_TASK"
cat >"$PAUSING_BIN" <<EOF
#!/bin/bash
if [ "\${SLURM_ARRAY_TASK_ID:-}" = $VICTIM_TASK ]; then export RNNLAB_TEST_PAUSE_AFTER_RECORDS=$PAUSE_AT; fi
exec $(printf %q "$BIN") "\$@"
EOF
chmod 755 "$PAUSING_BIN"
t0=$(date +%s)
if submit "$SPEC_B" "$OUT_B" 4 "$PAUSING_BIN"; then
    first_array=${ARRAY_IDS%% *}
    victim="${first_array}_${VICTIM_TASK}"
    deadline=$(( $(date +%s) + TIMEOUT )); done_in_task=0
    # Wait until the paused task has recorded its PAUSE_AT runs (it cannot record more), then cancel it.
    while :; do
        done_in_task=0
        for key in "${SHARD2[@]}"; do has_record "$OUT_B" "$key" && done_in_task=$((done_in_task + 1)); done
        [ "$done_in_task" -ge "$PAUSE_AT" ] && break
        [ "$(date +%s)" -lt "$deadline" ] || { fail "(b) task $victim recorded $done_in_task of its runs in ${TIMEOUT}s, not the $PAUSE_AT it pauses after (SLURM_TEST_TIMEOUT)"; break; }
        sleep 0.1
    done
    task_state=$(squeue -h -j "$victim" -o %T 2>/dev/null)
    scancel "$victim"
    note "cancelled task $victim ($task_state) after $done_in_task of its ${#SHARD2[@]} runs were recorded (paused by the test hook after $PAUSE_AT)"
    [ "$done_in_task" = "$PAUSE_AT" ] && [ "$task_state" = RUNNING ] \
        || fail "(b) expected the task RUNNING (paused) with $PAUSE_AT records, found $task_state with $done_in_task"
    # shellcheck disable=SC2086
    wait_jobs $ARRAY_IDS "$GATHER_ID"
    state=$(job_field "$GATHER_ID" JobState); code=$(job_field "$GATHER_ID" ExitCode)
    left=0
    for key in "${SHARD2[@]}"; do has_record "$OUT_B" "$key" || left=$((left + 1)); done
    gather_log=$(cat "$OUT_B"/slurm/logs/*gather-"$GATHER_ID".out 2>/dev/null)
    if [ "$left" = $(( ${#SHARD2[@]} - PAUSE_AT )) ] && [ "$left" -gt 0 ] && [ "$state" = FAILED ] && [ "$code" = 1:0 ] \
        && echo "$gather_log" | grep -q "incomplete grid: $left of $N_B runs have no record" && [ ! -e "$OUT_B/runs.csv" ]; then
        pass "(b) task cancelled mid-run ($left of ${#SHARD2[@]} runs unrecorded): gather job $GATHER_ID $state, exit $code: $(echo "$gather_log" | tail -n 1)"
    else
        fail "(b) after cancelling: $left of ${#SHARD2[@]} unrecorded, gather $GATHER_ID $state exit $code, log: $gather_log"
    fi
    if submit "$SPEC_B" "$OUT_B"; then
        # shellcheck disable=SC2086
        wait_jobs $ARRAY_IDS "$GATHER_ID"
        state=$(job_field "$GATHER_ID" JobState); code=$(job_field "$GATHER_ID" ExitCode)
        reran=$(cat "$OUT_B"/slurm/logs/*_"$VICTIM_TASK".out 2>/dev/null | grep -c "already recorded, $left to run")
        if [ "$state" = COMPLETED ] && [ "$code" = 0:0 ] && [ "$reran" -ge 1 ]; then
            pass "(b) resubmitted: task $VICTIM_TASK ran only its $left unrecorded runs; gather job $GATHER_ID COMPLETED ($(( $(date +%s) - t0 ))s for (b))"
        else
            fail "(b) resubmission: gather $GATHER_ID $state exit $code, task-$VICTIM_TASK reran-only-missing lines: $reran"
        fi
        same_tables "$WORK/local-b" "$OUT_B" "(b)"
        keys_once "$OUT_B" "$N_B" "(b)"
    fi
fi

# --- (c) more shards than MaxArraySize (5 in slurm.conf, read from scontrol): chunks with offsets ---
OUT_C="$DATA/out c"
t0=$(date +%s)
if submit "$SPEC_A" "$OUT_C" 8; then
    # shellcheck disable=SC2086
    set -- $ARRAY_IDS
    chunks=$#
    wait_jobs "$@" "$GATHER_ID"
    state=$(job_field "$GATHER_ID" JobState); code=$(job_field "$GATHER_ID" ExitCode)
    dependency=$(grep -h "^#SBATCH --array=" "$OUT_C"/slurm/array-*-of-2.sbatch | paste -sd ' ' -)
    summaries=$(find "$OUT_C/shards" -name 'shard-*-of-8.json' 2>/dev/null | wc -l)
    if [ "$chunks" = 2 ] && [ "$dependency" = "#SBATCH --array=0-4 #SBATCH --array=0-2" ] && [ "$summaries" = 8 ] \
        && [ "$state" = COMPLETED ] && [ "$code" = 0:0 ]; then
        pass "(c) 8 shards, MaxArraySize 5: array jobs $ARRAY_IDS (tasks 0-4, 0-2 = shards 1-5, 6-8), 8 shard summaries, gather $GATHER_ID after both COMPLETED in $(( $(date +%s) - t0 ))s"
    else
        fail "(c) chunks=$chunks arrays='$dependency' summaries=$summaries gather $GATHER_ID $state exit $code"
    fi
    same_tables "$WORK/local-a" "$OUT_C" "(c)"
    keys_once "$OUT_C" "$N_A" "(c)"
fi

if [ "$FAILURES" = 0 ]; then
    echo "[$(elapsed)] PASS: slurm-test ($N_A + $N_B runs)"
    exit 0
fi
echo "[$(elapsed)] FAIL: slurm-test: $FAILURES failure(s)"
exit 1
