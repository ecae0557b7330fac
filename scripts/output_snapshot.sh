#!/usr/bin/env bash
# The outputs a restructuring must keep byte-identical: scan (JSON and the unsafe diff),
# dedup, score and eval on the seeds, clean-news and MQM dev, for one checkout.
#
#   scripts/output_snapshot.sh CHECKOUT OUTDIR [SHARED_DATA]
#   git worktree add /tmp/qc-old REV && scripts/output_snapshot.sh /tmp/qc-old /tmp/old
#   scripts/output_snapshot.sh . /tmp/new && diff -r /tmp/old /tmp/new
#
# SHARED_DATA defaults to ../shared/data beside CHECKOUT. Rules are compiled afresh
# (QC_NO_RULE_CACHE=1) and the results cache is bypassed, so nothing stale is compared.
set -uo pipefail
checkout=$(cd "$1" && pwd)
out=$2
data=${3:-$checkout/../shared/data}
mkdir -p "$out"
qc=(env "PYTHONPATH=$checkout" QC_NO_RULE_CACHE=1 python -m qc)
cd "$checkout"
for name in seeds clean mqm; do
  case $name in
    seeds) input=seeds ;;
    clean) input=$data/clean-news/articles.jsonl ;;
    mqm) input=$data/mqm-wmt23-zhen/dev/articles.jsonl ;;
  esac
  "${qc[@]}" scan "$input" --no-cache -j 1 --format json >"$out/scan-$name.json" 2>"$out/scan-$name.err"
  "${qc[@]}" scan "$input" --no-cache -j 1 --diff --unsafe-fixes >"$out/diff-$name.txt" 2>/dev/null
  "${qc[@]}" dedup "$input" -j 1 --format json >"$out/dedup-$name.json" 2>"$out/dedup-$name.err"
  "${qc[@]}" score "$input" -j 1 --format json >"$out/score-$name.json" 2>"$out/score-$name.err"
done
"${qc[@]}" eval "$data/mqm-wmt23-zhen/dev/articles.jsonl" >"$out/eval.txt" 2>&1
"${qc[@]}" eval "$data/mqm-wmt23-zhen/dev/articles.jsonl" --scores >"$out/eval-scores.txt" 2>&1
"${qc[@]}" rules >"$out/rules.txt" 2>&1
echo "wrote $(ls "$out" | wc -l) files to $out"
