#!/usr/bin/env bash
# Make sure PostgreSQL and Redis run locally and the databases exist, and
# that a CJK font is installed (without one the browser tests' screenshots
# show every 汉字 as a box). Installs what is missing with apt-get when run
# as root (fresh Debian-like machine); otherwise only starts the services.
# Safe to run any number of times.
set -euo pipefail

PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
DATABASES=${DATABASES:-"tongfa test"}

say() { printf '==> %s\n' "$*" >&2; }

need_install() {
	[ "$(id -u)" = 0 ] || { say "$1 is missing; install it or run as root"; exit 1; }
	say "installing $1 with apt-get"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

start_postgres() {
	if pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; then return; fi
	command -v pg_ctlcluster >/dev/null || need_install postgresql postgresql-client
	local ver
	ver=$(ls /etc/postgresql | sort -V | tail -1)
	say "starting PostgreSQL $ver"
	pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
	for _ in $(seq 1 30); do pg_isready -q -h "$PGHOST" -p "$PGPORT" && return; sleep 1; done
	say "PostgreSQL did not start"; exit 1
}

# psql_admin runs SQL as a superuser: the current user if it is one (trust
# auth, e.g. root in CI), otherwise postgres.
psql_admin() {
	if psql -h "$PGHOST" -p "$PGPORT" -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
		psql -h "$PGHOST" -p "$PGPORT" -d postgres -Atq "$@"
	elif [ "$(id -u)" = 0 ]; then
		su postgres -c "psql -h $PGHOST -p $PGPORT -d postgres -Atq $(printf '%q ' "$@")"
	else
		psql -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres -Atq "$@"
	fi
}

create_databases() {
	local me
	me=$(id -un)
	if ! psql_admin -c "select 1 from pg_roles where rolname = '$me'" | grep -q 1; then
		say "creating PostgreSQL role $me"
		psql_admin -c "create role \"$me\" login superuser"
	fi
	for db in $DATABASES; do
		if ! psql_admin -c "select 1 from pg_database where datname = '$db'" | grep -q 1; then
			say "creating database $db"
			psql_admin -c "create database \"$db\" owner \"$me\""
		fi
	done
}

start_redis() {
	if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then return; fi
	command -v redis-server >/dev/null || need_install redis-server
	say "starting Redis"
	redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
	for _ in $(seq 1 30); do redis-cli ping >/dev/null 2>&1 && return; sleep 0.5; done
	say "Redis did not start"; exit 1
}

# ensure_cjk_font installs a Simplified Chinese font if fontconfig knows
# none: Noto CJK (what the console's CSS names), or WenQuanYi Micro Hei.
ensure_cjk_font() {
	if command -v fc-list >/dev/null && [ -n "$(fc-list :lang=zh-cn family 2>/dev/null)" ]; then return; fi
	if [ "$(id -u)" != 0 ]; then
		say "no CJK font: browser screenshots will show boxes (apt-get install fonts-noto-cjk as root)"
		return
	fi
	say "installing a CJK font"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fontconfig fonts-noto-cjk >/dev/null ||
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fontconfig fonts-wqy-microhei >/dev/null ||
		say "no CJK font could be installed; browser screenshots will show boxes"
}

start_postgres
create_databases
start_redis
ensure_cjk_font
say "PostgreSQL and Redis are ready"
