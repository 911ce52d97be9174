#!/usr/bin/env bash
# scripts/slurm/predict-array.sh against a real Slurm on this machine: installs Debian's
# slurm-wlm and munge when missing, starts munged, slurmctld and slurmd with a minimal
# configuration in a temporary folder (one node with this machine's CPUs and memory, no
# cgroups, no accounting), and runs the README's cluster commands over 40 small images in 4
# tasks:
#   1. submit, wait, check every task and the merge job completed, every image's outputs and
#      the merged CSV and summary against the per-image CSVs;
#   2. submit again into a new folder (with --tta, so a task runs long enough to be caught),
#      cancel one array task mid-run, check the merge job was cancelled and no image has a
#      partial output set, resubmit the same command and check that it skips exactly the
#      finished images and completes the merge;
# then stops the daemons and removes the folder. Needs root (slurmd starts jobs as their user).
# A few minutes on 2 cores.
#
#   scripts/test-slurm.sh            # builds nucleiseg (release) first
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=$ROOT/.build/release/nucleiseg
TIMEOUT=${SLURM_TEST_TIMEOUT:-300}   # seconds for one submission to finish
fail() { echo "test-slurm: FAIL: $*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || fail "needs root: slurmd launches jobs as their user (run in the CI container, or with sudo)"
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
    echo "installing slurm-wlm and munge ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends slurm-wlm munge >/dev/null 2>&1 \
        || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends slurm-wlm munge >/dev/null; }
fi
swift build -c release 2>&1 | tail -1  # incremental: never test a stale binary

WORK=$(mktemp -d /tmp/nucleiseg-slurm.XXXXXX)
chmod 755 "$WORK"   # munged wants its socket's folder reachable by everyone
stop_daemons() {
    local name pid
    # Jobs of this test's cluster first (a failed check can leave tasks running).
    if [[ -f $WORK/slurmctld.pid ]] && [[ -n $(squeue -h -o %i 2>/dev/null) ]]; then
        scancel --user=root 2>/dev/null || true
        for _ in $(seq 50); do [[ -z $(squeue -h -o %i 2>/dev/null) ]] && break; sleep 0.2; done
    fi
    for name in slurmd slurmctld munged; do
        [[ -f $WORK/$name.pid ]] || continue
        pid=$(cat "$WORK/$name.pid")
        kill "$pid" 2>/dev/null || continue
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    done
}
show_logs() {
    echo "--- slurmctld.log (tail)"; tail -n 20 "$WORK/slurmctld.log" 2>/dev/null || true
    echo "--- slurmd.log (tail)"; tail -n 20 "$WORK/slurmd.log" 2>/dev/null || true
}
trap 'status=$?; ((status == 0)) || show_logs; stop_daemons; rm -rf "$WORK"; exit $status' EXIT

# munge: a key of our own, a socket in the folder.
KEY=$WORK/munge.key
mungekey --create --keyfile="$KEY" 2>/dev/null || dd if=/dev/urandom of="$KEY" bs=1024 count=1 status=none
chmod 400 "$KEY"
munged --force --socket="$WORK/munge.socket" --key-file="$KEY" --pid-file="$WORK/munged.pid" \
       --log-file="$WORK/munged.log" --seed-file="$WORK/munged.seed" || fail "munged did not start: $(tail -n 3 "$WORK/munged.log")"

# slurm: this machine as its only node, with the CPUs and memory slurmd finds.
NODE=$(slurmd -C | head -n 1)
CPUS=$(sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' <<<"$NODE")
MEMORY=$(sed -n 's/.* RealMemory=\([0-9]*\).*/\1/p' <<<"$NODE")
[[ -n $CPUS && -n $MEMORY ]] || fail "slurmd -C did not report CPUs and RealMemory: $NODE"
PORT=$((20000 + $$ % 20000))
mkdir -p "$WORK/state" "$WORK/spool"
cat > "$WORK/slurm.conf" <<CONF
ClusterName=nucleiseg-test
SlurmctldHost=$(hostname -s)(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$WORK/munge.socket
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
# No cgroups (containers without systemd): plain process tracking, no task binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
# Finished jobs stay visible to scontrol for the checks (no accounting, so no sacct).
MinJobAge=3600
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEMORY State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$WORK/slurm.conf
slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start"
slurmd -f "$SLURM_CONF" -N localhost || fail "slurmd did not start"
for _ in $(seq 100); do
    [[ $(sinfo -h -n localhost -o %T 2>/dev/null) == idle ]] && break
    sleep 0.2
done
[[ $(sinfo -h -n localhost -o %T) == idle ]] || fail "the node did not come up: $(sinfo -h -N -o '%N %T %E')"
echo "slurm $(sinfo -V | cut -d' ' -f2) up: 1 node, $CPUS CPUs, $MEMORY MB"

# 40 images: 64x64 crops (4 per image, the most textured cells of a 4x4 grid) of 10 training
# images of data/nuclei-samples, keeping their bit depth.
IMAGES=$WORK/images
python3 - "$IMAGES" data/nuclei-samples/train/images <<'PY'
import os, struct, sys, zlib
out, source = sys.argv[1], sys.argv[2]
os.makedirs(out)

def read_png(path):
    data = open(path, "rb").read()
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR": header = struct.unpack(">IIBBBBB", body)
        if kind == b"IDAT": idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert colour == 0 and interlace == 0 and depth in (8, 16), path
    bpp = depth // 8
    raw, stride, rows, prior = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prior[i], prior[i - bpp] if i >= bpp else 0
            if kind == 1: line[i] = (line[i] + a) & 255
            elif kind == 2: line[i] = (line[i] + b) & 255
            elif kind == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line)); prior = line
    return width, height, depth, rows

def write_png(path, width, height, depth, rows):
    def chunk(kind, body): return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    raw = b"".join(b"\0" + row for row in rows)
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, 0, 0, 0, 0))
                           + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))

