#!/usr/bin/env bash
# Segments a folder of images on a Slurm cluster: a job array of `nucleiseg predict --shard K/N
# --skip-existing` (one shard per task, all writing into OUTPUT_DIR), then a job that runs after
# every task succeeded (--dependency=afterok; cancelled if one fails) and merges the per-image CSVs into
# OUTPUT_DIR/merged/nuclei.csv with a summary.json. Resume a stopped or failed run by running
# the same command again: finished images are skipped.
#
#   scripts/slurm/predict-array.sh INPUT_DIR OUTPUT_DIR [options] [-- PREDICT_OPTION...]
#
# Options (defaults in brackets):
#   --tasks N          array tasks, one shard each; at most the number of images [10]
#   --model FILE       checkpoint for predict [the shipped model]
#   --cpus N           --cpus-per-task of a predict task (its thread count) [4]
#   --mem SIZE         --mem of a predict task: about 33 bytes per pixel of the largest image
#                      (see the README) [4G]
#   --time LIMIT       --time of a predict task, e.g. 2:00:00 [the partition's default]
#   --partition NAME   partition of both jobs [the cluster's default]
#   --max-running N    at most N tasks at once (--array=1-N%M) [no limit]
#   --nucleiseg PATH   the nucleiseg executable, reachable from the compute nodes
#                      [$NUCLEISEG, else `nucleiseg` on PATH]
#   --sbatch OPTION    one more sbatch option for both jobs (repeatable), e.g. --sbatch=--account=lab
# Everything after `--` goes to `nucleiseg predict` (e.g. -- --format all --diameter auto).
#
# Prints the two job ids; logs and the job scripts go to OUTPUT_DIR/slurm/.
set -euo pipefail

die() { echo "predict-array.sh: $*" >&2; exit 2; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-0}"; }

POSITIONAL=() PREDICT=() SBATCH_EXTRA=()
TASKS=10 MODEL="" CPUS=4 MEM=4G TIME="" PARTITION="" MAX_RUNNING="" NUCLEISEG_BIN=${NUCLEISEG:-}
while (($#)); do
    case $1 in
        -h|--help) usage 0 ;;
        --) shift; PREDICT=("$@"); break ;;
        --*=*) opt=${1%%=*} value=${1#*=}; shift; set -- "$opt" "$value" "$@"; continue ;;
        --tasks|--model|--cpus|--mem|--time|--partition|--max-running|--nucleiseg|--sbatch)
            (($# >= 2)) || die "$1 needs a value"
            case $1 in
                --tasks) TASKS=$2 ;; --model) MODEL=$2 ;; --cpus) CPUS=$2 ;; --mem) MEM=$2 ;;
                --time) TIME=$2 ;; --partition) PARTITION=$2 ;; --max-running) MAX_RUNNING=$2 ;;
                --nucleiseg) NUCLEISEG_BIN=$2 ;; --sbatch) SBATCH_EXTRA+=("$2") ;;
            esac
            shift 2 ;;
        -*) die "unknown option $1 (see --help); options for predict go after --" ;;
        *) POSITIONAL+=("$1"); shift ;;
    esac
