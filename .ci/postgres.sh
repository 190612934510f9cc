#!/usr/bin/env bash
# A throw-away PostgreSQL server for Folio's tests.
#
# Sourced (the usual way, from .ci/run or a shell):
#
#     source .ci/postgres.sh      # installs, starts, exports FOLIO_TEST_POSTGRES
#     go test ./storage/pgstore/
#     postgres_stop               # or let the EXIT trap do it
#
# Run as a command, it prints shell lines to evaluate instead, and takes
# "stop" to stop the server it started:
#
#     eval "$(.ci/postgres.sh)"
#     .ci/postgres.sh stop
#
# The server is a fresh cluster in a temporary directory, listening on
# 127.0.0.1 only, with durability switched off (fsync, synchronous commit,
# full-page writes) because nothing in it outlives the tests. It trusts
# every local connection. The database is folio_test and the superuser is
# folio (a PostgreSQL role, not a system account); the server itself runs
# as the unprivileged system user nobody when started by root, since
# PostgreSQL refuses to run as root.
#
# Sourcing it twice is harmless: a server it started that still answers is
# reused. Settings, all optional: FOLIO_PG_PORT (first port to try, default
# 54329), FOLIO_PG_USER (system user for the server when root, default
# nobody), FOLIO_PG_NO_TRAP=1 (do not install an EXIT trap).

# _folio_pg_state is where a server started by the command form records
# its directory and port, so that "stop" can find it.
_folio_pg_state="${TMPDIR:-/tmp}/folio-postgres.state"

_folio_pg_log() { printf 'postgres.sh: %s\n' "$*" >&2; }

# _folio_pg_bindir prints the newest /usr/lib/postgresql/*/bin holding
# pg_ctl, or nothing.
_folio_pg_bindir() {
	local d
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/pg_ctl" ] && printf '%s\n' "$d"
	done | sort -t/ -k5,5n | tail -n1
}

# _folio_pg_as runs a command as the server's system user.
_folio_pg_as() {
	if [ "$(id -u)" -eq 0 ]; then
		if command -v runuser >/dev/null 2>&1; then
			runuser -u "$_folio_pg_user" -- "$@"
		else
			su -s /bin/sh "$_folio_pg_user" -c "$(printf '%q ' "$@")"
		fi
	else
		"$@"
	fi
}

# _folio_pg_port_busy reports whether something listens on 127.0.0.1:$1.
_folio_pg_port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# postgres_start installs PostgreSQL if needed, starts a fresh cluster and
# exports FOLIO_TEST_POSTGRES (plus FOLIO_PG_DIR, FOLIO_PG_PORT and
# FOLIO_PG_BIN for postgres_stop). It returns non-zero on failure.
postgres_start() {
	local bin dir port tries
	bin=$(_folio_pg_bindir)

	# Reuse a server this shell already started, if it still answers.
	if [ -n "${FOLIO_PG_DIR:-}" ] && [ -n "${FOLIO_TEST_POSTGRES:-}" ] && [ -n "$bin" ] &&
		[ -d "${FOLIO_PG_DIR}/data" ] &&
		"$bin/pg_isready" -q -h 127.0.0.1 -p "${FOLIO_PG_PORT}" -d folio_test -U folio; then
		_folio_pg_log "reusing the server on port ${FOLIO_PG_PORT}"
		return 0
	fi

	if [ -z "$bin" ]; then
		if [ "$(id -u)" -ne 0 ]; then
			_folio_pg_log "PostgreSQL is not installed and installing it needs root"
			return 1
		fi
		_folio_pg_log "installing PostgreSQL"
		# policy-rc.d exit status 101 keeps the package from starting the
		# system's own cluster service.
		local policy=/usr/sbin/policy-rc.d made_policy=""
		if [ ! -e "$policy" ]; then
			printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && made_policy=1
		fi
		DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null
		local rc=$?
		[ -n "$made_policy" ] && rm -f "$policy"
		if [ "$rc" -ne 0 ]; then
			_folio_pg_log "apt-get install postgresql failed"
			return 1
		fi
		bin=$(_folio_pg_bindir)
		if [ -z "$bin" ]; then
			_folio_pg_log "pg_ctl not found under /usr/lib/postgresql/*/bin after install"
			return 1
		fi
	fi

	_folio_pg_user="${FOLIO_PG_USER:-nobody}"
	dir=$(mktemp -d "${TMPDIR:-/tmp}/folio-pg.XXXXXX") || return 1
	chmod 755 "$dir"
	if [ "$(id -u)" -eq 0 ]; then
		chown "$_folio_pg_user" "$dir" || return 1
	fi

	if ! _folio_pg_as "$bin/initdb" -D "$dir/data" -U folio --auth=trust \
		--encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
		# Older systems may lack C.UTF-8.
		rm -rf "$dir/data"
		if ! _folio_pg_as "$bin/initdb" -D "$dir/data" -U folio --auth=trust \
			--encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1; then
			_folio_pg_log "initdb failed:"; cat "$dir/initdb.log" >&2
			rm -rf "$dir"
			return 1
		fi
	fi

	port="${FOLIO_PG_PORT:-54329}"
	for tries in $(seq 1 50); do
		if ! _folio_pg_port_busy "$port"; then
			# Speed settings: nothing here must survive a crash.
			if _folio_pg_as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
				-o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=128MB" \
				start >/dev/null; then
				break
			fi
			_folio_pg_log "could not start on port $port; trying the next"
		fi
		port=$((port + 1))
		if [ "$tries" -eq 50 ]; then
			_folio_pg_log "no free port found; server log:"; tail -n 20 "$dir/server.log" >&2
			rm -rf "$dir"
			return 1
		fi
	done

	if ! "$bin/createdb" -h 127.0.0.1 -p "$port" -U folio folio_test; then
		_folio_pg_log "createdb folio_test failed"
		_folio_pg_as "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
		rm -rf "$dir"
		return 1
	fi

	export FOLIO_PG_BIN="$bin" FOLIO_PG_DIR="$dir" FOLIO_PG_PORT="$port"
	export FOLIO_TEST_POSTGRES="postgres://folio@127.0.0.1:${port}/folio_test?sslmode=disable"
	_folio_pg_log "PostgreSQL $("$bin/pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$port (data in $dir)"
	return 0
}

