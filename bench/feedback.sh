#!/usr/bin/env bash
# How fast does a learner get a verdict? Run by hand (never by `cargo test`):
#
#   bench/feedback.sh [runs]
#
# Works on a fresh clone of the committed course in a temporary folder and prints:
#   1. fresh clone to first verdict (`cargo run -- next`, empty target dir, crates fetched);
#   2. warm edit-to-verdict for one step (median of [runs], the file's content changed each
#      time): through the runner, next to a bare `cargo test --no-run` of the same target plus
#      running it, measured side by side;
#   3. `verify --all` with the solutions in place: cold (empty target dir, runner included)
#      and warm, in total and per step, and how many times tokio was compiled;
#   4. the virtual seconds the graders simulate per real second.
# Needs: git, python3 (for medians and JSON).
set -euo pipefail
runs=${1:-7}
step=gather
file=exercises/01_basics/06_gather.rs
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset RUSTFLAGS CARGO_TARGET_DIR
now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$1" "$(now)"; }
median() { python3 -c "import sys, statistics; print(f'{statistics.median(map(float, sys.argv[1:])):.3f}')" "$@"; }

echo "asynclings feedback benchmark · $(nproc) cores · $(rustc --version)"
git clone -q "$repo" "$work/course"
cd "$work/course"
cargo fetch -q

echo
echo "1. fresh clone to first verdict"
t=$(now)
cargo run -q -- next --color never >/dev/null 2>&1 || true
echo "   cargo run -- next: $(since "$t") s (builds the runner and the first step)"

echo
echo "2. warm edit-to-verdict for \`$step\` (median of $runs, content changed each run)"
cargo run -q -- run $step --seed 1 >/dev/null 2>&1 || true
exe=$(cargo test -q --no-run -p course --test $step --message-format=json 2>/dev/null |
  python3 -c "import sys, json
for line in sys.stdin:
    m = json.loads(line)
    if m.get('reason') == 'compiler-artifact' and m.get('executable'): print(m['executable'])")
runner=(); via_cargo=(); bare=()
for i in $(seq "$runs"); do
  echo "// edit $i a" >> "$file"; t=$(now)
  target/debug/asynclings run $step --seed 1 >/dev/null 2>&1 || true; runner+=("$(since "$t")")
  echo "// edit $i b" >> "$file"; t=$(now)
  cargo run -q -- run $step --seed 1 >/dev/null 2>&1 || true; via_cargo+=("$(since "$t")")
  echo "// edit $i c" >> "$file"; t=$(now)
  cargo test -q --no-run -p course --test $step >/dev/null 2>&1; "$exe" --seed 1 >/dev/null 2>&1 || true
  bare+=("$(since "$t")")
done
git checkout -q -- "$file"
r=$(median "${runner[@]}"); c=$(median "${via_cargo[@]}"); b=$(median "${bare[@]}")
echo "   runner (what watch mode runs):      $r s"
echo "   cargo run -- run $step:          $c s"
echo "   bare cargo test --no-run + run:     $b s"
python3 -c "import sys; r, c, b = map(float, sys.argv[1:]); print(f'   ratio runner/bare: {r/b:.2f}x · cargo run/bare: {c/b:.2f}x')" "$r" "$c" "$b"

echo
echo "3. verify --all with the solutions in place"
for f in solutions/*/*.rs; do cp "$f" "exercises/${f#solutions/}"; done
rm -rf target
t=$(now)
cargo run -q -- verify --all --color never >/dev/null 2>&1 || echo "   (some step did not pass!)"
cold=$(since "$t")
steps=$(grep -c '^\[\[tracks.steps\]\]' course.toml)
tokio=$(ls target/debug/deps/libtokio-*.rlib 2>/dev/null | wc -l)
checked=$(ls target/debug/deps/libtokio-*.rmeta 2>/dev/null | wc -l)
echo "   cold (empty target dir, runner included): $cold s for $steps steps; tokio compiled $tokio time(s)"
echo "   (and type-checked $((checked - tokio)) more time(s), metadata only, by the clippy pass of the one step whose lesson is a lint)"
warm=()
for i in $(seq 3); do
  t=$(now); target/debug/asynclings verify --all --color never >/dev/null 2>&1 || true; warm+=("$(since "$t")")
done
w=$(median "${warm[@]}")
python3 -c "import sys; w, n = float(sys.argv[1]), int(sys.argv[2]); print(f'   warm, every grader re-run (median of 3): {w:.3f} s, {1000*w/n:.0f} ms per step')" "$w" "$steps"

echo
echo "4. virtual time"
target/debug/asynclings verify --all --json --seed 1 2>/dev/null | python3 -c "
import sys, json
report = json.load(sys.stdin)
v = sum(s['virtual_ms'] for s in report['steps']) / 1000
r = sum(s['run_ms'] for s in report['steps']) / 1000
print(f'   the graders simulate {v:.1f} s of virtual time in {r:.2f} s of grader run time: {v / r:.0f} virtual s per real s')
paused = [s for s in report['steps'] if s['clock'] == 'virtual']
pv = sum(s['virtual_ms'] for s in paused) / 1000
pr = sum(s['run_ms'] for s in paused) / 1000
print(f'   on the paused clock alone ({len(paused)} steps): {pv:.1f} virtual s in {pr:.2f} real s, {pv / pr:.0f} virtual s per real s')
slow = sorted(report['steps'], key=lambda s: -s['run_ms'])[:5]
print('   slowest graders: ' + ', '.join(f\"{s['step']} {s['run_ms']:.0f} ms\" for s in slow))
"
