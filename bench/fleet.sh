#!/usr/bin/env bash
# bench/fleet.sh - a fleet of tenant databases migrated at once: `cargo rollback up
# --targets FILE` next to a serial shell loop of `cargo rollback up`, a serial loop of
# `sqlx migrate run`, and the bare SQL sent with the same parallelism (xargs -P with
# one sqlite3 / psql process per tenant).
#
# Usage: bench/fleet.sh [-s SQLITE_TENANTS] [-g PG_SCHEMAS] [-n MIGRATIONS] [-r RUNS]
#                       [-P PARALLEL] [-m SMALL_FLEET] [-o DIR]
#   -s  SQLite tenants: one file each (default 500)
#   -g  PostgreSQL tenants: one schema each in one database (default 200)
#   -n  migrations per tenant (default 20; bench/gen-workload.sh's workload)
#   -r  runs per figure; the median is reported (default 3), taken in turns
#   -P  targets at once, for the fleet and for xargs (default 4: cargo-rollback's
#       default on a 2-CPU machine)
#   -m  the smaller SQLite fleet whose peak memory is compared with -s's (default 100)
#   -o  where the tenants and results go (default: a new temporary folder, removed)
#
# Every run starts from empty tenants (untimed): SQLite files removed, the PostgreSQL
# database recreated. sqlx-cli cannot create a schema, so its schemas are created
# before its runs (untimed); cargo-rollback and the bare SQL create theirs in the run.
# sqlx-cli reaches a schema through libpq's `options=-csearch_path=…` URL parameter.
# Times are seconds (wall clock), peak memory GNU time's %M (KiB) of the same run.
#
# Needs: bash, GNU time, sqlite3, psql, xargs; PostgreSQL on 127.0.0.1:5432 (user
# postgres, trust); sqlx-cli on PATH (bench/peers.sh installs it); ROLLBACK_BIN (default
# target/release/cargo-rollback).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

sqlite_tenants=500
pg_tenants=200
count=20
runs=3
parallel=4
small=100
out=""
while [ $# -gt 0 ]; do
  case $1 in
    -s) sqlite_tenants=$2; shift 2 ;;
    -g) pg_tenants=$2; shift 2 ;;
    -n) count=$2; shift 2 ;;
    -r) runs=$2; shift 2 ;;
    -P) parallel=$2; shift 2 ;;
    -m) small=$2; shift 2 ;;
    -o) out=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fleet.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

ROLLBACK_BIN=${ROLLBACK_BIN:-${CARGO_TARGET_DIR:-$repo/target}/release/cargo-rollback}
[ -x "$ROLLBACK_BIN" ] || { echo "fleet.sh: build it first: cargo build --release -p cargo-rollback" >&2; exit 2; }
command -v sqlx >/dev/null || { echo "fleet.sh: sqlx-cli not on PATH (bench/peers.sh DIR installs it)" >&2; exit 2; }

keep=1
if [ -z "$out" ]; then out=$(mktemp -d); keep=""; fi
mkdir -p "$out"
database=rollback_fleet_$$
pg_admin="psql -X -q -h 127.0.0.1 -U postgres"
cleanup_database() { $pg_admin -d postgres -c "DROP DATABASE IF EXISTS $database WITH (FORCE)"; }
trap 'cleanup_database; [ -n "$keep" ] || rm -rf "$out"' EXIT

bench/gen-workload.sh -d sqlite -n "$count" "$out/sqlite" >/dev/null
bench/gen-workload.sh -d postgres -n "$count" "$out/postgres" >/dev/null

# The targets files: SQLite files, and schemas of one PostgreSQL database.
mkdir -p "$out/tenants"
for ((i = 1; i <= sqlite_tenants; i++)); do echo "sqlite:$out/tenants/t$i.db"; done > "$out/sqlite.targets"
head -n "$small" "$out/sqlite.targets" > "$out/sqlite-small.targets"
pg_url="postgres://postgres@127.0.0.1:5432/$database"
for ((i = 1; i <= pg_tenants; i++)); do echo "$pg_url?schema=tenant_$i"; done > "$out/postgres.targets"