# postgres_stop stops the server postgres_start started and removes its
# directory. Calling it again, or without a server, does nothing.
postgres_stop() {
	local dir="${FOLIO_PG_DIR:-}" bin="${FOLIO_PG_BIN:-}"
	[ -n "$dir" ] || return 0
	[ -n "$bin" ] || bin=$(_folio_pg_bindir)
	_folio_pg_user="${FOLIO_PG_USER:-nobody}"
	if [ -d "$dir/data" ]; then
		_folio_pg_as "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 ||
			_folio_pg_as "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	case "$dir" in
	"${TMPDIR:-/tmp}"/folio-pg.*) rm -rf "$dir" ;;
	esac
	unset FOLIO_PG_DIR FOLIO_PG_PORT FOLIO_PG_BIN FOLIO_TEST_POSTGRES
	return 0
}

# _folio_pg_on_exit is the EXIT trap a sourced script installs: it stops the
# server, then runs whatever EXIT trap was set before.
_folio_pg_on_exit() {
	postgres_stop
	if [ -n "${_folio_pg_prev_trap:-}" ]; then
		eval "$_folio_pg_prev_trap"
	fi
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
	# Sourced: start, and stop on exit unless the caller manages that.
	if postgres_start; then
		if [ "${FOLIO_PG_NO_TRAP:-}" != 1 ]; then
			_folio_pg_trap_now=$(trap -p EXIT)
			case "$_folio_pg_trap_now" in
			*_folio_pg_on_exit*) ;; # installed by an earlier source
			"") trap _folio_pg_on_exit EXIT ;;
			*)
				# Keep the caller's trap: run it after stopping the server.
				eval "set -- $_folio_pg_trap_now"
				_folio_pg_prev_trap="$3"
				trap _folio_pg_on_exit EXIT
				;;
			esac
		fi
	else
		return 1
	fi
else
	# Run as a command.
	set -u
	case "${1:-start}" in
	start)
		if [ -f "$_folio_pg_state" ]; then
			# shellcheck disable=SC1090
			. "$_folio_pg_state"
		fi
		postgres_start >&2 || exit 1
		printf 'export FOLIO_PG_BIN=%q FOLIO_PG_DIR=%q FOLIO_PG_PORT=%q\n' \
			"$FOLIO_PG_BIN" "$FOLIO_PG_DIR" "$FOLIO_PG_PORT" | tee "$_folio_pg_state"
		printf 'export FOLIO_TEST_POSTGRES=%q\n' "$FOLIO_TEST_POSTGRES" | tee -a "$_folio_pg_state"
		;;
	stop)
		if [ -f "$_folio_pg_state" ]; then
			# shellcheck disable=SC1090
			. "$_folio_pg_state"
			postgres_stop
			rm -f "$_folio_pg_state"
		fi
		;;
	*)
		echo "usage: $0 [start|stop]" >&2
		exit 2
		;;
	esac
fi
