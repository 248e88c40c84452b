#!/usr/bin/env bash
# bench/server-counts.sh - what each tool makes the server do per migration, read from the
# server's own counters around one apply and one revert (`--no-backup` for cargo-rollback)
# of the suite's workload. Counts, not times: they repeat run after run whatever the disk
# is doing, which wall times on a shared disk do not. The server must be otherwise idle
# (the counters are global).
#   MariaDB/MySQL (global status): statements received (Questions), storage-engine
#     commits (Handler_commit), redo-log writes (Innodb_log_writes), fsyncs
#     (Innodb_data_fsyncs).
#   PostgreSQL: transactions committed in the tool's database (pg_stat_database), and
#     WAL records, full-page images, bytes and fsyncs (pg_stat_wal), each measured
#     from a CHECKPOINT so that every tool's first touch of a page costs alike.
#
# Usage: bench/server-counts.sh [-n MIGRATIONS] [-t TOOLS] [-d DBS]
#   -n  migrations (default 100)
#   -t  comma-separated: bare,cargo-rollback,sqlx-cli,diesel_cli,dbmate (default all;
#       the peers from bench/peers.sh, installed when missing)
#   -d  comma-separated: mysql,postgres (default both)
# Prints a Markdown table per database: per migration applied and reverted, each
# counter's delta / N.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

count=100
tools=bare,cargo-rollback,sqlx-cli,diesel_cli,dbmate
dbs=mysql,postgres
while [ $# -gt 0 ]; do
  case $1 in
    -n) count=$2; shift 2 ;;
    -t) tools=$2; shift 2 ;;
    -d) dbs=$2; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "server-counts.sh: unknown argument $1 (see -h)" >&2; exit 2 ;;
  esac
done

target=${CARGO_TARGET_DIR:-$repo/target}
ROLLBACK_BIN=${ROLLBACK_BIN:-$target/release/cargo-rollback}
[ -x "$ROLLBACK_BIN" ] || cargo build --quiet --release --locked -p cargo-rollback
[[ ,$tools, == *,sqlx-cli,* || ,$tools, == *,diesel_cli,* || ,$tools, == *,dbmate,* ]] &&
  PATH=$(bench/peers.sh):$PATH
export ROLLBACK_BIN

work=$(mktemp -d)
prefix="rollback_counts_$$"
runs=1
results=$work/unused.tsv
# shellcheck source=bench/lib.sh
source bench/lib.sh
trap 'drop_databases; rm -rf "$work"' EXIT

# mysql_snapshot: the counters, space-separated.
mysql_snapshot() {
  local names
  names=$(printf "'%s'," Questions Handler_commit Innodb_log_writes Innodb_data_fsyncs)
  mariadb --protocol=tcp -h 127.0.0.1 -uroot -N -e \
    "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN (${names%,}) ORDER BY FIELD(VARIABLE_NAME, ${names%,})" |
    tr '\n' ' '
}

# postgres_snapshot DATABASE: its commits, then the cluster's WAL counters. A backend
# reports its counters when it exits, which is after its client has gone: hence the wait.
postgres_snapshot() {
  sleep 1
  "$pg_client" -X -A -t -F ' ' -h 127.0.0.1 -U postgres -d postgres -c \
    "SELECT coalesce((SELECT xact_commit FROM pg_stat_database WHERE datname = '$1'), 0), wal_records, wal_fpi, wal_bytes, wal_sync FROM pg_stat_wal"
}

# snapshot DB DATABASE: that server's counters; on PostgreSQL after a CHECKPOINT when
# a step is about to start (`snapshot DB DATABASE start`).
snapshot() {
  if [ "$1" = mysql ]; then
    mysql_snapshot
  else
    [ "${3:-}" = start ] && "$pg_client" -X -q -h 127.0.0.1 -U postgres -d postgres -c CHECKPOINT
    postgres_snapshot "$2"
  fi
}

# per_migration DB BEFORE AFTER: each counter's delta / count; MySQL's Questions less
# the second snapshot's own query.
per_migration() {
  local -a before after
  read -r -a before <<< "$2"
  read -r -a after <<< "$3"
  local i out=""
  for i in "${!before[@]}"; do
    local delta=$((after[i] - before[i]))
    [ "$i" = 0 ] && [ "$1" = mysql ] && delta=$((delta - 1))
    out+=$(awk -v d="$delta" -v n="$count" 'BEGIN { printf " %.2f |", d / n }')
  done
  echo "$out"
}

# count_tool DB TOOL: the table's apply and revert rows for one tool.
count_tool() {
  local db=$1 tool=$2 before after
  declare_tool "$db" "$tool"
  bash -c "$RESET"
  before=$(snapshot "$db" "$DATABASE" start)
  bash -c "$UP" >/dev/null
  after=$(snapshot "$db" "$DATABASE")
  echo "| $tool | apply |$(per_migration "$db" "$before" "$after")"
  [ "$tool" = dbmate ] && return 0
  before=$(snapshot "$db" "$DATABASE" start)
  if [ "$tool" = cargo-rollback ]; then bash -c "$REVERT --no-backup" >/dev/null; else bash -c "$REVERT" >/dev/null; fi
  after=$(snapshot "$db" "$DATABASE")
  echo "| $tool | revert |$(per_migration "$db" "$before" "$after")"
}

IFS=, read -r -a wanted_dbs <<< "$dbs"
IFS=, read -r -a wanted <<< "$tools"
for db in "${wanted_dbs[@]}"; do
  case $db in mysql|postgres) ;; *) echo "server-counts.sh: unknown database $db" >&2; exit 2 ;; esac
  bench/gen-workload.sh -d "$db" -n "$count" "$work/$db" >/dev/null
  cd "$work/$db"
  echo
  case $db in
    mysql) echo "MariaDB/MySQL, per migration:"
      echo
      echo "| tool | step | statements | storage-engine commits | redo-log writes | fsyncs |"
      echo "|---|---|--:|--:|--:|--:|" ;;
    postgres) echo "PostgreSQL, per migration:"
      echo
      echo "| tool | step | commits | WAL records | full-page images | WAL bytes | WAL fsyncs |"
      echo "|---|---|--:|--:|--:|--:|--:|" ;;
  esac
  for tool in "${wanted[@]}"; do
    count_tool "$db" "$tool"
  done
  cd "$repo"
done
