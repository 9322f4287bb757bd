#!/usr/bin/env bash
# erp-backup: dumps an app's database to its backup vault, restores it, and
# proves that a restore works (the drill). The same file runs on every runtime:
# on a droplet and on a local Docker engine from the release's files, on
# Kubernetes from a ConfigMap, and in the project's end-to-end test against real
# PostgreSQL, MariaDB and S3-compatible servers.
#
# A run is a sequence of stages. A "db" stage needs the database client
# (pg_dump/psql or mysqldump/mysql); a "store" stage needs the AWS CLI (and curl
# for the heartbeat). Runtimes run each stage in its own container, from a
# pinned image that brings the tool (the engine's own image, amazon/aws-cli),
# sharing the scratch directory $BACKUP_SCRATCH; a host with both tools runs a
# whole sequence at once:
#
#   backup            = dump (db), upload (store)
#   restore [options] = fetch (store), safety-dump (db), keep-safety (store), load (db), report (store)
#   drill             = fetch (store), drill-load (db), report (store)
#
# A stage that fails writes the reason to $BACKUP_SCRATCH/failed; the stages
# after it skip their work, and the last one (upload or report) pings the
# failure heartbeat and exits 1. With BACKUP_STAGED=1 (one container per stage)
# every stage but the last exits 0, so that the last one always runs and reports.
#
#   restore options: --from daily|weekly|monthly|safety (default daily)
#                    --at YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (the newest dump at or before; default: the newest)
#                    --key KEY (one object, relative to the bucket)
#                    Also as variables: RESTORE_FROM, RESTORE_AT, RESTORE_KEY.
#
# Environment:
#   DB_ENGINE             postgres | mysql
#   DB_HOST DB_PORT DB_USER DB_NAME, and PGPASSWORD (postgres) or MYSQL_PWD (mysql)
#   PGSSLMODE PGSSLROOTCERT  libpq's own TLS settings (postgres)
#   DB_REQUIRE_TLS=1, DB_SSL_CA=<file>  TLS to MySQL, verified against the CA file when given
#   BACKUP_NAME           file name prefix of the dumps (the job's name)
#   BACKUP_BUCKET BACKUP_ENDPOINT AWS_DEFAULT_REGION AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
#   BACKUP_DAILY_PREFIX BACKUP_WEEKLY_PREFIX BACKUP_MONTHLY_PREFIX BACKUP_SAFETY_PREFIX
#                         folders in the bucket; an empty weekly or monthly prefix turns that tier off
#   BACKUP_UPLOAD_ARGS    extra `aws s3 cp` arguments (server-side encryption), separated by spaces
#   BACKUP_TIME_ZONE      IANA zone in which weeks and months begin (default UTC)
#   BACKUP_MAX_AGE_SECONDS  the longest gap between two runs the schedule allows; an older newest dump is reported
#   BACKUP_HEARTBEAT_URL  pinged (POST, the summary as body) after a successful run
#   BACKUP_HEARTBEAT_FAIL_URL  pinged after a failed run (default: $BACKUP_HEARTBEAT_URL/fail)
#   BACKUP_SCRATCH        working directory, shared by the stages (default /tmp/erp-backup)
#   BACKUP_DRILL_DATABASE the scratch database of the drill (default <DB_NAME>_restore_drill)
#   BACKUP_NOW            epoch seconds to use as "now" (tests)
#
# Also: `erp-backup.sh keys` reads epoch seconds, one per line, and prints for
# each `<epoch> <day> <week> <month>`: the keys the upload stage files a dump under
# (the day is the dump's UTC date; week and month are read in BACKUP_TIME_ZONE).
set -Eeuo pipefail
umask 077

SCRATCH=${BACKUP_SCRATCH:-/tmp/erp-backup}
NAME=${BACKUP_NAME:-backup}
STAGED=${BACKUP_STAGED:-0}
FAILED_FILE=$SCRATCH/failed
STAGE=""

