#!/usr/bin/env bash
# The awsp benchmark: 10,000 profiles, awsp against a naive parser. See bench/README.md.
#
#   bench/run.sh [OUT_DIR]        (default bench/out/, git-ignored)
#
# Environment: RUNS (hyperfine runs per command, default 200), WARMUP (default 20),
# CALLGRIND=0 to skip the instruction counts.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
out=${1:-bench/out}
runs=${RUNS:-200}
warmup=${WARMUP:-20}

need() {
	if ! command -v "$1" >/dev/null 2>&1; then
		echo "bench/run.sh: $1 is needed: $2" >&2
		exit 1
	fi
}
need cargo "install Rust from https://rustup.rs"
need python3 "apt-get install -y python3"
need hyperfine "apt-get install -y hyperfine (or: cargo install hyperfine)"
if ! /usr/bin/time -f %M true >/dev/null 2>&1; then
	echo "bench/run.sh: GNU time (/usr/bin/time) is needed: apt-get install -y time" >&2
	exit 1
fi

echo "== build"
cargo build --release --examples --bins
awsp=$repo/target/release/awsp
naive=$repo/target/release/examples/naive_parse

echo "== generate"
mkdir -p "$out"
out=$(cd "$out" && pwd)
python3 bench/gen.py "$out" | tee "$out/files.txt"
last=$(sed -n 's/^last_profile=//p' "$out/files.txt")
[[ -n $last ]] || {
	echo "bench/run.sh: bench/gen.py did not name the last profile" >&2
	exit 1
}

# Only the files under test decide what awsp does.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_REGION AWS_DEFAULT_REGION AWSP_SHELL \
	AWSP_PROFILE AWSP_PREVIOUS AWSP_PREVIOUS_MODE AWSP_MODE AWSP_REGION
large_env() {
	export AWS_CONFIG_FILE=$out/config AWS_SHARED_CREDENTIALS_FILE=$out/credentials
}
small_env() {
	export AWS_CONFIG_FILE=$repo/examples/aws/config \
		AWS_SHARED_CREDENTIALS_FILE=$repo/examples/aws/credentials
}

echo "== check that the commands work and agree"
large_env
"$awsp" list >"$out/awsp-list.txt"
"$naive" list >"$out/naive-list.txt"
if ! cmp -s "$out/awsp-list.txt" "$out/naive-list.txt"; then
	echo "bench/run.sh: awsp list and naive_parse list disagree:" >&2
	diff "$out/awsp-list.txt" "$out/naive-list.txt" | head -20 >&2
	exit 1
fi
echo "list: $(wc -l <"$out/awsp-list.txt") profiles from both"
"$awsp" show "$last" >"$out/awsp-show.txt"
"$naive" show "$last" >"$out/naive-show.txt"
"$awsp" use "$last" --shell bash >"$out/awsp-use.txt"
grep -q "AWS_PROFILE='$last'" "$out/awsp-use.txt"

echo "== time (hyperfine, $runs runs, $warmup warm-up)"
hf=(hyperfine --shell=none --warmup "$warmup" --runs "$runs" --style basic)
"${hf[@]}" \
	--export-markdown "$out/large.md" --export-json "$out/large.json" \
	-n "awsp list" "$awsp list" \
	-n "naive list" "$naive list" \
	-n "awsp show $last" "$awsp show $last" \
	-n "naive show $last" "$naive show $last" \
	-n "awsp use $last" "$awsp use $last --shell bash"

echo "== writes (hyperfine, $runs runs, each from a fresh copy of the files)"
# import into a static profile in the middle of the credentials file (an update in place) and
# config set on the last profile of the config file; --prepare restores the file before each
# run so that every run really writes (lock, read, edit, temporary file, fsync, rename).
w=$out/write
mkdir -p "$w"
cp "$out/config" "$out/credentials" "$w/"
mid=$(sed -n 's/^\[\(.*\)\]$/\1/p' "$out/credentials" |
	awk -v n="$(grep -c '^\[' "$out/credentials")" 'NR == int(n / 2)')
cat >"$out/sts.json" <<'JSON'
{"Credentials": {"AccessKeyId": "ASIABENCHMARK0000000", "SecretAccessKey": "benchSecret0000000000000000000000000000000",
 "SessionToken": "IQoJb3JpZ2luX2VjEBenchmarkToken//0000000000000000000000000000000000000000==",
 "Expiration": "2030-01-01T00:00:00+00:00"}}
JSON
(
	export AWS_CONFIG_FILE=$w/config AWS_SHARED_CREDENTIALS_FILE=$w/credentials
	"$awsp" import "$mid" "$out/sts.json" 2>/dev/null
	[[ $("$awsp" config get "$mid" aws_access_key_id) == ASIABENCHMARK0000000 ]]
	"$awsp" config set "$last" region eu-north-1
	[[ $("$awsp" config get "$last" region) == eu-north-1 ]]
	echo "writes: import into $mid and config set on $last work"
	"${hf[@]}" \
		--export-markdown "$out/writes.md" --export-json "$out/writes.json" \
		--prepare "cp $out/credentials $w/credentials" \
		-n "awsp import $mid" "$awsp import $mid $out/sts.json" \
		--prepare "cp $out/config $w/config" \
		-n "awsp config set $last region" "$awsp config set $last region eu-north-1"
)
echo "$mid" >"$out/write-profile.txt"

