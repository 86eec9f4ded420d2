# Shared by scripts/redis-cluster.sh and scripts/redis-sentinel.sh, which
# set PORT, DIR, NODES and define launch, healthy and url before sourcing
# this file and calling main.

say() { printf '==> %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

ports() { seq "$PORT" $((PORT + NODES - 1)); }

# cli runs redis-cli against the node on port $1 with the password and TLS
# options of the environment.
cli() {
	local p=$1
	shift
	local opts=(-h 127.0.0.1 -p "$p")
	[ -n "${REDIS_PASSWORD:-}" ] && opts+=(--no-auth-warning -a "$REDIS_PASSWORD")
	[ -n "${TLS_DIR:-}" ] && opts+=(--tls --cacert "$TLS_DIR/ca.crt")
	redis-cli "${opts[@]}" "$@"
}

# common_conf is what every node's configuration starts with: no
# persistence, and replicas that sync at once (diskless, no delay).
common_conf() {
	local p=$1 daemon=$2
	echo "bind 127.0.0.1"
	echo "save \"\""
	echo "appendonly no"
	echo "repl-diskless-sync-delay 0"
	echo "dir $DIR"
	echo "logfile $DIR/$p.log"
	echo "pidfile $DIR/$p.pid"
	echo "daemonize $daemon"
}

# free refuses ports something already answers on, and prepares DIR.
free() {
	command -v redis-server >/dev/null || die "redis-server is not installed (apt-get install redis-server)"
	for p in $(ports); do
		if cli "$p" ping >/dev/null 2>&1; then die "port $p is in use; stop what runs there ($0 stop $PORT)"; fi
	done
	rm -rf "$DIR"
	mkdir -p "$DIR"
}

# serve starts redis-server with the configuration file $1 (and any more
# arguments), daemonized or as a child of this shell, and waits for port $2.
serve() {
	local conf=$1 p=$2 daemon=$3
	shift 3
	if [ "$daemon" = yes ]; then redis-server "$conf" "$@"; else redis-server "$conf" "$@" & fi
	for _ in $(seq 1 50); do cli "$p" ping >/dev/null 2>&1 && return; sleep 0.1; done
	die "the node on port $p did not start; see $DIR/$p.log"
}

wait_healthy() {
	for _ in $(seq 1 150); do healthy && return; sleep 0.2; done
	die "not healthy after 30 s; see $DIR/*.log"
}

# stop_nodes kills the nodes whose pid files are in DIR (a pid is killed
# only while it is still a redis-server: a node that died long ago may
# have left its pid to something else) and removes DIR.
stop_nodes() {
	local pid
	for p in $(ports); do
		pid=$(cat "$DIR/$p.pid" 2>/dev/null) || continue
		if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = redis-server ]; then kill -9 "$pid" 2>/dev/null || true; fi
	done
	rm -rf "$DIR"
}

main() {
	case "${1:-}" in
	start)
		if [ -d "$DIR" ] && healthy; then url; exit 0; fi
		trap stop_nodes EXIT # what failed to come up is not left behind
		launch yes
		trap - EXIT
		say "running on 127.0.0.1:$PORT-$((PORT + NODES - 1)) (stop: $0 stop $PORT)"
		url
		;;
	run)
		# The nodes are this shell's jobs: kill exactly those, not pids
		# read from files (a node a test killed may have freed its pid).
		trap 'trap - EXIT; kill -9 $(jobs -p) 2>/dev/null; rm -rf "$DIR"; exit 0' EXIT INT TERM
		launch no
		url
		wait
		;;
	stop)
		stop_nodes
		;;
	*)
		sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
		exit 2
		;;
	esac
}
