# bench/lib.sh - the helpers of bench/suite.sh (sourced; it sets count, runs, work,
# prefix, results, times, peaks, target and ROLLBACK_BIN first). The timing follows
# ../shared/bench/compare.sh (the project's shared harness): hyperfine with a per-run
# --prepare or a one-off --setup, then one more run under GNU time for peak memory.

pg_client=$(pg_config --bindir 2>/dev/null || echo /usr/bin)/psql
export pg_client

# reset_database DB NAME FILE: an empty database (untimed, in --prepare / --setup).
reset_database() {
  case $1 in
    sqlite) rm -f "$3" "$3-wal" "$3-shm" "$3-journal"; : > "$3" ;;
    postgres) "$pg_client" -X -q -h 127.0.0.1 -U postgres -d postgres \
      -c "DROP DATABASE IF EXISTS $2 WITH (FORCE)" -c "CREATE DATABASE $2" ;;
    mysql) mariadb --protocol=tcp -h 127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS $2; CREATE DATABASE $2" ;;
  esac
}
export -f reset_database

# declare_tool DB TOOL: sets RESET, UP, REVERT and NOOP for that tool on that database,
# run from the workload's folder (sqlx/, diesel/, dbmate/, plain/), and DATABASE, the
# name of the tool's database.
declare_tool() {
  local db=$1 tool=$2 name file url
  name=${prefix}_${tool//[^a-z]/_}
  DATABASE=$name
  file=$work/$db/$name.sqlite
  echo "$db $name" >> "$work/databases"
  case $db in
    sqlite) url=sqlite:$file ;;
    postgres) url="postgres://postgres@127.0.0.1:5432/$name?sslmode=disable" ;;
    mysql) url=mysql://root@127.0.0.1:3306/$name ;;
  esac
  RESET="reset_database $db $name '$file'"
  case $tool in
    bare)
      case $db in
        sqlite) UP="sqlite3 -bail '$file' < plain/up-per-tx.sql"
          REVERT="sqlite3 -bail '$file' < plain/down-per-tx.sql"
          NOOP="sqlite3 '$file' 'SELECT 1' >/dev/null" ;;
        postgres) local psql="$pg_client -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres -d $name"
          UP="$psql -f plain/up-per-tx.sql"
          REVERT="$psql -f plain/down-per-tx.sql"
          NOOP="$psql -c 'SELECT 1' >/dev/null" ;;
        mysql) local client="mariadb --protocol=tcp -h 127.0.0.1 -uroot $name"
          UP="$client < plain/up-per-tx.sql"
          REVERT="$client < plain/down-per-tx.sql"
          NOOP="$client -e 'SELECT 1' >/dev/null" ;;
      esac ;;
    cargo-rollback)
      local rb="'$ROLLBACK_BIN' -q --source sqlx --database-url '$url'"
      UP="$rb up"; REVERT="$rb --yes --all"; NOOP="$rb up" ;;
    sqlx-cli)
      [ "$db" = sqlite ] && url=sqlite://$file
      UP="sqlx migrate run --source sqlx --database-url '$url' >/dev/null"
      REVERT="sqlx migrate revert --target-version 0 --source sqlx --database-url '$url' >/dev/null"
      NOOP=$UP ;;
    diesel_cli)
      [ "$db" = sqlite ] && url=$file
      UP="diesel migration run --migration-dir diesel --database-url '$url' >/dev/null"
      REVERT="diesel migration revert --all --migration-dir diesel --database-url '$url' >/dev/null"
      NOOP=$UP ;;
    dbmate)
      # dbmate reverts one migration per call: the loop is its "revert all".
      local dbm="dbmate --no-dump-schema --url '$url' --migrations-dir dbmate"
      UP="$dbm migrate >/dev/null"
      REVERT="for i in \$(seq $count); do $dbm rollback >/dev/null || exit 1; done"
      NOOP=$UP ;;
    api-rollback) UP="'$target/bench-startup/release/rollback' '$url'" ;;
    api-sqlx) [ "$db" = sqlite ] && url=sqlite://$file
      UP="'$target/bench-startup/release/sqlx' '$url'" ;;
  esac
}

