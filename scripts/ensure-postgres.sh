#!/usr/bin/env bash
# Start the local PostgreSQL cluster when it is stopped, and wait until it accepts connections.
# The storage tests run on PostgreSQL as well as SQLite; a stopped server must fail CI, not skip it.
set -euo pipefail
url_host=${VATS_PG_HOST:-127.0.0.1}
if pg_isready -h "$url_host" -q 2>/dev/null; then exit 0; fi
if command -v pg_ctlcluster >/dev/null; then
  for version in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  done
fi
for _ in $(seq 1 30); do
  pg_isready -h "$url_host" -q && exit 0
  sleep 1
done
echo "PostgreSQL did not start on $url_host: storage tests cannot run" >&2
exit 1