names = sorted(n for n in os.listdir(source) if n.endswith(".png"))[::3][:10]
for number, name in enumerate(names):
    width, height, depth, rows = read_png(os.path.join(source, name))
    bpp, side, cells = depth // 8, 64, []
    for gy in range(4):
        for gx in range(4):
            x, y = gx * (width - side) // 3, gy * (height - side) // 3
            crop = [row[x * bpp:(x + side) * bpp] for row in rows[y:y + side]]
            values = [int.from_bytes(r[i:i + bpp], "big") for r in crop for i in range(0, len(r), bpp * 4)]
            mean = sum(values) / len(values)
            cells.append((sum((v - mean) ** 2 for v in values), gy, gx, crop))
    for index, (_, gy, gx, crop) in enumerate(sorted(cells, key=lambda c: -c[0])[:4]):
        write_png(os.path.join(out, f"field{number:02d}_{gy}{gx}.png"), side, side, depth, crop)
print(f"{len(os.listdir(out))} images of 64x64 from {len(names)} of {source}")
PY
[[ $(ls "$IMAGES" | wc -l) == 40 ]] || fail "expected 40 test images"

SUBMIT=(scripts/slurm/predict-array.sh "$IMAGES" --tasks 4 --cpus 1 --mem 1G --nucleiseg "$BIN")

