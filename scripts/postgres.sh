#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:5432 and export PG_TEST_URL for the suite.
# On the project's machines it runs with trust auth; on a fresh Debian 12 machine it is installed,
# started, and given a password for the postgres role so that TCP connections work.
set -euo pipefail

PG_TEST_URL="${PG_TEST_URL:-postgres://postgres@127.0.0.1:5432/test}"

pg_start() {
    local version
    for version in $(ls /etc/postgresql 2>/dev/null); do
        pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
    done
}

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "Installing PostgreSQL"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    echo "Starting PostgreSQL"
    pg_start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
if ! psql "${PG_TEST_URL%/*}/postgres" -Atc "select 1" >/dev/null 2>&1; then
    # Not trust auth: give the postgres role a local password (only when nothing else works).
    su postgres -c "psql -qc \"ALTER ROLE postgres PASSWORD 'postgres'\"" >/dev/null
    PG_TEST_URL="postgres://postgres:postgres@127.0.0.1:5432/test"
fi
psql "${PG_TEST_URL%/*}/postgres" -Atc "select 1 from pg_database where datname='test'" | grep -q 1 \
    || psql "${PG_TEST_URL%/*}/postgres" -qc "create database test"
export PG_TEST_URL