# measure WORKLOAD DB TOOL [--round R] [--setup CMD] [--prepare CMD] [--rss no] -- COMMAND:
# one timed run, its time appended to $times; in round 1 (the default) also the peak
# RSS of one more run (unless --rss no), appended to $peaks. The suite calls it once
# per round for every tool in turn, and `collate` takes the medians.
measure() {
  local workload=$1 db=$2 tool=$3 round=1 setup="" prepare="" rss_run=yes json time rss
  shift 3
  while [ "$1" != -- ]; do
    case $1 in
      --round) round=$2 ;;
      --setup) setup=$2 ;;
      --prepare) prepare=$2 ;;
      --rss) rss_run=$2 ;;
    esac
    shift 2
  done
  shift
  local args=(--shell=bash --runs 1 --warmup 0 --style basic)
  [ -n "$setup" ] && args+=(--setup "$setup")
  [ -n "$prepare" ] && args+=(--prepare "$prepare")
  json=$work/last.json
  echo "=== $workload / $db / $tool (run $round): $*" >&2
  if hyperfine "${args[@]}" --export-json "$json" -- "$*" >&2; then
    time=$(jq '.results[0].times[0]' "$json")
    if [ "$round" = 1 ] && [ "$rss_run" = yes ]; then
      bash -c "${prepare:-$setup}" >/dev/null 2>&1
      rss=$(/usr/bin/time -f %M bash -c "$*" 2>&1 >/dev/null | tail -n 1)
      printf '%s\t%s\t%s\t%s\n' "$workload" "$db" "$tool" "$rss" >> "$peaks"
    fi
  else
    time=FAILED
  fi
  printf '%s\t%s\t%s\t%s\n' "$workload" "$db" "$tool" "$time" >> "$times"
}

# collate: $results from $times and $peaks, one line per workload, database and tool in
# the order first measured: the median of its runs (FAILED if any failed) and its peak
# RSS ("-" when not measured).
collate() {
  awk -F'\t' '
    FILENAME == ARGV[1] { peak[$1 FS $2 FS $3] = $4; next }
    {
      key = $1 FS $2 FS $3
      if (!(key in count)) order[++n] = key
      if ($4 == "FAILED") failed[key] = 1
      else times[key, ++count[key]] = $4
    }
    function median(key,   c, i, j, t, sorted) {
      c = count[key]
      for (i = 1; i <= c; i++) sorted[i] = times[key, i]
      for (i = 2; i <= c; i++) for (j = i; j > 1 && sorted[j - 1] > sorted[j]; j--) {
        t = sorted[j]; sorted[j] = sorted[j - 1]; sorted[j - 1] = t
      }
      return c % 2 ? sorted[(c + 1) / 2] : (sorted[c / 2] + sorted[c / 2 + 1]) / 2
    }
    END {
      for (i = 1; i <= n; i++) {
        key = order[i]
        print key FS ((key in failed) || !count[key] ? "FAILED" : median(key)) FS ((key in peak) ? peak[key] : "-")
      }
    }' "$peaks" "$times" > "$results"
}

# startup_build: bench/startup built once per suite run, its migrations the workload's.
startup_build() {
  [ -z "${startup_built:-}" ] || return 0
  local dir=$work/startup-workload
  "$repo/bench/gen-workload.sh" -d sqlite -n "$count" "$dir" >&2
  if ! diff -rq "$dir/sqlx" "$repo/bench/startup/migrations" >/dev/null 2>&1; then
    rm -rf "$repo/bench/startup/migrations"
    cp -r "$dir/sqlx" "$repo/bench/startup/migrations"
  fi
  echo "building bench/startup (release) ..." >&2
  CARGO_TARGET_DIR=$target/bench-startup cargo build --quiet --release --locked \
    --manifest-path "$repo/bench/startup/Cargo.toml" >&2
  startup_built=1
}

