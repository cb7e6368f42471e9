#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, in a folder of its own, reached on loopback only.
#
#   tests/postgres.sh start DIR   initialises a cluster in DIR (created if missing), starts it on a free port and prints
#                                 the Npgsql connection string of its superuser "postgres" (trust: no password)
#   tests/postgres.sh stop DIR    stops that server at once and removes DIR
#
# tests/run.sh starts one for the whole run and exports the string as POLICYBOT_TEST_POSTGRES; a plain `dotnet test`
# without that variable has the test project call this script itself (tests/.../Support/PostgresServer.cs).
# Debian's server binaries are used (package postgresql; tests/run.sh installs it). initdb and postgres refuse to run
# as root, so as root the cluster belongs to the "postgres" user the package creates.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
dir=$2

# Commands as the cluster's owner: ourselves, or "postgres" when we are root.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "postgres.sh: PostgreSQL's server is not installed (no /usr/lib/postgresql/*/bin/initdb); tests/run.sh installs it (apt-get install postgresql)" >&2
  exit 1
fi

case "$action" in
  start)
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
      id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
      chown postgres "$dir"
    fi

    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2
      exit 1
    }

    # Loopback and a socket in the folder only; nothing here needs to survive a crash, so no syncing to disk.
    cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
EOF

    # A port nobody listens on; another process may take it between the look and the start, so try again then.
    for _ in $(seq 1 20); do
      port=$((20000 + RANDOM % 40000))
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        continue
      fi

      if as_owner "$bin/pg_ctl" -D "$dir/data" -o "-p $port" -l "$dir/server.log" -w -t 60 start >/dev/null 2>&1; then
        echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
        exit 0
      fi

      # Started and failed for some reason other than the port: say why rather than retrying blindly.
      if ! grep -q "could not bind" "$dir/server.log" 2>/dev/null; then
        tail -n 20 "$dir/server.log" >&2 || true
        exit 1
      fi
    done

    echo "postgres.sh: no free port found for PostgreSQL" >&2
    exit 1
    ;;
  stop)
    # Immediate shutdown (SIGQUIT), as `pg_ctl stop -m immediate` sends; done when the server has removed its pid
    # file. pg_ctl waits for the process itself, which lingers as a zombie until whoever adopted it reaps it (seconds,
    # under some init processes), and a test process that is ending has not got seconds.
    if [ -f "$dir/data/postmaster.pid" ]; then
      pid=$(head -n 1 "$dir/data/postmaster.pid")
      if kill -QUIT "$pid" 2>/dev/null; then
        for _ in $(seq 1 500); do
          [ -f "$dir/data/postmaster.pid" ] || break
          sleep 0.02
        done
      fi
    fi

    rm -rf "$dir"
    ;;
  *)
    usage
    ;;
esac