done
((${#POSITIONAL[@]} == 2)) || { echo "predict-array.sh: expected INPUT_DIR and OUTPUT_DIR" >&2; usage 2; }
INPUT=${POSITIONAL[0]} OUTPUT=${POSITIONAL[1]}

[[ -d $INPUT ]] || die "$INPUT: not a folder; expected a folder of PNG/TIFF images"
INPUT=$(cd "$INPUT" && pwd -P)
IMAGES=$(find -L "$INPUT" -maxdepth 1 -type f \( -iname '*.png' -o -iname '*.tif' -o -iname '*.tiff' \) ! -name '.*' | wc -l)
((IMAGES > 0)) || die "$INPUT: no PNG or TIFF images found in this folder"
[[ $TASKS =~ ^[1-9][0-9]*$ ]] || die "--tasks: '$TASKS' is not a positive whole number"
[[ $CPUS =~ ^[1-9][0-9]*$ ]] || die "--cpus: '$CPUS' is not a positive whole number"
[[ -z $MAX_RUNNING || $MAX_RUNNING =~ ^[1-9][0-9]*$ ]] || die "--max-running: '$MAX_RUNNING' is not a positive whole number"
((TASKS <= IMAGES)) || TASKS=$IMAGES
if [[ -z $NUCLEISEG_BIN ]]; then
    NUCLEISEG_BIN=$(command -v nucleiseg) || die "nucleiseg is not on PATH; give --nucleiseg PATH (or set NUCLEISEG)"
fi
[[ -x $NUCLEISEG_BIN && -f $NUCLEISEG_BIN ]] || die "$NUCLEISEG_BIN: not an executable file; expected the nucleiseg program"
NUCLEISEG_BIN=$(cd "$(dirname "$NUCLEISEG_BIN")" && pwd -P)/$(basename "$NUCLEISEG_BIN")
command -v sbatch >/dev/null || die "sbatch not found: run this on a Slurm login node"
if [[ -n $MODEL ]]; then
    [[ -f $MODEL ]] || die "$MODEL: no such model file; expected a .safetensors checkpoint"
    MODEL=$(cd "$(dirname "$MODEL")" && pwd -P)/$(basename "$MODEL")
    PREDICT=(--model "$MODEL" "${PREDICT[@]}")
fi
mkdir -p "$OUTPUT/slurm" || die "$OUTPUT: cannot create the output folder"
OUTPUT=$(cd "$OUTPUT" && pwd -P)
LOGS=$OUTPUT/slurm

# The job scripts, kept beside the logs (what ran, and what a resubmission runs again).
{
    echo '#!/usr/bin/env bash'
    echo '# Written by scripts/slurm/predict-array.sh: one shard of the images per array task.'
    echo 'set -euo pipefail'
    echo 'export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}'
    printf 'exec %q predict %q --output %q --shard "${SLURM_ARRAY_TASK_ID}/%d" --skip-existing' \
        "$NUCLEISEG_BIN" "$INPUT" "$OUTPUT" "$TASKS"
    ((${#PREDICT[@]})) && printf ' %q' "${PREDICT[@]}"
    echo
} > "$LOGS/predict.sh"
{
    echo '#!/usr/bin/env bash'
    echo '# Written by scripts/slurm/predict-array.sh: runs after every predict task succeeded.'
    echo 'set -euo pipefail'
    printf 'exec %q merge %q --output %q\n' "$NUCLEISEG_BIN" "$OUTPUT" "$OUTPUT/merged"
} > "$LOGS/merge.sh"

COMMON=(--parsable)
[[ -n $PARTITION ]] && COMMON+=(--partition "$PARTITION")
((${#SBATCH_EXTRA[@]})) && COMMON+=("${SBATCH_EXTRA[@]}")
ARRAY=1-$TASKS${MAX_RUNNING:+%$MAX_RUNNING}
PREDICT_OPTIONS=(--job-name nucleiseg-predict --array "$ARRAY" --cpus-per-task "$CPUS" --mem "$MEM"
                 --output "$LOGS/predict-%A_%a.log")
[[ -n $TIME ]] && PREDICT_OPTIONS+=(--time "$TIME")

ARRAY_ID=$(sbatch "${COMMON[@]}" "${PREDICT_OPTIONS[@]}" "$LOGS/predict.sh") || die "sbatch refused the predict array"
ARRAY_ID=${ARRAY_ID%%;*}
MERGE_ID=$(sbatch "${COMMON[@]}" --job-name nucleiseg-merge --dependency "afterok:$ARRAY_ID" --kill-on-invalid-dep=yes --cpus-per-task 1 --mem 2G \
                  --output "$LOGS/merge-%j.log" "$LOGS/merge.sh") || die "sbatch refused the merge job (the array $ARRAY_ID is queued: scancel $ARRAY_ID)"
MERGE_ID=${MERGE_ID%%;*}

echo "predict array: $ARRAY_ID ($TASKS tasks over $IMAGES images, $CPUS CPUs and $MEM each)"
echo "merge: $MERGE_ID (after every task succeeded) -> $OUTPUT/merged/nuclei.csv"
echo "watch: squeue -j $ARRAY_ID,$MERGE_ID   logs: $LOGS"
