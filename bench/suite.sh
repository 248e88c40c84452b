#!/usr/bin/env bash
# bench/suite.sh - cargo-rollback next to sqlx-cli, diesel_cli, dbmate and the bare SQL,
# side by side in one run, on SQLite, PostgreSQL and MariaDB/MySQL.
#
# Usage: bench/suite.sh [-n MIGRATIONS] [-r RUNS] [-d DBS] [-s STEPS] [-b ROWS] [-o DIR] [--tiny]
#   -n  migrations in the workload (default 1000)
#   -r  timed runs per figure; the median is reported (default 5). The runs take turns:
#       run 1 of every tool, then run 2 of every tool, and so on, so that a disk whose
#       flush latency drifts over minutes weighs on every tool's runs alike
#   -d  comma-separated: sqlite,postgres,mysql (default all three)
#   -s  comma-separated steps (default all):
#         apply   apply every migration to an empty database
#         revert  revert every migration (the database is reset and fully applied, by the
#                 same tool, before each run; cargo-rollback with and without backups)
#         noop    the run when everything is applied, through each CLI
#         api     the same no-op through the runtime API: bench/startup's `rollback` bin
#                 (rollback_runtime::embed_migrations!) next to its `sqlx` bin (sqlx::migrate!)
#         backup  bench/backup.sh: a down that drops a column of a ROWS-row table, with and
#                 without its backup, next to the bare CREATE TABLE … AS SELECT
#         build   release build of bench/startup's two bins embedding the migrations:
#                 the crate alone from clean (dependencies built), and after touching one file
#   -b  comma-separated row counts for the backup step (default 1000000)
#   -o  where the workloads, databases and results go (default: a new temporary folder,
#       removed at the end; results.md is printed either way)
#   --only-self  the bare SQL and cargo-rollback only: no peer is installed or run
#   --tiny  a check that the suite still runs, for CI: 10 migrations, one run, the debug
#       binary, steps apply,revert,noop, --only-self
#
# The peers are installed when missing by bench/peers.sh (into $BENCH_TOOLS, default
# target/bench-tools). Each tool gets its own database, named rollback_bench_<pid>_<tool>,
# recreated before every run that changes it (untimed) and dropped at the end. Times are
# medians, in seconds, of single hyperfine runs taken in turns (-r); peak memory is GNU
# time's %M (KiB) of one more run, after the first. The bare SQL is the same
# statements with the same transaction boundaries (one BEGIN/COMMIT per migration), all in
# one sqlite3 / psql / mariadb process. Every figure of one table comes from one run of
# this script, so the ratios compare tools under the same load.
#
# Needs: bash, hyperfine, GNU time, jq, sqlite3, psql, mariadb clients; PostgreSQL on
# 127.0.0.1:5432 (user postgres, trust) and MariaDB on 127.0.0.1:3306 (root, no password),
# as .ci/run sets them up; cargo and npm for the peers.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

count=1000
runs=5
dbs=sqlite,postgres,mysql
steps=apply,revert,noop,api,backup,build
backup_rows=1000000
out=""
tiny=0
only_self=0
while [ $# -gt 0 ]; do
  case $1 in
    -n) count=$2; shift 2 ;;
    -r) runs=$2; shift 2 ;;
    -d) dbs=$2; shift 2 ;;
    -s) steps=$2; shift 2 ;;
    -b) backup_rows=$2; shift 2 ;;
    -o) out=$2; shift 2 ;;
    --only-self) only_self=1; shift ;;
    --tiny) tiny=1 only_self=1; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "suite.sh: unknown argument $1 (see -h)" >&2; exit 2 ;;
  esac
done

target=${CARGO_TARGET_DIR:-$repo/target}
if [ "$tiny" = 1 ]; then
  count=10 runs=1 steps=apply,revert,noop
  bin=${ROLLBACK_BIN:-$target/debug/cargo-rollback}
  [ -x "$bin" ] || cargo build --quiet --locked -p cargo-rollback
else
  bin=${ROLLBACK_BIN:-$target/release/cargo-rollback}
  [ -x "$bin" ] || cargo build --quiet --release --locked -p cargo-rollback