# measure_build: the crate's own release build with each macro, dependencies built,
# the two macros taking turns run by run.
measure_build() {
  startup_build
  local cargo="CARGO_TARGET_DIR='$target/bench-startup' cargo" manifest="--manifest-path '$repo/bench/startup/Cargo.toml'"
  local touched round bin tool
  touched=$(find "$repo/bench/startup/migrations" -name '*.up.sql' | sort | sed -n 1p)
  for round in $(seq "$runs"); do
    for bin in rollback sqlx; do
      tool=cargo-rollback
      [ "$bin" = sqlx ] && tool=sqlx
      measure "build, clean" - "$tool" --round "$round" \
        --prepare "$cargo clean --quiet --release -p bench-startup $manifest" \
        -- "$cargo build --quiet --release --locked $manifest --bin $bin"
      measure "build, touched" - "$tool" --round "$round" --prepare "touch '$touched'" \
        -- "$cargo build --quiet --release --locked $manifest --bin $bin"
    done
  done
}

# drop_databases: the server databases this run created.
drop_databases() {
  [ -f "$work/databases" ] || return 0
  sort -u "$work/databases" | while read -r db name; do
    case $db in
      postgres) "$pg_client" -X -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" ;;
      mysql) mariadb --protocol=tcp -h 127.0.0.1 -uroot -e "DROP DATABASE IF EXISTS $name" ;;
    esac
  done
}

# render RESULTS: the markdown tables, medians then peak memory, one row per
# workload, database and cargo-rollback variant, the ratios cargo-rollback / each.
render() {
  awk -F'\t' '
    function peer(tool) {
      sub(/ \(API\)$/, "", tool)
      if (tool == "sqlx-cli") return "sqlx"
      if (tool == "diesel_cli") return "diesel"
      return tool
    }
    function known(v) { return v != "" && v != "-" && v != "FAILED" }
    function cell(v, kind) { return v == "FAILED" ? v : (!known(v) ? "–" : (kind == "s" ? sprintf("%.3f", v) : sprintf("%d", v))) }
    function ratio(a, b) { return (!known(a) || !known(b) || b + 0 == 0) ? "–" : sprintf("%.2f", a / b) }
    {
      key = $1 SUBSEP $2
      if (!(key in seen)) { seen[key] = 1; order[++n] = key }
      t = $3
      if (t ~ /^cargo-rollback/) {
        variant = t; sub(/^cargo-rollback( \(API\))?/, "", variant)
        if (!((key, variant) in selfseen)) { selfseen[key, variant] = 1; nself[key]++; selves[key, nself[key]] = variant }
        self[key, variant] = $4; selfrss[key, variant] = $5
      } else { med[key, peer(t)] = $4; rss[key, peer(t)] = $5 }
    }
    function table(kind, title,   i, k, parts, j, v, s, label, p, line) {
      split("bare sqlx diesel dbmate", peers, " ")
      print ""
      print title
      print ""
      print "| workload | database | cargo-rollback | bare SQL | sqlx | diesel | dbmate | ÷ bare | ÷ sqlx | ÷ diesel | ÷ dbmate |"
      print "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
      for (i = 1; i <= n; i++) {
        k = order[i]; split(k, parts, SUBSEP)
        for (j = 1; j <= nself[k]; j++) {
          v = selves[k, j]
          s = (kind == "s") ? self[k, v] : selfrss[k, v]
          label = parts[1] v
          line = "| " label " | " parts[2] " | " cell(s, kind)
          for (p = 1; p <= 4; p++) line = line " | " cell(kind == "s" ? med[k, peers[p]] : rss[k, peers[p]], kind)
          for (p = 1; p <= 4; p++) line = line " | " ratio(s, kind == "s" ? med[k, peers[p]] : rss[k, peers[p]])
          print line " |"
        }
      }
    }
    END {
      table("s", "Median wall time, seconds (÷: cargo-rollback / that tool; below 1 is faster)")
      table("k", "Peak memory, KiB (GNU time %M, one run)")
    }' "$1"
}