log() { echo "erp-backup[$NAME${STAGE:+ $STAGE}]: $*" >&2; }

now() { echo "${BACKUP_NOW:-$(date -u +%s)}"; }

# --- keys: where a dump is filed -------------------------------------------

# stamp EPOCH: the UTC time stamp in a daily dump's name
stamp_of() { date -u -d "@$1" +%Y%m%dT%H%M%SZ; }

# period_keys EPOCH: "<UTC day> <ISO week> <month>", week and month in BACKUP_TIME_ZONE
period_keys() {
  local zone=${BACKUP_TIME_ZONE:-UTC}
  if [ "$zone" != UTC ] && [ "$zone" != Etc/UTC ] && [ ! -f "/usr/share/zoneinfo/$zone" ]; then
    log "this image has no time zone database entry for $zone: weeks and months are read in UTC"
    zone=UTC
  fi
  printf '%s %s %s\n' "$(date -u -d "@$1" +%Y-%m-%d)" "$(TZ=$zone date -d "@$1" +%G-W%V)" "$(TZ=$zone date -d "@$1" +%Y-%m)"
}

cmd_keys() {
  local epoch
  while read -r epoch || [ -n "$epoch" ]; do
    [ -n "$epoch" ] || continue
    printf '%s %s\n' "$epoch" "$(period_keys "$epoch")"
  done
}

# --- failure bookkeeping ----------------------------------------------------

# fail MESSAGE: records the reason of the run's failure and leaves the stage
# (the last stage of a run also pings the failure heartbeat)
fail() {
  mkdir -p "$SCRATCH"
  [ -s "$FAILED_FILE" ] || printf '%s\n' "$*" > "$FAILED_FILE"
  log "FAILED: $*"
  if [ "${FINAL:-0}" = 1 ]; then
    trap - ERR
    finish ""
  fi
  exit 1
}

on_error() {
  local code=$? line=$1
  trap - ERR
  fail "${STAGE:-run} stopped at line $line (exit $code)"
}
trap 'on_error $LINENO' ERR

# skip_if_failed: a stage after a failed one does nothing
skip_if_failed() {
  if [ -s "$FAILED_FILE" ]; then
    log "skipped: an earlier stage failed ($(head -n 1 "$FAILED_FILE"))"
    exit 0
  fi
}

# ping URL BODY: best effort, never fails the run
ping_url() {
  local url=$1 body=$2
  [ -n "$url" ] || return 0
  if command -v curl >/dev/null; then
    curl -fsS -m 10 --retry 3 --retry-delay 2 -o /dev/null --data-raw "$body" "$url" || log "could not ping $url"
  elif command -v wget >/dev/null; then
    wget -q -T 10 -O /dev/null --post-data "$body" "$url" || log "could not ping $url"
  else
    log "cannot ping $url: this image has neither curl nor wget"
  fi
}