fi
[ "$only_self" = 1 ] || PATH=$(bench/peers.sh):$PATH
export ROLLBACK_BIN=$bin

if [ -n "$out" ]; then
  mkdir -p "$out"
  work=$(cd "$out" && pwd)
else
  work=$(mktemp -d)
fi
prefix="rollback_bench_$$"
results=$work/results.tsv
times=$work/times.tsv
peaks=$work/peaks.tsv
: > "$times"
: > "$peaks"
# shellcheck source=bench/lib.sh
source bench/lib.sh
trap 'drop_databases; [ -n "$out" ] || rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

has() { [[ ,$1, == *,$2,* ]]; }

# in_turns STEP TOOL...: STEP TOOL RUN for every run and every tool, each run of every
# tool before the next run of any.
in_turns() {
  local step=$1 run tool
  shift
  for run in $(seq "$runs"); do
    for tool in "$@"; do
      declare_tool "$db" "$tool"
      "$step" "$tool" "$run"
    done
  done
}

apply_run() { measure apply "$db" "$1" --round "$2" --prepare "$RESET" -- "$UP"; }

# The database is reset and fully applied, by the same tool, before each run;
# cargo-rollback twice, with and without backups.
revert_run() {
  local prepare="$RESET && $UP >/dev/null"
  case $1 in
    # dbmate's revert is one process per migration, minutes at 1,000: one run, and no
    # run for memory (each process is the one its no-op measures).
    dbmate) [ "$2" = 1 ] && measure revert "$db" dbmate --prepare "$prepare" --rss no -- "$REVERT" ;;
    cargo-rollback)
      measure revert "$db" "$1" --round "$2" --prepare "$prepare" -- "$REVERT"
      measure revert "$db" "$1 --no-backup" --round "$2" --prepare "$prepare" -- "$REVERT --no-backup" ;;
    *) measure revert "$db" "$1" --round "$2" --prepare "$prepare" -- "$REVERT" ;;
  esac
  return 0
}

# Everything applied once, before the first run: a no-op changes nothing.
noop_run() {
  local setup=()
  [ "$2" = 1 ] && setup=(--setup "$RESET && $UP >/dev/null")
  measure noop "$db" "$1" --round "$2" "${setup[@]}" -- "$NOOP"
}

api_run() {
  local setup=() tool="cargo-rollback (API)"
  [ "$1" = api-sqlx ] && tool="sqlx-cli (API)"
  [ "$2" = 1 ] && setup=(--setup "$RESET && $UP >/dev/null")
  measure "noop (API)" "$db" "$tool" --round "$2" "${setup[@]}" -- "$UP"
}

IFS=, read -r -a wanted_dbs <<< "$dbs"
for db in "${wanted_dbs[@]}"; do
  case $db in sqlite|postgres|mysql) ;; *) echo "suite.sh: unknown database $db" >&2; exit 2 ;; esac
  wd=$work/$db
  bench/gen-workload.sh -d "$db" -n "$count" "$wd"
  # Run from the workload's folder, outside any cargo project: cargo-rollback would
  # otherwise read the package's settings with `cargo metadata`, which no peer does.
  cd "$wd"
  tools="bare cargo-rollback"
  [ "$only_self" = 1 ] || tools="$tools sqlx-cli diesel_cli dbmate"
  has "$steps" apply && in_turns apply_run $tools
  has "$steps" revert && in_turns revert_run $tools
  has "$steps" noop && in_turns noop_run $tools
  if has "$steps" api; then
    startup_build
    in_turns api_run api-rollback api-sqlx
  fi
  cd "$repo"
done

has "$steps" build && measure_build
collate
[ -s "$results" ] && render "$results" | tee "$work/results.md"
if has "$steps" backup; then
  IFS=, read -r -a row_counts <<< "$backup_rows"
  for rows in "${row_counts[@]}"; do
    echo
    bench/backup.sh -r "$rows" -n "$runs" -d "$dbs" | tee -a "$work/results.md"
  done
fi
if [ "$tiny" = 1 ] && grep -q FAILED "$results"; then
  echo "suite.sh: a measurement failed (see the log above)" >&2
  exit 1
fi
