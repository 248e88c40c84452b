#!/usr/bin/env bash
# bench/server-counts.sh - what each tool makes a MariaDB/MySQL server do per migration:
# statements received (Questions), storage-engine commits (Handler_commit), redo-log
# writes (Innodb_log_writes) and fsyncs (Innodb_data_fsyncs), read from the server's
# global status around one apply and one revert of the suite's workload. Counts, not
# times: they repeat run after run whatever the disk is doing, which MariaDB wall times
# on a shared disk do not. The server must be otherwise idle (global counters).
#
# Usage: bench/server-counts.sh [-n MIGRATIONS] [-t TOOLS]
#   -n  migrations (default 100)
#   -t  comma-separated: bare,cargo-rollback,sqlx-cli,diesel_cli,dbmate (default all;
#       the peers from bench/peers.sh, installed when missing)
# Prints a Markdown table: per migration applied and reverted, each counter's delta / N.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

count=100
tools=bare,cargo-rollback,sqlx-cli,diesel_cli,dbmate
while [ $# -gt 0 ]; do
  case $1 in
    -n) count=$2; shift 2 ;;
    -t) tools=$2; shift 2 ;;
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
bench/gen-workload.sh -d mysql -n "$count" "$work/mysql"
cd "$work/mysql"

counters="Questions Handler_commit Innodb_log_writes Innodb_data_fsyncs"
snapshot() {
  local names
  names=$(printf "'%s'," $counters)
  mariadb --protocol=tcp -h 127.0.0.1 -uroot -N -e \
    "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN (${names%,}) ORDER BY FIELD(VARIABLE_NAME, ${names%,})" |
    tr '\n' ' '
}
# per_migration BEFORE AFTER: each counter's delta / count, less the two snapshot queries.
per_migration() {
  local -a before after
  read -r -a before <<< "$1"
  read -r -a after <<< "$2"
  local i out=""
  for i in "${!before[@]}"; do
    local delta=$((after[i] - before[i]))
    [ "$i" = 0 ] && delta=$((delta - 1))
    out+=$(awk -v d="$delta" -v n="$count" 'BEGIN { printf " %.2f |", d / n }')
  done
  echo "$out"
}

echo "| tool | step | statements | storage-engine commits | redo-log writes | fsyncs |"
echo "|---|---|--:|--:|--:|--:|"
IFS=, read -r -a wanted <<< "$tools"
for tool in "${wanted[@]}"; do
  declare_tool mysql "$tool"
  bash -c "$RESET"
  before=$(snapshot)
  bash -c "$UP" >/dev/null
  after=$(snapshot)
  echo "| $tool | apply |$(per_migration "$before" "$after")"
  [ "$tool" = dbmate ] && continue
  before=$(snapshot)
  if [ "$tool" = cargo-rollback ]; then bash -c "$REVERT --no-backup" >/dev/null; else bash -c "$REVERT" >/dev/null; fi
  after=$(snapshot)
  echo "| $tool | revert |$(per_migration "$before" "$after")"
done
