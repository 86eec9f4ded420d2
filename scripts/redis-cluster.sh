#!/usr/bin/env bash
# A local Redis Cluster of six nodes (three masters, three replicas) from
# the Debian redis-server package, for the tests and `make demo-cluster`.
# Everything listens on 127.0.0.1 and nothing is persisted: it shows how
# Tongfa behaves on a cluster, it is not a production setup.
#
#   scripts/redis-cluster.sh start [PORT [DIR]]  start in the background (kept
#                                                running if it already is) and
#                                                print TONGFA_REDIS_URL=…
#   scripts/redis-cluster.sh run   [PORT [DIR]]  the same in the foreground:
#                                                SIGTERM or Ctrl-C stops the
#                                                nodes and removes DIR (tests)
#   scripts/redis-cluster.sh stop  [PORT [DIR]]  stop the nodes, remove DIR
#
# The nodes use ports PORT…PORT+5 (default 7000) and their cluster bus
# ports PORT+10000…; DIR defaults to /tmp/tongfa-redis-cluster-PORT.
# Environment: NODE_TIMEOUT (cluster-node-timeout in ms, default 2000: a
# dead master's replica takes over within a few seconds), REDIS_PASSWORD
# (requirepass and masterauth), TLS_DIR (a directory with ca.crt,
# redis.crt and redis.key: the nodes then speak TLS only, to clients and
# to each other).
set -euo pipefail

PORT=${2:-7000}
DIR=${3:-/tmp/tongfa-redis-cluster-$PORT}
NODES=6
NODE_TIMEOUT=${NODE_TIMEOUT:-2000}
# shellcheck source=scripts/redis-lib.sh
. "$(dirname "$0")/redis-lib.sh"

node_conf() {
	local p=$1
	if [ -n "${TLS_DIR:-}" ]; then
		echo "port 0"
		echo "tls-port $p"
		echo "tls-cert-file $TLS_DIR/redis.crt"
		echo "tls-key-file $TLS_DIR/redis.key"
		echo "tls-ca-cert-file $TLS_DIR/ca.crt"
		echo "tls-auth-clients no"
		echo "tls-cluster yes"
		echo "tls-replication yes"
	else
		echo "port $p"
	fi
	echo "cluster-enabled yes"
	echo "cluster-config-file nodes-$p.conf"
	echo "cluster-node-timeout $NODE_TIMEOUT"
	if [ -n "${REDIS_PASSWORD:-}" ]; then
		echo "requirepass $REDIS_PASSWORD"
		echo "masterauth $REDIS_PASSWORD"
	fi
}

# launch starts the nodes and joins them into a cluster.
launch() {
	local daemon=$1 addrs=()
	free
	for p in $(ports); do
		{ common_conf "$p" "$daemon"; node_conf "$p"; } >"$DIR/$p.conf"
		serve "$DIR/$p.conf" "$p" "$daemon"
		addrs+=("127.0.0.1:$p")
	done
	cli "$PORT" --cluster create "${addrs[@]}" --cluster-replicas 1 --cluster-yes >"$DIR/create.log" 2>&1 ||
		die "cluster create failed; see $DIR/create.log"
	wait_healthy
}

# healthy: every node sees all slots served and three replicas, and every
# replica has synced (a replica that has not cannot take over).
healthy() {
	for p in $(ports); do
		cli "$p" cluster info 2>/dev/null | grep -q '^cluster_state:ok' || return 1
		[ "$(cli "$p" cluster nodes 2>/dev/null | awk '$3 ~ /slave/' | wc -l)" = $((NODES / 2)) ] || return 1
		if cli "$p" info replication | grep -q '^role:slave'; then
			cli "$p" info replication | grep -q '^master_link_status:up' || return 1
		fi
	done
	cli "$PORT" --cluster check "127.0.0.1:$PORT" >/dev/null 2>&1
}

url() {
	local auth="" scheme=redis-cluster hosts=""
	[ -n "${REDIS_PASSWORD:-}" ] && auth=":$REDIS_PASSWORD@"
	[ -n "${TLS_DIR:-}" ] && scheme=rediss-cluster
	for p in $(ports); do hosts+="${hosts:+,}127.0.0.1:$p"; done
	echo "TONGFA_REDIS_URL=$scheme://$auth$hosts"
}

main "$@"