reset_sqlite() { rm -rf "$out/tenants"; mkdir -p "$out/tenants"; }
reset_postgres() {
  cleanup_database
  $pg_admin -d postgres -c "CREATE DATABASE $database"
}
# sqlx-cli needs its schemas to exist.
reset_postgres_with_schemas() {
  reset_postgres
  for ((i = 1; i <= pg_tenants; i++)); do echo "CREATE SCHEMA tenant_$i;"; done | $pg_admin -d "$database"
}

# timed NAME COMMAND...: one run of COMMAND; appends "NAME seconds kib" to the results.
timed() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$out/time" "$@" >/dev/null
  echo "$name $(cat "$out/time")" >> "$out/results"
}

fleet_up() { "$ROLLBACK_BIN" -q --source "$1" up --targets "$2" --parallel "$parallel"; }
serial_rollback() {
  while read -r url; do "$ROLLBACK_BIN" -q --source "$1" --database-url "$url" up || return 1; done < "$2"
}
serial_sqlx_sqlite() {
  while read -r url; do
    sqlx migrate run --source "$1" --database-url "sqlite://${url#sqlite:}?mode=rwc" || return 1
  done < "$2"
}
serial_sqlx_postgres() {
  while read -r url; do
    sqlx migrate run --source "$1" --database-url "${url%%\?*}?options=-csearch_path%3D${url##*schema=}" || return 1
  done < "$2"
}
bare_sqlite() {
  sed 's/^sqlite://' "$2" | xargs -P "$parallel" -I{} sh -c "sqlite3 -bail '{}' < '$1'"
}
bare_postgres() {
  sed 's/.*schema=//' "$2" | xargs -P "$parallel" -I{} sh -c \
    "PGOPTIONS='-c search_path={}' psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres -d $database -c 'CREATE SCHEMA IF NOT EXISTS {}' -f '$1'"
}
export -f fleet_up serial_rollback serial_sqlx_sqlite serial_sqlx_postgres bare_sqlite bare_postgres
export ROLLBACK_BIN parallel database

: > "$out/results"
for ((run = 1; run <= runs; run++)); do
  echo "run $run of $runs" >&2
  s=$out/sqlite; p=$out/postgres
  reset_sqlite; timed sqlite_fleet bash -c "fleet_up '$s/sqlx' '$out/sqlite.targets'"
  reset_sqlite; timed sqlite_fleet_small bash -c "fleet_up '$s/sqlx' '$out/sqlite-small.targets'"
  reset_sqlite; timed sqlite_bare bash -c "bare_sqlite '$s/plain/up-per-tx.sql' '$out/sqlite.targets'"
  reset_sqlite; timed sqlite_serial_rollback bash -c "serial_rollback '$s/sqlx' '$out/sqlite.targets'"
  reset_sqlite; timed sqlite_serial_sqlx bash -c "serial_sqlx_sqlite '$s/sqlx' '$out/sqlite.targets'"
  reset_postgres; timed postgres_fleet bash -c "fleet_up '$p/sqlx' '$out/postgres.targets'"
  reset_postgres; timed postgres_bare bash -c "bare_postgres '$p/plain/up-per-tx.sql' '$out/postgres.targets'"
  reset_postgres; timed postgres_serial_rollback bash -c "serial_rollback '$p/sqlx' '$out/postgres.targets'"
  reset_postgres_with_schemas; timed postgres_serial_sqlx bash -c "serial_sqlx_postgres '$p/sqlx' '$out/postgres.targets'"
done

# The medians: "name seconds kib" per figure.
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
echo "| figure | seconds (median of $runs) | peak RSS KiB (median) |"
echo "|---|--:|--:|"
for name in $(awk '{ print $1 }' "$out/results" | uniq | sort -u); do
  seconds=$(awk -v n="$name" '$1 == n { print $2 }' "$out/results" | median)
  kib=$(awk -v n="$name" '$1 == n { print $3 }' "$out/results" | median)
  echo "| $name | $seconds | $kib |"
done
echo "(sqlite: $sqlite_tenants files, small fleet $small; postgres: $pg_tenants schemas; $count migrations each; parallel $parallel)"
