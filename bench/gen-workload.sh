#!/usr/bin/env bash
# bench/gen-workload.sh - N trivial reversible migrations in every peer's layout.
#
# Usage: bench/gen-workload.sh -d sqlite|postgres|mysql [-n COUNT] OUT_DIR
#
# Each migration creates a 3-column table and one index; its down drops both.
# Written (existing folders replaced):
#   OUT_DIR/sqlx/<v>_<name>.up.sql + .down.sql       sqlx-cli, cargo-rollback, sqlx::migrate!
#   OUT_DIR/diesel/<v>_<name>/up.sql + down.sql      diesel_cli
#   OUT_DIR/dbmate/<v>_<name>.sql                    dbmate (-- migrate:up / -- migrate:down)
#   OUT_DIR/plain/up-per-tx.sql, down-per-tx.sql     the bare SQL: the same statements, one
#                                                    BEGIN/COMMIT per migration, for one
#                                                    sqlite3 / psql / mariadb process
# Versions are 20240101000000 + i (14 digits), so every tool orders them alike. The SQL
# is the same on every database except MySQL's `DROP INDEX … ON table`. Adapted from the
# workload W1 of ../shared/bench/gen-workload.sh (the project's shared harness), with
# MySQL added (VARCHAR so the column can be indexed) and the other workloads left out:
# the dropped-column workload is bench/backup.sh's.
set -euo pipefail

dialect=""
count=1000
while getopts ":d:n:h" opt; do
  case $opt in
    d) dialect=$OPTARG ;;
    n) count=$OPTARG ;;
    h) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "gen-workload.sh: bad option -$OPTARG" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || { echo "gen-workload.sh: need one OUT_DIR" >&2; exit 2; }
case $dialect in sqlite|postgres|mysql) ;; *) echo "gen-workload.sh: -d sqlite|postgres|mysql" >&2; exit 2 ;; esac
[[ $count =~ ^[1-9][0-9]*$ ]] || { echo "gen-workload.sh: -n must be a positive integer" >&2; exit 2; }
out=$1

for layout in sqlx diesel dbmate plain; do rm -rf "${out:?}/$layout"; mkdir -p "$out/$layout"; done
width=${#count}; [ "$width" -lt 4 ] && width=4
: > "$out/plain/up-per-tx.sql"
downs=()
for ((i = 1; i <= count; i++)); do
  t=$(printf 'bench_t%0*d' "$width" "$i")
  v=$(printf '%014d' $((20240101000000 + i)))
  name="${v}_create_$t"
  up="CREATE TABLE $t (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, created_at TIMESTAMP NULL);
CREATE INDEX ${t}_name_idx ON $t (name);"
  if [ "$dialect" = mysql ]; then
    down="DROP INDEX ${t}_name_idx ON $t;
DROP TABLE $t;"
  else
    down="DROP INDEX ${t}_name_idx;
DROP TABLE $t;"
  fi
  printf '%s\n' "$up" > "$out/sqlx/$name.up.sql"
  printf '%s\n' "$down" > "$out/sqlx/$name.down.sql"
  mkdir "$out/diesel/$name"
  printf '%s\n' "$up" > "$out/diesel/$name/up.sql"
  printf '%s\n' "$down" > "$out/diesel/$name/down.sql"
  printf -- '-- migrate:up\n%s\n\n-- migrate:down\n%s\n' "$up" "$down" > "$out/dbmate/$name.sql"
  printf 'BEGIN;\n%s\nCOMMIT;\n' "$up" >> "$out/plain/up-per-tx.sql"
  downs+=("$down")
done
for ((i = count - 1; i >= 0; i--)); do printf 'BEGIN;\n%s\nCOMMIT;\n' "${downs[i]}"; done > "$out/plain/down-per-tx.sql"
