#!/usr/bin/env bash
# bench/backup.sh - what a rollback's backup of a dropped column costs, next to
# the bare copy of the same data.
#
# Usage: bench/backup.sh [-r ROWS] [-n RUNS] [-d DBS]
#   -r  rows in the table (default 1000000)
#   -n  runs per figure; the median is reported (default 3)
#   -d  comma-separated: sqlite,postgres,mysql (default all three)
#
# Per database: a table t (id, payload, n) of ROWS rows and one migration that
# adds a filled column `extra` (its down drops it) are set up untimed; then,
# each run on the same state, the three taking turns:
#   with backup     cargo-rollback --yes            (copies t.extra with its key, then drops it)
#   without backup  cargo-rollback --yes --no-backup
#   bare copy       CREATE TABLE … AS SELECT id, extra FROM t, by sqlite3 / psql / mariadb
# The backup's own cost is "with" minus "without"; it should be at most the bare
# copy. Peak RSS of the rollback with backup is reported too (GNU time).
#
# Needs: a release build (cargo build --release -p cargo-rollback; ROLLBACK_BIN names
# another binary, CARGO_TARGET_DIR is respected), sqlite3,
# psql and mariadb clients, PostgreSQL on 127.0.0.1:5432 (user postgres, trust)
# and MariaDB on 127.0.0.1:3306 (root, no password), as .ci/run sets them up.
set -euo pipefail
cd "$(dirname "$0")/.."

rows=1000000
runs=3
dbs=sqlite,postgres,mysql
while getopts ":r:n:d:h" opt; do
  case $opt in
    r) rows=$OPTARG ;;
    n) runs=$OPTARG ;;
    d) dbs=$OPTARG ;;
    h) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "backup.sh: bad option -$OPTARG" >&2; exit 2 ;;
  esac
done

export PGOPTIONS='-c client_min_messages=warning'
bin=${ROLLBACK_BIN:-${CARGO_TARGET_DIR:-target}/release/cargo-rollback}
[ -x "$bin" ] || { echo "backup.sh: build it first: cargo build --release -p cargo-rollback (or set ROLLBACK_BIN)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/migrations"
name="rollback_bench_$$"

now() { date +%s.%N; }
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# sql DB STATEMENTS: runs SQL with the database's own client.
sql() {
  case $1 in
    sqlite) sqlite3 "$work/bench.db" "$2" ;;
    postgres) psql -q -X -h 127.0.0.1 -U postgres -d "$name" -v ON_ERROR_STOP=1 -c "$2" >/dev/null ;;
    mysql) mariadb --protocol=tcp -h 127.0.0.1 -uroot "$name" -e "$2" ;;
  esac
}

setup() {
  local db=$1
  case $db in
    sqlite)
      rm -f "$work/bench.db"
      url="sqlite:$work/bench.db"
      sql sqlite "CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT, n INTEGER);
        INSERT INTO t SELECT i, 'payload ' || i, i * 7 FROM (WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $rows) SELECT i FROM s);"
      ;;
    postgres)
      psql -q -X -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null
      url="postgres://postgres@127.0.0.1:5432/$name"
      sql postgres "CREATE TABLE t (id BIGINT PRIMARY KEY, payload TEXT, n BIGINT);
        INSERT INTO t SELECT i, 'payload ' || i, i * 7 FROM generate_series(1, $rows) AS i;"
      ;;
    mysql)
      mariadb --protocol=tcp -h 127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS $name; CREATE DATABASE $name"
      url="mysql://root@127.0.0.1:3306/$name"
      sql mysql "CREATE TABLE t (id BIGINT PRIMARY KEY, payload TEXT, n BIGINT);
        INSERT INTO t SELECT seq, CONCAT('payload ', seq), seq * 7 FROM seq_1_to_$rows;"
      ;;
  esac
  local fill="UPDATE t SET extra = 'extra value ' || id;"
  [ "$db" = mysql ] && fill="UPDATE t SET extra = CONCAT('extra value ', id);"
  printf 'ALTER TABLE t ADD COLUMN extra TEXT;\n%s\n' "$fill" > "$work/migrations/1_extra.up.sql"
  echo "ALTER TABLE t DROP COLUMN extra;" > "$work/migrations/1_extra.down.sql"
}

# rollback DB [ARGS…]: seconds of one rollback from the applied state.
rollback() {
  local db=$1
  shift
  "$bin" --source "$work/migrations" --database-url "$url" -q up
  local start end
  start=$(now)
  "$bin" --source "$work/migrations" --database-url "$url" -q --yes "$@"
  end=$(now)
  for id in $("$bin" --source "$work/migrations" --database-url "$url" backups --format json | grep -o '"id": [0-9]*' | grep -o '[0-9]*$'); do
    "$bin" --source "$work/migrations" --database-url "$url" -q --yes backups drop "$id"
  done
  echo "$end - $start" | bc -l
}

bare() {
  local db=$1
  "$bin" --source "$work/migrations" --database-url "$url" -q up
  local start end
  start=$(now)
  sql "$db" "CREATE TABLE bare_copy AS SELECT id, extra FROM t"
  end=$(now)
  sql "$db" "DROP TABLE bare_copy"
  echo "$end - $start" | bc -l
}

peak_rss() {
  local db=$1
  "$bin" --source "$work/migrations" --database-url "$url" -q up
  /usr/bin/time -f '%M' "$bin" --source "$work/migrations" --database-url "$url" -q --yes 2>&1 >/dev/null | tail -1
}

printf '| database | rows | with backup s | without s | backup cost s | bare CTAS s | cost / CTAS | peak RSS KiB |\n'
printf '|---|--:|--:|--:|--:|--:|--:|--:|\n'
IFS=, read -r -a wanted <<< "$dbs"
for db in "${wanted[@]}"; do
  setup "$db"
  # The three take turns, run by run, so that the table's growth (each `up`
  # rewrites it) and a drifting disk weigh on all three alike.
  : > "$work/with" && : > "$work/without" && : > "$work/copy"
  for _ in $(seq "$runs"); do
    rollback "$db" >> "$work/with"
    rollback "$db" --no-backup >> "$work/without"
    bare "$db" >> "$work/copy"
  done
  with=$(median < "$work/with")
  without=$(median < "$work/without")
  copy=$(median < "$work/copy")
  rss=$(peak_rss "$db")
  cost=$(echo "$with - $without" | bc -l)
  printf '| %s | %s | %.3f | %.3f | %.3f | %.3f | %.2f | %s |\n' \
    "$db" "$rows" "$with" "$without" "$cost" "$copy" "$(echo "$cost / $copy" | bc -l)" "$rss"
  case $db in
    postgres) psql -q -X -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $name" >/dev/null ;;
    mysql) mariadb --protocol=tcp -h 127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS $name" ;;
  esac
done