small_env
"${hf[@]}" \
	--export-markdown "$out/small.md" --export-json "$out/small.json" \
	-n "awsp list (examples/aws)" "$awsp list" \
	-n "naive list (examples/aws)" "$naive list"

echo "== peak memory (GNU time, max RSS of 5 runs)"
large_env
peak() {
	local max=0 kib
	for _ in 1 2 3 4 5; do
		/usr/bin/time -f %M -o "$out/time.txt" "$@" >/dev/null
		kib=$(tail -n 1 "$out/time.txt")
		((kib > max)) && max=$kib
	done
	echo "$max"
}
{
	echo "command	peak_rss_kib"
	echo "awsp list	$(peak "$awsp" list)"
	echo "awsp show $last	$(peak "$awsp" show "$last")"
	echo "awsp use $last	$(peak "$awsp" use "$last" --shell bash)"
	echo "naive list	$(peak "$naive" list)"
	echo "naive show $last	$(peak "$naive" show "$last")"
} >"$out/rss.tsv"
rm -f "$out/time.txt"

: >"$out/callgrind.tsv"
if [[ ${CALLGRIND:-1} != 0 ]] && command -v valgrind >/dev/null 2>&1; then
	echo "== instructions (valgrind --tool=callgrind)"
	instructions() {
		valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
			sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
	}
	{
		echo "command	instructions"
		echo "awsp list	$(instructions "$awsp" list)"
		echo "naive list	$(instructions "$naive" list)"
		echo "awsp show $last	$(instructions "$awsp" show "$last")"
		echo "naive show $last	$(instructions "$naive" show "$last")"
	} >"$out/callgrind.tsv"
else
	echo "== instructions: skipped (valgrind not installed, or CALLGRIND=0)"
fi

echo "== summary"
python3 - "$out" "$last" <<'EOF' | tee "$out/summary.md"
import json, os, sys

out, last = sys.argv[1], sys.argv[2]
res = {}
mid = open(os.path.join(out, "write-profile.txt")).read().strip()
for name in ("large", "small", "writes"):
    with open(os.path.join(out, f"{name}.json")) as f:
        for r in json.load(f)["results"]:
            res[r["command"]] = r
def tsv(name):
    path = os.path.join(out, name)
    with open(path) as f:
        rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    return {k: int(v) for k, v in rows[1:] if v.isdigit()}
rss, instr = tsv("rss.tsv"), tsv("callgrind.tsv")
ms = lambda r: f"{r['mean'] * 1e3:.1f} ms ± {r['stddev'] * 1e3:.1f} ms"

with open(os.path.join(out, "files.txt")) as f:
    total = [line for line in f if line.startswith("total")][0].split()
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"Machine: {cpu}, {os.cpu_count()} CPUs. Files: {total[1]} profiles, {total[3]} bytes.\n")
print("| command | time (mean ± σ) | vs naive | peak RSS |" + (" instructions |" if instr else ""))
print("|---|---|---|---|" + ("---|" if instr else ""))
rows = [("awsp list", "naive list"), ("naive list", None),
        (f"awsp show {last}", f"naive show {last}"), (f"naive show {last}", None),
        (f"awsp use {last}", None),
        ("awsp list (examples/aws)", "naive list (examples/aws)"), ("naive list (examples/aws)", None)]
ratios = {}
for cmd, base in rows:
    r = res[cmd]
    ratio = ""
    if base:
        ratios[cmd] = r["mean"] / res[base]["mean"]
        ratio = f"{ratios[cmd]:.2f}×"
    kib = rss.get(cmd)
    mem = f"{kib / 1024:.1f} MiB" if kib else ""
    line = f"| `{cmd}` | {ms(r)} | {ratio} | {mem} |"
    if instr:
        n = instr.get(cmd)
        line += f" {n / 1e6:.1f} M |" if n else " |"
    print(line)

print("\nTargets (10,000 profiles): awsp list/show ≤ 1/3 of the naive parser's time, peak RSS ≤ 8 MiB.")
ok = True
for cmd in ("awsp list", f"awsp show {last}"):
    met = ratios[cmd] <= 1 / 3
    ok &= met
    print(f"- {cmd}: {ratios[cmd]:.2f}× naive: {'met' if met else 'MISSED'}")
for cmd in ("awsp list", f"awsp show {last}", f"awsp use {last}"):
    met = rss[cmd] <= 8 * 1024
    ok &= met
    print(f"- {cmd}: peak RSS {rss[cmd]} KiB: {'met' if met else 'MISSED'}")
print("\nWrites into the 10,000-profile files (lock, read, edit, fsync'd atomic replace), target < 20 ms:")
for cmd in (f"awsp import {mid}", f"awsp config set {last} region"):
    r = res[cmd]
    met = r["mean"] < 0.020
    ok &= met
    print(f"- `{cmd}`: {ms(r)}: {'met' if met else 'MISSED'}")
print(f"\nStartup (examples/aws, 2 small files): {ms(res['awsp list (examples/aws)'])}.")
print("All targets met." if ok else "Some targets MISSED.")
EOF
echo "(results: $out/large.md, $out/small.md, $out/rss.tsv, $out/callgrind.tsv, $out/summary.md)"
