#!/usr/bin/env bash
# A local Sentinel-managed Redis: a primary, one replica and three
# sentinels (quorum 2), from the Debian redis-server package, for the
# tests. Everything listens on 127.0.0.1 and nothing is persisted.
#
#   scripts/redis-sentinel.sh start [PORT [DIR]]  start in the background (kept
#                                                 running if it already is) and
#                                                 print TONGFA_REDIS_URL=…
#   scripts/redis-sentinel.sh run   [PORT [DIR]]  the same in the foreground:
#                                                 SIGTERM or Ctrl-C stops
#                                                 everything and removes DIR
#   scripts/redis-sentinel.sh stop  [PORT [DIR]]  stop everything, remove DIR
#
# The primary listens on PORT (default 7010), the replica on PORT+1, the
# sentinels on PORT+2…PORT+4; the master's name is "tongfa". DIR defaults
# to /tmp/tongfa-redis-sentinel-PORT. DOWN_AFTER (ms, default 1000) is how
# long the primary must be silent before the sentinels fail over.
set -euo pipefail

PORT=${2:-7010}
DIR=${3:-/tmp/tongfa-redis-sentinel-$PORT}
NODES=5
DOWN_AFTER=${DOWN_AFTER:-1000}
# shellcheck source=scripts/redis-lib.sh
. "$(dirname "$0")/redis-lib.sh"

sentinels() { seq $((PORT + 2)) $((PORT + 4)); }

launch() {
	local daemon=$1
	free
	for p in "$PORT" $((PORT + 1)); do
		{
			common_conf "$p" "$daemon"
			echo "port $p"
			[ "$p" = "$PORT" ] || echo "replicaof 127.0.0.1 $PORT"
		} >"$DIR/$p.conf"
		serve "$DIR/$p.conf" "$p" "$daemon"
	done
	for p in $(sentinels); do
		{
			common_conf "$p" "$daemon"
			echo "port $p"
			echo "sentinel monitor tongfa 127.0.0.1 $PORT 2"
			echo "sentinel down-after-milliseconds tongfa $DOWN_AFTER"
			echo "sentinel failover-timeout tongfa 10000"
		} >"$DIR/$p.conf"
		serve "$DIR/$p.conf" "$p" "$daemon" --sentinel
	done
	wait_healthy
}

# healthy: the replica has synced and every sentinel knows the primary,
# the replica and the two other sentinels (a failover needs their votes).
healthy() {
	cli $((PORT + 1)) info replication 2>/dev/null | grep -q '^master_link_status:up' || return 1
	for p in $(sentinels); do
		cli "$p" info sentinel 2>/dev/null | grep -q 'name=tongfa,status=ok,.*slaves=1,sentinels=3' || return 1
	done
}

url() {
	local hosts=""
	for p in $(sentinels); do hosts+="${hosts:+,}127.0.0.1:$p"; done
	echo "TONGFA_REDIS_URL=redis-sentinel://$hosts?master=tongfa"
}

main "$@"
