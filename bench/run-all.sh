#!/usr/bin/env bash
# `npm run bench`: every benchmark under bench/ that has a runnable entry (run.sh, run.mjs or
# run.js in bench/<name>/), one after the other, then a summary. Builds once first.
#   npm run bench                 all of them
#   npm run bench -- e2e ingress  only these
# Flags for one benchmark: BENCH_<NAME>_FLAGS, e.g. BENCH_E2E_FLAGS="--soak-seconds 120".
# Each benchmark starts and cleans up what it needs (see its own header); they run one at a
# time so they do not compete for this machine's CPU.
set -uo pipefail
cd "$(dirname "$0")/.."
npm run --silent build || exit 1
export BENCH_SKIP_BUILD=1
wanted=("$@")
summary=()
status=0
for dir in bench/*/; do
  dir=${dir%/}
  name=$(basename "$dir")
  [ "$name" = shared ] && continue # helpers used by the benchmarks, not one of them
  if [ ${#wanted[@]} -gt 0 ] && [[ ! " ${wanted[*]} " == *" $name "* ]]; then continue; fi
  flags_var="BENCH_$(echo "$name" | tr '[:lower:]-' '[:upper:]_')_FLAGS"
  read -r -a flags <<< "${!flags_var:-}"
  if [ -f "$dir/run.sh" ]; then cmd=(bash "$dir/run.sh")
  elif [ -f "$dir/run.mjs" ]; then cmd=(node "$dir/run.mjs")
  elif [ -f "$dir/run.js" ]; then cmd=(node "$dir/run.js")
  else
    summary+=("bench/$name: no runnable entry (run.sh, run.mjs or run.js): skipped; files: $(ls "$dir" | tr '\n' ' ')")
    continue
  fi
  echo "=== bench/$name: ${cmd[*]} ${flags[*]:-}"
  started=$SECONDS
  if "${cmd[@]}" ${flags[@]+"${flags[@]}"}; then
    summary+=("bench/$name: ok in $((SECONDS - started)) s")
  else
    summary+=("bench/$name: FAILED (exit $?) after $((SECONDS - started)) s")
    status=1
  fi
done
echo
echo "=== benchmarks"
printf '  %s\n' "${summary[@]}"
exit $status