# finish SUMMARY: the last stage reports the outcome of the whole run, and clears the scratch
# directory for the next (the reason of a failure stays until the next run's first stage)
finish() {
  rm -f "$SCRATCH"/*.sql.gz "$SCRATCH"/*.part "$SCRATCH/dump.env" "$SCRATCH/restore.env" "$SCRATCH/tables.txt" "$SCRATCH/request.env"
  local fail_url=${BACKUP_HEARTBEAT_FAIL_URL:-}
  if [ -z "$fail_url" ] && [ -n "${BACKUP_HEARTBEAT_URL:-}" ]; then fail_url="${BACKUP_HEARTBEAT_URL%/}/fail"; fi
  if [ -s "$FAILED_FILE" ]; then
    local reason
    reason=$(cat "$FAILED_FILE")
    ping_url "$fail_url" "$NAME: $reason"
    log "run failed: $reason"
    exit 1
  fi
  ping_url "${BACKUP_HEARTBEAT_URL:-}" "$NAME: $1"
  log "$1"
}

# --- the store --------------------------------------------------------------

# prefix_of VALUE: the folder with exactly one trailing slash, or nothing
prefix_of() { local p=$1; while [ "${p%/}" != "$p" ]; do p=${p%/}; done; [ -n "$p" ] && printf '%s/' "$p" || true; }

aws_s3() { aws --endpoint-url "$BACKUP_ENDPOINT" "$@"; }

# put FILE KEY SHA: uploads a dump with its checksum as metadata, and the vault's encryption
# arguments (words without spaces or glob characters, split here: no array, which bash 4.2, the
# AWS CLI image's, cannot expand empty under set -u)
put() {
  # shellcheck disable=SC2086
  aws_s3 s3 cp "$1" "s3://$BACKUP_BUCKET/$2" --only-show-errors --metadata "sha256=$3" ${BACKUP_UPLOAD_ARGS:-}
}

# newest PREFIX [BEFORE]: "<key>\t<last modified>" of the newest object under PREFIX (modified at or
# before BEFORE, ISO 8601 UTC); bash and coreutils only (the AWS CLI's image has no awk)
newest() {
  local listing key t best_key="" best_t=""
  listing=$(aws_s3 s3api list-objects-v2 --bucket "$BACKUP_BUCKET" --prefix "$1" --query 'Contents[].[Key,LastModified]' --output text) || return 1
  while IFS=$'\t' read -r key t; do
    [ -n "$key" ] && [ "$key" != None ] && [ -n "$t" ] || continue
    # 2026-12-06T02:00:05+00:00 or 2026-12-06T02:00:05.000Z -> 2026-12-06T02:00:05Z
    t=${t%+00:00}; t=${t%Z}; t="${t%%.*}Z"
    if [ -n "${2:-}" ] && [[ "$t" > "$2" ]]; then continue; fi
    if [ -z "$best_t" ] || [[ "$t" > "$best_t" ]] || { [ "$t" = "$best_t" ] && [[ "$key" > "$best_key" ]]; }; then
      best_key=$key best_t=$t
    fi
  done <<< "$listing"
  [ -z "$best_key" ] || printf '%s\t%s\n' "$best_key" "$best_t"
}

# count PREFIX: how many objects' keys start with PREFIX (fails when the bucket cannot be listed)
count() {
  aws_s3 s3api list-objects-v2 --bucket "$BACKUP_BUCKET" --prefix "$1" --query 'length(Contents || `[]`)' --output text
}

age_seconds() { echo $(( $(now) - $(date -u -d "$1" +%s) )); }

# --- the database -----------------------------------------------------------

mysql_client() { command -v mysql >/dev/null && echo mysql || echo mariadb; }
mysql_dump_tool() { command -v mysqldump >/dev/null && echo mysqldump || echo mariadb-dump; }

# mysql_tls: the TLS flags of the client at hand (MariaDB's and Oracle's differ)
mysql_tls() {
  [ "${DB_REQUIRE_TLS:-0}" = 1 ] || return 0
  if "$(mysql_dump_tool)" --version | grep -q MariaDB; then
    if [ -n "${DB_SSL_CA:-}" ]; then printf '%s\n' --ssl "--ssl-ca=$DB_SSL_CA" --ssl-verify-server-cert; else printf '%s\n' --ssl; fi
  else
    if [ -n "${DB_SSL_CA:-}" ]; then printf '%s\n' --ssl-mode=VERIFY_CA "--ssl-ca=$DB_SSL_CA"; else printf '%s\n' --ssl-mode=REQUIRED; fi
  fi
}

mysql_args() {
  local tls=()
  mapfile -t tls < <(mysql_tls)
  printf '%s\n' "--host=$DB_HOST" "--port=$DB_PORT" "--user=$DB_USER" "${tls[@]}"
}

# dump_to DATABASE FILE: a gzipped plain-SQL dump that restores over an existing database
dump_to() {
  local db=$1 out=$2
  case "$DB_ENGINE" in
    postgres)
      pg_dump --host="$DB_HOST" --port="$DB_PORT" --username="$DB_USER" --no-password \
        --no-owner --no-privileges --clean --if-exists --dbname="$db" | gzip -6 > "$out.part" || return 1 ;;
    mysql)
      local args=() extra=()
      mapfile -t args < <(mysql_args) || return 1
      # Oracle's mysqldump writes GTID statements that a managed server refuses on restore
      "$(mysql_dump_tool)" --version | grep -q MariaDB || extra=(--set-gtid-purged=OFF)
      "$(mysql_dump_tool)" "${args[@]}" "${extra[@]}" --single-transaction --quick --routines --triggers --events \
        --no-tablespaces --add-drop-table "$db" | gzip -6 > "$out.part" || return 1 ;;
    *) fail "DB_ENGINE is \"${DB_ENGINE:-}\"; expected postgres or mysql" ;;
  esac
  gzip -t "$out.part" && mv "$out.part" "$out"
}

# sql DATABASE: runs SQL from stdin; PostgreSQL in one transaction (an error leaves the database as it was)
sql_into() {
  local db=$1
  case "$DB_ENGINE" in
    postgres)
      psql --host="$DB_HOST" --port="$DB_PORT" --username="$DB_USER" --no-password --dbname="$db" \
        -X -q -v ON_ERROR_STOP=1 --single-transaction -o /dev/null ;;
    mysql)
      local args=()
      mapfile -t args < <(mysql_args)
      "$(mysql_client)" "${args[@]}" --batch "$db" ;;
  esac
}

# query DATABASE SQL: one query, rows on stdout (tab-separated, no header)
query() {
  case "$DB_ENGINE" in
    postgres)
      psql --host="$DB_HOST" --port="$DB_PORT" --username="$DB_USER" --no-password --dbname="$1" \
        -X -q -A -t -F "$(printf '\t')" -v ON_ERROR_STOP=1 -c "$2" ;;
    mysql)
      local args=()
      mapfile -t args < <(mysql_args)
      "$(mysql_client)" "${args[@]}" --batch --skip-column-names "$1" -e "$2" ;;
  esac
}

# table_report DATABASE: "<table>\t<rows>" for every table of the app
table_report() {
  local tables t
  case "$DB_ENGINE" in
    postgres) tables=$(query "$1" "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1") ;;
    mysql) tables=$(query "$1" "SELECT CONCAT('\`', table_name, '\`') FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema = DATABASE() ORDER BY 1") ;;
  esac
  local n
  for t in $tables; do
    n=$(query "$1" "SELECT count(*) FROM $t") || return 1
    printf '%s\t%s\n' "$t" "$n"
  done
}

# tables_in_dump FILE: how many tables the dump creates
tables_in_dump() { gzip -dc "$1" | grep -c -E '^CREATE TABLE ' || true; }

# load_into DATABASE FILE: restores a dump, then checks that its tables are there
load_into() {
  local db=$1 file=$2 expected found
  gzip -t "$file" 2>/dev/null || fail "$(basename "$file") is not a complete gzip file: the dump is corrupt; nothing was changed"
  gzip -dc "$file" | sql_into "$db" || fail "the dump did not load into $db"
  expected=$(tables_in_dump "$file")
  table_report "$db" > "$SCRATCH/tables.txt" || fail "cannot count the rows of $db after the restore"
  found=$(wc -l < "$SCRATCH/tables.txt")
  if [ "$found" -lt "$expected" ]; then
    fail "restored $found tables into $db; the dump creates $expected"
  fi
  log "restored into $db: $found tables"
  sed 's/^/  /' "$SCRATCH/tables.txt" >&2
}

# --- stages -----------------------------------------------------------------

stage_dump() {
  STAGE=dump
  mkdir -p "$SCRATCH"
  rm -f "$SCRATCH"/*.sql.gz "$SCRATCH"/*.part "$FAILED_FILE" "$SCRATCH/dump.env"
  local t file
  t=$(now)
  file="$SCRATCH/$NAME-$(stamp_of "$t").sql.gz"
  dump_to "$DB_NAME" "$file" || fail "could not dump $DB_NAME on $DB_HOST:$DB_PORT"
  printf 'DUMP_FILE=%q\nDUMP_EPOCH=%q\nDUMP_SHA256=%q\n' "$file" "$t" "$(sha256sum "$file" | cut -d ' ' -f 1)" > "$SCRATCH/dump.env"
  log "dumped $DB_NAME: $(du -h "$file" | cut -f 1)"
}

stage_upload() {
  STAGE=upload FINAL=1
  local daily weekly monthly file epoch sha base keys day week month previous summary
  if [ ! -s "$FAILED_FILE" ]; then
    # shellcheck disable=SC1091
    . "$SCRATCH/dump.env"
    file=$DUMP_FILE epoch=$DUMP_EPOCH sha=$DUMP_SHA256
    daily=$(prefix_of "$BACKUP_DAILY_PREFIX")
    weekly=$(prefix_of "${BACKUP_WEEKLY_PREFIX:-}")
    monthly=$(prefix_of "${BACKUP_MONTHLY_PREFIX:-}")
    read -r day week month <<< "$(period_keys "$epoch")"
    # a missed run shows as a gap before this dump
    previous=$(newest "$daily$NAME-") || fail "cannot list s3://$BACKUP_BUCKET/$daily at $BACKUP_ENDPOINT"
    if [ -n "$previous" ] && [ -n "${BACKUP_MAX_AGE_SECONDS:-}" ]; then
      local age
      age=$(( epoch - $(date -u -d "$(cut -f 2 <<< "$previous")" +%s) ))
      if [ "$age" -gt "$BACKUP_MAX_AGE_SECONDS" ]; then
        log "WARNING: the previous dump ($(cut -f 1 <<< "$previous")) is $(( age / 3600 )) h older than this one; the schedule allows $(( BACKUP_MAX_AGE_SECONDS / 3600 )) h: runs were missed"
      fi
    fi
    base=$(basename "$file")
    put "$file" "$daily$base" "$sha" || fail "could not upload $base to s3://$BACKUP_BUCKET/$daily"
    keys="$daily$base"
    local have
    have=$([ -z "$weekly" ] || count "$weekly$NAME-$week.") || fail "cannot list s3://$BACKUP_BUCKET/$weekly"
    if [ -n "$weekly" ] && [ "$have" = 0 ]; then
      put "$file" "$weekly$NAME-$week.sql.gz" "$sha" || fail "could not upload the weekly copy"
      keys="$keys $weekly$NAME-$week.sql.gz"
    fi
    have=$([ -z "$monthly" ] || count "$monthly$NAME-$month.") || fail "cannot list s3://$BACKUP_BUCKET/$monthly"
    if [ -n "$monthly" ] && [ "$have" = 0 ]; then
      put "$file" "$monthly$NAME-$month.sql.gz" "$sha" || fail "could not upload the monthly copy"
      keys="$keys $monthly$NAME-$month.sql.gz"
    fi
    # the check: the newest daily dump in the bucket is this one, and young enough
    local newest_now
    newest_now=$(newest "$daily$NAME-") || fail "cannot list s3://$BACKUP_BUCKET/$daily after the upload"
    [ "$(cut -f 1 <<< "$newest_now")" = "$daily$base" ] || fail "the newest daily dump is $(cut -f 1 <<< "$newest_now"), not $daily$base"
    if [ -n "${BACKUP_MAX_AGE_SECONDS:-}" ] && [ "$(age_seconds "$(cut -f 2 <<< "$newest_now")")" -gt "$BACKUP_MAX_AGE_SECONDS" ]; then
      fail "the newest daily dump is older than the schedule allows"
    fi
    rm -f "$file"
    summary="uploaded $keys ($day)"
  fi
  finish "${summary:-}"
}

# the dump a restore or drill uses: --key, or the newest under --from at or before --at
stage_fetch() {
  STAGE=fetch
  mkdir -p "$SCRATCH"
  rm -f "$SCRATCH"/*.sql.gz "$SCRATCH"/*.part "$FAILED_FILE" "$SCRATCH/restore.env"
  # a request left in the scratch directory by a runner that cannot pass variables (a local Docker engine)
  if [ -f "$SCRATCH/request.env" ]; then
    local line
    while read -r line; do
      case $line in
        RESTORE_FROM=*) RESTORE_FROM=${line#*=} ;;
        RESTORE_AT=*) RESTORE_AT=${line#*=} ;;
        RESTORE_KEY=*) RESTORE_KEY=${line#*=} ;;
      esac
    done < "$SCRATCH/request.env"
  fi
  local from=${RESTORE_FROM:-daily} at=${RESTORE_AT:-} key=${RESTORE_KEY:-} prefix before found storage restore sha actual ready
  case "$from" in
    daily) prefix=$(prefix_of "$BACKUP_DAILY_PREFIX") ;;
    weekly) prefix=$(prefix_of "${BACKUP_WEEKLY_PREFIX:-}") ;;
    monthly) prefix=$(prefix_of "${BACKUP_MONTHLY_PREFIX:-}") ;;
    safety) prefix=$(prefix_of "${BACKUP_SAFETY_PREFIX:-}") ;;
    *) fail "--from is \"$from\"; expected daily, weekly, monthly or safety" ;;
  esac
  [ -n "$prefix" ] || fail "the vault keeps no $from dumps"
  if [ -z "$key" ]; then
    case "$at" in
      '') before="" ;;
      [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]) before="${at}T23:59:59Z" ;;
      [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z) before=$at ;;
      *) fail "--at is \"$at\"; expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ" ;;
    esac
    found=$(newest "$prefix$NAME-" "$before") || fail "cannot list s3://$BACKUP_BUCKET/$prefix at $BACKUP_ENDPOINT"
    [ -n "$found" ] || fail "no dump under s3://$BACKUP_BUCKET/$prefix$NAME-${at:+ at or before $at}"
    key=$(cut -f 1 <<< "$found")
  fi
  local meta
  meta=$(aws_s3 s3api head-object --bucket "$BACKUP_BUCKET" --key "$key" --query '[StorageClass, Restore, Metadata.sha256]' --output text) \
    || fail "cannot read s3://$BACKUP_BUCKET/$key"
  # tab-separated: the Restore header has spaces
  IFS=$'\t' read -r storage restore sha <<< "$meta"
  case "$storage" in
    GLACIER|DEEP_ARCHIVE)
      case "$restore" in
        *'ongoing-request="false"'*) ;;
        *'ongoing-request="true"'*)
          fail "$key is in $storage and its retrieval is still in progress: run the restore again when it is done ($restore)" ;;
        *)
          aws_s3 s3api restore-object --bucket "$BACKUP_BUCKET" --key "$key" \
            --restore-request '{"Days":7,"GlacierJobParameters":{"Tier":"Standard"}}' \
            || fail "$key is in $storage and the retrieval request failed"
          if [ "$storage" = GLACIER ]; then ready="3 to 5 hours"; else ready="within 12 hours"; fi
          fail "$key is in $storage: a retrieval was requested (Standard tier, ready in $ready, kept 7 days); run the restore again then" ;;
      esac ;;
  esac
  aws_s3 s3 cp "s3://$BACKUP_BUCKET/$key" "$SCRATCH/restore.sql.gz.part" --only-show-errors || fail "cannot download s3://$BACKUP_BUCKET/$key"
  if command -v gzip >/dev/null; then
    gzip -t "$SCRATCH/restore.sql.gz.part" 2>/dev/null || fail "$key is not a complete gzip file: the dump is corrupt; nothing was changed"
  fi
  if [ -n "$sha" ] && [ "$sha" != None ]; then
    actual=$(sha256sum "$SCRATCH/restore.sql.gz.part" | cut -d ' ' -f 1)
    [ "$actual" = "$sha" ] || fail "$key does not match the checksum it was uploaded with: the dump is corrupt; nothing was changed"
  fi
  mv "$SCRATCH/restore.sql.gz.part" "$SCRATCH/restore.sql.gz"
  printf 'RESTORE_KEY=%q\n' "$key" > "$SCRATCH/restore.env"
  log "fetched $key"
}

stage_safety_dump() {
  STAGE=safety-dump
  skip_if_failed
  local file
  file="$SCRATCH/$NAME-safety-$(stamp_of "$(now)").sql.gz"
  dump_to "$DB_NAME" "$file" || fail "could not take the safety dump of $DB_NAME on $DB_HOST:$DB_PORT; nothing was changed"
  printf 'SAFETY_FILE=%q\nSAFETY_SHA256=%q\n' "$file" "$(sha256sum "$file" | cut -d ' ' -f 1)" >> "$SCRATCH/restore.env"
  log "safety dump of $DB_NAME taken: $(basename "$file")"
}

stage_keep_safety() {
  STAGE=keep-safety
  skip_if_failed
  # shellcheck disable=SC1091
  . "$SCRATCH/restore.env"
  local safety
  safety=$(prefix_of "${BACKUP_SAFETY_PREFIX:-}")
  [ -n "$safety" ] || fail "BACKUP_SAFETY_PREFIX is not set"
  put "$SAFETY_FILE" "$safety$(basename "$SAFETY_FILE")" "$SAFETY_SHA256" \
    || fail "could not upload the safety dump to s3://$BACKUP_BUCKET/$safety; nothing was changed"
  printf 'SAFETY_KEY=%q\n' "$safety$(basename "$SAFETY_FILE")" >> "$SCRATCH/restore.env"
  log "safety dump kept at s3://$BACKUP_BUCKET/$safety$(basename "$SAFETY_FILE")"
}

stage_load() {
  STAGE=load
  skip_if_failed
  # shellcheck disable=SC1091
  . "$SCRATCH/restore.env"
  if ( load_into "$DB_NAME" "$SCRATCH/restore.sql.gz" ); then
    printf 'RESTORED=%q\n' "$DB_NAME" >> "$SCRATCH/restore.env"
    return 0
  fi
  if [ "$DB_ENGINE" = postgres ]; then
    fail "restoring $RESTORE_KEY into $DB_NAME failed; the restore ran in one transaction, so $DB_NAME is as it was (safety dump: ${SAFETY_KEY:-$SAFETY_FILE})"
  fi
  # MySQL commits each table as it goes: put the database back from the safety dump
  rm -f "$FAILED_FILE"
  if ( load_into "$DB_NAME" "$SAFETY_FILE" ); then
    fail "restoring $RESTORE_KEY into $DB_NAME failed; $DB_NAME was put back from the safety dump ${SAFETY_KEY:-$SAFETY_FILE}"
  fi
  rm -f "$FAILED_FILE"
  fail "restoring $RESTORE_KEY into $DB_NAME failed, and so did putting back the safety dump: restore ${SAFETY_KEY:-$SAFETY_FILE} by hand (erp-backup.sh restore --key ${SAFETY_KEY:-})"
}

stage_drill_load() {
  STAGE=drill-load
  skip_if_failed
  # shellcheck disable=SC1091
  . "$SCRATCH/restore.env"
  local scratch=${BACKUP_DRILL_DATABASE:-${DB_NAME}_restore_drill}
  case "$DB_ENGINE" in
    postgres)
      query "$DB_NAME" "DROP DATABASE IF EXISTS \"$scratch\"" >/dev/null || fail "cannot drop the drill database $scratch"
      query "$DB_NAME" "CREATE DATABASE \"$scratch\"" >/dev/null || fail "cannot create the drill database $scratch (the user needs CREATEDB)" ;;
    mysql)
      query "$DB_NAME" "DROP DATABASE IF EXISTS \`$scratch\`; CREATE DATABASE \`$scratch\`" \
        || fail "cannot create the drill database $scratch (the user needs CREATE and DROP on it)" ;;
  esac
  local ok=1
  ( load_into "$scratch" "$SCRATCH/restore.sql.gz" ) || ok=0
  case "$DB_ENGINE" in
    postgres) query "$DB_NAME" "DROP DATABASE IF EXISTS \"$scratch\"" >/dev/null || log "could not drop the drill database $scratch" ;;
    mysql) query "$DB_NAME" "DROP DATABASE IF EXISTS \`$scratch\`" || log "could not drop the drill database $scratch" ;;
  esac
  [ "$ok" = 1 ] || fail "the drill could not restore $RESTORE_KEY ($(head -n 1 "$FAILED_FILE" 2>/dev/null))"
  printf 'RESTORED=%q\n' "$scratch (dropped)" >> "$SCRATCH/restore.env"
}

stage_report() {
  STAGE=report FINAL=1
  local summary=""
  if [ ! -s "$FAILED_FILE" ]; then
    # shellcheck disable=SC1091
    . "$SCRATCH/restore.env"
    summary="restored $RESTORE_KEY into $RESTORED: $(wc -l < "$SCRATCH/tables.txt") tables${SAFETY_KEY:+; safety dump $SAFETY_KEY}"
    rm -f "$SCRATCH/restore.sql.gz"
  fi
  finish "$summary"
}

# run STAGE...: a whole sequence on one host, each stage in a process of its own
# (as in its own container); the last stage's status is the run's
run_all() {
  local s status=0
  for s in "$@"; do
    BACKUP_STAGED=1 "$BASH" "${BASH_SOURCE[0]}" "$s" || status=$?
  done
  return "$status"
}

parse_restore_options() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --from) RESTORE_FROM=$2; shift 2 ;;
      --at) RESTORE_AT=$2; shift 2 ;;
      --key) RESTORE_KEY=$2; shift 2 ;;
      *) echo "erp-backup: unknown option $1 (use --from, --at, --key)" >&2; exit 2 ;;
    esac
  done
  export RESTORE_FROM RESTORE_AT RESTORE_KEY
}

# a stage run alone: in staged mode every stage but the last exits 0
run_stage() {
  local s=$1 last=$2 status=0
  "$BASH" "${BASH_SOURCE[0]}" "__$s" || status=$?
  if [ "$STAGED" = 1 ] && [ "$last" = 0 ]; then return 0; fi
  return "$status"
}

main() {
  local command=${1:-}
  [ $# -gt 0 ] && shift
  case "$command" in
    keys) cmd_keys ;;
    backup) run_all dump upload || exit $? ;;
    restore) parse_restore_options "$@"; run_all fetch safety-dump keep-safety load report || exit $? ;;
    drill) run_all fetch drill-load report || exit $? ;;
    dump) run_stage dump 0 ;;
    upload) run_stage upload 1 ;;
    fetch) parse_restore_options "$@"; run_stage fetch 0 ;;
    safety-dump) run_stage safety_dump 0 ;;
    keep-safety) run_stage keep_safety 0 ;;
    load) run_stage load 0 ;;
    drill-load) run_stage drill_load 0 ;;
    report) run_stage report 1 ;;
    __dump|__upload|__fetch|__safety_dump|__keep_safety|__load|__drill_load|__report) "stage_${command#__}" ;;
    *) echo "usage: erp-backup.sh backup | restore [--from daily|weekly|monthly|safety] [--at DATE] [--key KEY] | drill | keys | <stage>" >&2; exit 2 ;;
  esac
}

main "$@"