# Waits until the jobs have left the queue.
wait_for() {
    local deadline=$((SECONDS + TIMEOUT))
    while [[ -n $(squeue -h -j "$1" -o %i 2>/dev/null) ]]; do
        ((SECONDS < deadline)) || { squeue -j "$1"; fail "jobs $1 still queued after ${TIMEOUT}s"; }
        sleep 1
    done
}
# The final state of each job (array tasks included) of job $1, one per line.
states() { scontrol show job "$1" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p'; }
submit() {   # output folder, extra predict options: sets ARRAY_ID, MERGE_ID
    local out
    out=$("${SUBMIT[@]:0:2}" "$1" "${SUBMIT[@]:2}" "${@:2}") || fail "predict-array.sh failed: $out"
    echo "$out"
    ARRAY_ID=$(sed -n 's/^predict array: \([0-9]*\) .*/\1/p' <<<"$out")
    MERGE_ID=$(sed -n 's/^merge: \([0-9]*\) .*/\1/p' <<<"$out")
    [[ -n $ARRAY_ID && -n $MERGE_ID ]] || fail "no job ids in: $out"
}
# Checks an output folder: every image's four files, the merged CSV and summary.
check_run() {
    python3 - "$IMAGES" "$1" <<'PY' || fail "outputs of $1 are wrong"
import csv, json, os, sys
images, out = sys.argv[1], sys.argv[2]
stems = sorted(n[:-4] for n in os.listdir(images))
expected_rows, nuclei = [], 0
for stem in stems:
    for suffix in ("_mask.png", "_labels.png", "_nuclei.csv", "_overlay.png"):
        assert os.path.isfile(os.path.join(out, stem + suffix)), f"missing {stem}{suffix}"
    with open(os.path.join(out, stem + "_nuclei.csv")) as f:
        rows = list(csv.reader(f))
    assert rows[0][:2] == ["label", "area"], rows[0]
    expected_rows += [[stem] + row for row in rows[1:]]
    nuclei += len(rows) - 1
with open(os.path.join(out, "merged", "nuclei.csv")) as f:
    merged = list(csv.reader(f))
assert merged[0][0] == "image" and merged[0][1:3] == ["label", "area"], merged[0]
assert merged[1:] == expected_rows, f"merged CSV has {len(merged) - 1} rows, the images {len(expected_rows)}"
summary = json.load(open(os.path.join(out, "merged", "summary.json")))
assert summary["images"] == 40 and summary["nuclei"] == nuclei, summary
assert nuclei > 0, "no nucleus found in 40 crops of real images"
print(f"  {out}: 40 images, {nuclei} nuclei, merged CSV and summary agree with the per-image CSVs")
PY
}

echo "1. submit over 40 images in 4 tasks"
START=$SECONDS
submit "$WORK/run"
wait_for "$ARRAY_ID,$MERGE_ID"
[[ $(states "$ARRAY_ID" | sort | uniq -c | xargs) == "4 COMPLETED" ]] || fail "array tasks: $(states "$ARRAY_ID" | xargs)"
[[ $(states "$MERGE_ID") == COMPLETED ]] || fail "merge job: $(states "$MERGE_ID")"
for task in 1 2 3 4; do
    grep -q "^shard $task/4: 10 of 40 images" "$WORK/run/slurm/predict-${ARRAY_ID}_$task.log" || fail "task $task did not predict 10 images"
done
check_run "$WORK/run"
echo "  took $((SECONDS - START)) s"

echo "2. cancel task 2 mid-run, resubmit with the same command"
START=$SECONDS
submit "$WORK/resume" -- --tta
LOG=$WORK/resume/slurm/predict-${ARRAY_ID}_2.log
deadline=$((SECONDS + TIMEOUT))
until [[ -f $LOG ]] && grep -q "^\[[0-9]*/10\] .*nuclei" "$LOG"; do
    ((SECONDS < deadline)) || fail "task 2 wrote no result in ${TIMEOUT}s"
    sleep 0.2
done
scancel "${ARRAY_ID}_2"
wait_for "$ARRAY_ID,$MERGE_ID"
[[ $(scontrol show job "${ARRAY_ID}_2" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p') == CANCELLED ]] \
    || fail "task 2 is $(scontrol show job "${ARRAY_ID}_2" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p'), not CANCELLED"
MERGE_STATE=$(states "$MERGE_ID" 2>/dev/null || true); MERGE_STATE=${MERGE_STATE:-gone}
[[ $MERGE_STATE == CANCELLED || $MERGE_STATE == gone ]] || fail "the merge job ran although a task was cancelled: $MERGE_STATE"
[[ ! -e $WORK/resume/merged ]] || fail "a merged CSV was written although a task was cancelled"
# All or nothing per image: count the finished sets.
DONE=$(python3 - "$IMAGES" "$WORK/resume" <<'PY'
import os, sys
images, out = sys.argv[1], sys.argv[2]
done = 0
for stem in sorted(n[:-4] for n in os.listdir(images)):
    present = [os.path.isfile(os.path.join(out, stem + s)) for s in ("_mask.png", "_labels.png", "_nuclei.csv", "_overlay.png")]
    assert all(present) or not any(present), f"{stem}: a partial output set {present}"
    done += all(present)
print(done)
PY
) || fail "a cancelled task left a partial output set"
((DONE >= 31 && DONE < 40)) || fail "$DONE images finished; expected the 30 of tasks 1, 3, 4 and 1 to 9 of task 2 (cancelled mid-run)"
echo "  task 2 cancelled after $((DONE - 30)) of its 10 images; $DONE complete output sets, none partial"
FIRST=$ARRAY_ID
submit "$WORK/resume" -- --tta
wait_for "$ARRAY_ID,$MERGE_ID"
[[ $(states "$ARRAY_ID" | sort | uniq -c | xargs) == "4 COMPLETED" ]] || fail "resubmitted tasks: $(states "$ARRAY_ID" | xargs)"
[[ $(states "$MERGE_ID") == COMPLETED ]] || fail "merge job after the resubmission: $(states "$MERGE_ID")"
SKIPPED=$(cat "$WORK"/resume/slurm/predict-"${ARRAY_ID}"_*.log | grep -c "skipped, its outputs are present" || true)
((SKIPPED == DONE)) || fail "the resubmission skipped $SKIPPED images; $DONE were finished"
echo "  resubmission skipped the $SKIPPED finished images and predicted $((40 - SKIPPED))"
check_run "$WORK/resume"
echo "  took $((SECONDS - START)) s"
echo "test-slurm: passed"
