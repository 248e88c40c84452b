#!/usr/bin/env bash
# bench/peers.sh - install the peers the suite compares with (and the adoption
# tests migrate with), when missing.
#
# Usage: bench/peers.sh [TOOLS_DIR]      (default: $BENCH_TOOLS or target/bench-tools)
#
# Installs, each only if its binary is not already in TOOLS_DIR/bin:
#   sqlx-cli   cargo install --locked --version $SQLX_CLI_VERSION (default features: postgres, sqlite, mysql)
#   diesel_cli cargo install --locked --version $DIESEL_CLI_VERSION (postgres, sqlite, mysql;
#              needs libpq, libmysqlclient and libsqlite3 headers: apt-get installs them
#              when missing and running as root)
#   dbmate     npm install dbmate@$DBMATE_VERSION (the npm package ships the Go binary; npm
#              itself from Debian's packages when missing)
#   refinery   cargo install --locked --version $REFINERY_CLI_VERSION refinery_cli, with
#              mysql, postgresql and sqlite-bundled only (its default mssql driver is not
#              needed and costs build time)
#   hyperfine  apt-get install hyperfine, when not on PATH
# Prints the directory to put on PATH. Versions are pinned so reruns compare the same peers.
set -euo pipefail

SQLX_CLI_VERSION=${SQLX_CLI_VERSION:-0.9.0}
DIESEL_CLI_VERSION=${DIESEL_CLI_VERSION:-2.3.14}
DBMATE_VERSION=${DBMATE_VERSION:-2.36.0}
REFINERY_CLI_VERSION=${REFINERY_CLI_VERSION:-0.10.0}
root=${1:-${BENCH_TOOLS:-$(cd "$(dirname "$0")/.." && pwd)/target/bench-tools}}
mkdir -p "$root/bin"

apt_updated=0
apt_install() {
  [ "$(id -u)" = 0 ] || { echo "peers.sh: install $* (Debian packages) first" >&2; exit 2; }
  if [ "$apt_updated" = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

command -v hyperfine >/dev/null || apt_install hyperfine
[ -x /usr/bin/time ] || apt_install time

if [ ! -x "$root/bin/sqlx" ]; then
  echo "peers.sh: installing sqlx-cli $SQLX_CLI_VERSION into $root" >&2
  cargo install --locked --quiet --root "$root" --version "$SQLX_CLI_VERSION" sqlx-cli >&2
fi

if [ ! -x "$root/bin/diesel" ]; then
  missing=()
  for pkg in libpq-dev libmariadb-dev-compat libsqlite3-dev pkg-config; do
    dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
  echo "peers.sh: installing diesel_cli $DIESEL_CLI_VERSION into $root" >&2
  cargo install --locked --quiet --root "$root" --version "$DIESEL_CLI_VERSION" diesel_cli >&2
fi

if [ ! -x "$root/bin/dbmate" ]; then
  command -v npm >/dev/null || apt_install npm
  echo "peers.sh: installing dbmate $DBMATE_VERSION into $root/npm" >&2
  npm install --silent --no-audit --no-fund --prefix "$root/npm" "dbmate@$DBMATE_VERSION" >&2
  ln -sf "$root/npm/node_modules/.bin/dbmate" "$root/bin/dbmate"
fi

if [ ! -x "$root/bin/refinery" ]; then
  echo "peers.sh: installing refinery_cli $REFINERY_CLI_VERSION into $root" >&2
  cargo install --locked --quiet --root "$root" --version "$REFINERY_CLI_VERSION" \
    --no-default-features --features mysql,postgresql,sqlite-bundled refinery_cli >&2
fi

echo "$root/bin"
