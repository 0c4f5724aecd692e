#!/bin/sh
# Issue 19: is a faster `lfl infer` preset as good as its default for the observer?
# For each history seed S: record a 44-update HalfCheetah-v5 PPO history (SB3's defaults, 90,112 steps), recover the
# reward with the default and with the candidate preset (ARM_FLAGS; default "--consistency-fit early-stopping";
# timed: wall, user, sys seconds), then train the observer on each reward with every observer seed O and print one
# line per (S, O): the true-reward return of both observers (sampled and mean action). Tuning seeds are ≥ 100
# (docs/performance.md). Steps whose output already exists are skipped, so a run can be resumed, and a second
# candidate can reuse the default arm's files (copy them into its OUT_DIR).
#
#   sh scripts/infer-preset-comparison.sh OUT_DIR "100 101 102 103 104" "100 101 102" ["--consistency-steps 200"]
#
# Runs sequentially; two disjoint seed lists in two processes use both cores (set LFL_NATIVE_THREADS=1 then).
set -e
OUT="$1"; HISTORIES="$2"; OBSERVERS="$3"; ARM_FLAGS="${4:---consistency-fit early-stopping}"
[ -n "$OUT" ] && [ -n "$HISTORIES" ] && [ -n "$OBSERVERS" ] || { echo "usage: sh scripts/infer-preset-comparison.sh OUT_DIR \"HISTORY SEEDS\" \"OBSERVER SEEDS\" [\"ARM FLAGS\"]" >&2; exit 2; }
cd "$(dirname "$0")/.."
mkdir -p "$OUT"
echo "$ARM_FLAGS" > "$OUT/arm-flags.txt"
for S in $HISTORIES; do
  [ -s "$OUT/h$S.npz" ] || node bin/lfl.js learn --env HalfCheetah-v5 --learner ppo --steps 90112 --seed "$S" --out "$OUT/h$S.npz" > "$OUT/learn$S.log" 2>&1
  [ -s "$OUT/r$S-def.json" ] || /usr/bin/time -f "%e wall %U user %S sys" -o "$OUT/t-def$S.txt" node bin/lfl.js infer --history "$OUT/h$S.npz" --out "$OUT/r$S-def.json" --seed "$S" > "$OUT/infer-def$S.log" 2>&1
  # shellcheck disable=SC2086 # ARM_FLAGS is a list of flags
  [ -s "$OUT/r$S-fast.json" ] || /usr/bin/time -f "%e wall %U user %S sys" -o "$OUT/t-fast$S.txt" node bin/lfl.js infer --history "$OUT/h$S.npz" --out "$OUT/r$S-fast.json" --seed "$S" $ARM_FLAGS > "$OUT/infer-fast$S.log" 2>&1
  for O in $OBSERVERS; do
    for P in def fast; do grep -q 'observer: ' "$OUT/obs$S-$P-$O.log" 2>/dev/null || node bin/lfl.js observe --reward "$OUT/r$S-$P.json" --seed "$O" > "$OUT/obs$S-$P-$O.log" 2>&1; done
    printf 'history %s observer %s  default: %s  fast: %s\n' "$S" "$O" \
      "$(grep -o 'observer: .*' "$OUT/obs$S-def-$O.log")" "$(grep -o 'observer: .*' "$OUT/obs$S-fast-$O.log")"
  done
  printf 'history %s infer default: %s  fast: %s\n' "$S" "$(cat "$OUT/t-def$S.txt")" "$(cat "$OUT/t-fast$S.txt")"
done
