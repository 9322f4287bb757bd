#!/usr/bin/env bash
# erp-agent: keeps this droplet at the desired release of its app.
#
# Terraform publishes the release in the release store (an S3 bucket) under
# this droplet's own prefix: a manifest plus the files it lists (the compose
# project, one env file per secret group, public files, the cron table, the
# systemd timers of jobs in another time zone than UTC). Every
# 30 seconds the agent reads the manifest; when it names a release this droplet
# does not run, the agent fetches and checks the files, then rolls out:
#
#   1. pull the images of the services that changed;
#   2. run the release command once (migrations); on failure nothing changes;
#   3. roll each changed health-checked service: start the new containers beside
#      the old ones, wait until every new one is healthy, then stop the old;
#      if a new one does not become healthy in time, remove the new ones, put
#      back the services already rolled and keep the previous release running;
#   4. recreate the other changed services (workers, connector, cache), remove
#      the services the release dropped, install the cron table (jobs in UTC)
#      and the systemd timers (jobs in another zone: Ubuntu's cron has no CRON_TZ);
#   5. record the release as current and publish the status.
#
# Nothing connects to the droplet: the agent only reads from the store, with a
# credential that reads this droplet's prefix and writes its status.json.
#
# Usage: erp-agent converge | retry | status | rollback | run <job> [VAR=value...] | exec <service> <command...> | logs <service> [docker logs options]
#   run: a scheduled or on-demand job of the current release, its stages in order
#        (erp-agent run backup-restore RESTORE_AT=2026-12-01)
set -euo pipefail
umask 077

CONF=${ERP_AGENT_CONF:-/etc/erp-agent/agent.env}
# shellcheck disable=SC1090
. "$CONF"
: "${ERP_APP:?ERP_APP is not set in $CONF}"
: "${ERP_STORE_URL:?ERP_STORE_URL is not set in $CONF}"
STATE=${ERP_STATE_DIR:-/var/lib/erp-agent}
CRON_DIR=${ERP_CRON_DIR:-/etc/cron.d}
SYSTEMD_DIR=${ERP_SYSTEMD_DIR:-/etc/systemd/system}
SYSTEMCTL=${ERP_SYSTEMCTL:-systemctl}
DOCKER=${ERP_DOCKER:-docker}
HEALTH_POLL=${ERP_HEALTH_POLL_SECONDS:-2}
RELEASES=$STATE/releases
FAILURE=""

log() { echo "erp-agent: $*" >&2; }

# --- the store -------------------------------------------------------------

curl_store() {
  local args=(-sS --fail-with-body --retry 3 --retry-delay 2 --max-time 120)
  if [ -n "${ERP_STORE_KEY_ID:-}" ]; then
    args+=(--aws-sigv4 "aws:amz:${ERP_STORE_REGION:-us-east-1}:s3" --user "$ERP_STORE_KEY_ID:$ERP_STORE_SECRET"
      -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD')
  fi
  curl "${args[@]}" "$@"
}

# store_get KEY DEST: downloads ERP_STORE_URL/KEY to DEST; fails when it is missing or unreachable.
store_get() {
  if curl_store -o "$2.part" "$ERP_STORE_URL/$1" 2>"$2.err"; then
    mv "$2.part" "$2"
    rm -f "$2.err"
  else
    log "cannot read $1 from the store: $(head -c 300 "$2.err" 2>/dev/null)"
    rm -f "$2.part" "$2.err"
    return 1
  fi
}

# store_put KEY FILE: uploads FILE as ERP_STORE_URL/KEY (best effort).
store_put() {
  curl_store -o /dev/null -X PUT -H 'Content-Type: application/json' -T "$2" "$ERP_STORE_URL/$1" 2>/dev/null ||
    log "cannot publish $1 to the store"
}

# --- the manifest ----------------------------------------------------------
# Lines: "release <id>", "label <text>", "health-timeout <seconds>", "alert <url>",
# "file <path> <sha256>", "service <name> <rolling|recreate> <replicas> <groups|->",
# "release-service <name>", "path <name>", "scratch <job> <uid:gid>", "job <name> <service...>".

manifest_value() { awk -v k="$1" '$1 == k { sub(/^[^ ]+ /, ""); print; exit }' "$2"; }
manifest_files() { awk '$1 == "file" { print $2, $3 }' "$1"; }
manifest_services() { awk '$1 == "service" { print $2, $3, $4, $5 }' "$1"; }
service_field() { awk -v s="$2" -v f="$3" '$1 == "service" && $2 == s { print $f; exit }' "$1"; }

# The text of one service's block in a compose file that the library rendered (two-space indent).
service_block() {
  awk -v s="  $2:" '
    $0 == "services:" { in_services = 1; next }
    in_services && /^[^ ]/ { in_services = 0 }
    in_services && $0 == s { on = 1; print; next }
    on && /^  [^ ]/ { on = 0 }
    on { print }' "$1"
}

# A digest of what a service runs: its compose block and the env files it reads.
service_digest() {
  local dir=$1 name=$2 groups g
  groups=$(service_field "$dir/manifest" "$name" 5)
  {
    service_block "$dir/compose.yaml" "$name"
    if [ -n "$groups" ] && [ "$groups" != "-" ]; then
      for g in ${groups//,/ }; do
        echo "== $g"
        cat "$dir/env/$g.env"
      done
    fi
  } | sha256sum | cut -c1-64
}

# --- status ----------------------------------------------------------------

json_string() { printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' | tr '\n\t' '  ')"; }

# write_status STATE RELEASE DETAIL: records the last rollout, publishes it, alerts on failure.
write_status() {
  local state=$1 release=$2 detail=$3 current label now
  current=$(current_release)
  label=""
  if [ -n "$current" ] && [ -f "$RELEASES/$current/manifest" ]; then label=$(manifest_value label "$RELEASES/$current/manifest"); fi
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  {
    printf '{"app":%s,"host":%s,' "$(json_string "$ERP_APP")" "$(json_string "$(hostname)")"
    printf '"running":%s,"label":%s,' "$(json_string "$current")" "$(json_string "$label")"
    printf '"lastRollout":{"release":%s,"state":%s,"detail":%s,"at":%s}}\n' \
      "$(json_string "$release")" "$(json_string "$state")" "$(json_string "$detail")" "$(json_string "$now")"
  } >"$STATE/status.json.tmp"
  mv "$STATE/status.json.tmp" "$STATE/status.json"
  store_put status.json "$STATE/status.json"
  if [ "$state" = failed ]; then
    log "rollout of $release failed: $detail"
    local alert=""
    if [ -f "$RELEASES/$release/manifest" ]; then alert=$(manifest_value alert "$RELEASES/$release/manifest"); fi
    if [ -n "$alert" ]; then
      curl -sS -o /dev/null --max-time 20 -X POST -H 'Content-Type: application/json' --data-binary @"$STATE/status.json" "$alert" ||
        log "cannot reach the alert URL"
    fi
  fi
}

current_release() { if [ -L "$STATE/current" ]; then basename "$(readlink "$STATE/current")"; fi; }
last_rollout() { if [ -f "$STATE/status.json" ]; then sed -n 's/.*"lastRollout":{"release":"\([^"]*\)","state":"\([^"]*\)".*/\1 \2/p' "$STATE/status.json"; fi; }

# --- docker ----------------------------------------------------------------

# compose DIR ARGS...: docker compose on a release's project; with the release's registry credentials when it has some.
compose() {
  local dir=$1
  shift
  if [ -f "$dir/docker/config.json" ]; then
    DOCKER_CONFIG="$dir/docker" "$DOCKER" compose -p "$ERP_APP" -f "$dir/compose.yaml" "$@"
  else
    "$DOCKER" compose -p "$ERP_APP" -f "$dir/compose.yaml" "$@"
  fi
}
container_ids() { compose "$1" ps -a -q "$2" 2>/dev/null | sort; }
health_of() { "$DOCKER" inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$1" 2>/dev/null || echo missing; }

# wait_healthy TIMEOUT ID...: every container healthy before the deadline.
wait_healthy() {
  local timeout=$1 waited=0 id state pending
  shift
  while :; do
    pending=0
    for id in "$@"; do
      state=$(health_of "$id")
      case $state in
        healthy) ;;
        unhealthy | exited | dead | missing) log "container $id is $state"; return 1 ;;
        *) pending=1 ;;
      esac
    done
    [ $pending -eq 0 ] && return 0
    if [ "$waited" -ge "$timeout" ]; then log "containers not healthy after ${timeout}s"; return 1; fi
    sleep "$HEALTH_POLL"
    waited=$((waited + HEALTH_POLL))
  done
}

# roll DIR SERVICE REPLICAS TIMEOUT: new containers beside the old, old ones retired once all new are healthy.
roll() {
  local dir=$1 svc=$2 replicas=$3 timeout=$4 old new id
  old=$(container_ids "$dir" "$svc")
  local count
  count=$(printf '%s\n' "$old" | grep -c . || true)
  compose "$dir" up -d --no-deps --no-recreate --scale "$svc=$((count + replicas))" "$svc"
  new=$(comm -13 <(printf '%s\n' "$old") <(container_ids "$dir" "$svc") | grep . || true)
  if [ -z "$new" ]; then log "$svc: no new container started"; return 1; fi
  # shellcheck disable=SC2086
  if ! wait_healthy "$timeout" $new; then
    # shellcheck disable=SC2086
    "$DOCKER" rm -f $new >/dev/null || true
    return 1
  fi
  if [ -n "$old" ]; then
    # shellcheck disable=SC2086
    "$DOCKER" stop $old >/dev/null && "$DOCKER" rm $old >/dev/null
  fi
}

# --- converge --------------------------------------------------------------

fetch_release() {
  local id=$1 dir=$STATE/incoming path sum
  while read -r path sum; do
    case $path in /* | *..*) log "refusing file path $path"; return 1 ;; esac
    mkdir -p "$(dirname "$dir/$path")"
    store_get "$path" "$dir/$path" || return 1
    if [ "$(sha256sum "$dir/$path" | cut -c1-64)" != "$sum" ]; then
      log "$path does not match the manifest of $id yet (an apply is in progress?): will try again"
      return 1
    fi
  done < <(manifest_files "$dir/manifest")
}

# data_ready: the data volume is mounted (the cache keeps its data there), or there is none to wait for.
data_ready() {
  [ -n "${ERP_DATA_MOUNT:-}" ] || return 0
  mountpoint -q "$ERP_DATA_MOUNT" && return 0
  mount "$ERP_DATA_MOUNT" 2>/dev/null && mountpoint -q "$ERP_DATA_MOUNT" && return 0
  log "the data volume is not mounted at $ERP_DATA_MOUNT yet: nothing is started before it is"
  return 1
}

converge() {
  mkdir -p "$RELEASES"
  data_ready || return 0
  store_get manifest "$STATE/manifest.new" || return 0
  local id current last held=""
  id=$(manifest_value release "$STATE/manifest.new")
  case $id in "" | *[!A-Za-z0-9._-]*) log "the manifest names no valid release"; return 0 ;; esac
  current=$(current_release)
  last=$(last_rollout)
  if [ -f "$STATE/held" ]; then held=$(cat "$STATE/held"); fi
  if [ "$id" = "$current" ] || [ "$id" = "$held" ] || [ "$last" = "$id failed" ]; then
    rm -f "$STATE/manifest.new"
    # the timers of the running release, which an agent older than them may have rolled out (no-op when in place)
    if [ -n "$current" ]; then install_timers "$RELEASES/$current" || log "installing the timers of $current failed"; fi
    return 0
  fi
  rm -rf "$STATE/incoming"
  mkdir -p "$STATE/incoming"
  mv "$STATE/manifest.new" "$STATE/incoming/manifest"
  fetch_release "$id" || return 0
  rm -rf "${RELEASES:?}/$id"
  mv "$STATE/incoming" "$RELEASES/$id"
  rm -f "$STATE/held"
  if deploy "$RELEASES/$id" "${current:+$RELEASES/$current}"; then
    activate "$id"
    write_status succeeded "$id" "running $(manifest_value label "$RELEASES/$id/manifest")"
  else
    write_status failed "$id" "$FAILURE; still running ${current:-nothing}"
  fi
}

# changed NEW_DIR OLD_DIR SERVICE: the service is new, or what it runs differs, or it has no container.
changed() {
  [ -z "$2" ] || [ -z "$(service_field "$2/manifest" "$3" 2)" ] ||
    [ "$(service_digest "$1" "$3")" != "$(service_digest "$2" "$3")" ] ||
    [ -z "$(container_ids "$1" "$3")" ]
}

# deploy NEW_DIR [OLD_DIR]: the rollout; sets FAILURE and returns 1 when it went back to OLD_DIR.
# It runs as an `if` condition, where `set -e` does not apply: every step checks its own status.
deploy() {
  local dir=$1 prev=${2:-} timeout name kind replicas groups to_pull=() plan=() rolled=() step
  timeout=$(manifest_value health-timeout "$dir/manifest")
  timeout=${timeout:-300}
  while read -r name kind replicas groups; do
    if changed "$dir" "$prev" "$name"; then
      to_pull+=("$name")
      plan+=("$kind:$name")
    elif [ "$replicas" != "$(service_field "$prev/manifest" "$name" 4)" ]; then
      plan+=("scale:$name")
    fi
  done < <(manifest_services "$dir/manifest")

  # the persistent paths' folders on the data volume (Docker binds their named volumes there)
  local kept
  for kept in $(awk '$1 == "path" { print $2 }' "$dir/manifest"); do
    mkdir -p "${ERP_DATA_MOUNT:-$STATE/data}/paths/$kept"
  done
  # the scratch folders of multi-stage jobs (backups), owned by the user their containers run as
  local job owner
  while read -r job owner; do
    mkdir -p "${ERP_DATA_MOUNT:-$STATE/data}/scratch/$job"
    chown "$owner" "${ERP_DATA_MOUNT:-$STATE/data}/scratch/$job"
    chmod 0700 "${ERP_DATA_MOUNT:-$STATE/data}/scratch/$job"
  done < <(awk '$1 == "scratch" { print $2, $3 }' "$dir/manifest")
  local release_svc
  release_svc=$(manifest_value release-service "$dir/manifest")
  if [ -n "$release_svc" ] && { [ -z "$prev" ] || [ "$(service_digest "$dir" "$release_svc")" != "$(service_digest "$prev" "$release_svc")" ]; }; then
    to_pull=("$release_svc" "${to_pull[@]}")
  else
    release_svc=""
  fi
  if [ ${#to_pull[@]} -gt 0 ] && ! compose "$dir" pull --quiet --ignore-buildable "${to_pull[@]}"; then
    FAILURE="pulling the images failed"
    return 1
  fi
  if [ -n "$release_svc" ] && ! compose "$dir" run --rm "$release_svc"; then
    FAILURE="the release command failed"
    return 1
  fi
  for step in "${plan[@]}"; do
    name=${step#*:}
    replicas=$(service_field "$dir/manifest" "$name" 4)
    case $step in
      rolling:*)
        if ! roll "$dir" "$name" "$replicas" "$timeout"; then
          FAILURE="$name did not become healthy within ${timeout}s"
          put_back "$prev" "$timeout" "${rolled[@]}"
          return 1
        fi
        rolled+=("$name")
        ;;
      *)
        if ! compose "$dir" up -d --no-deps --scale "$name=$replicas" "$name"; then
          FAILURE="starting $name failed"
          put_back "$prev" "$timeout" "${rolled[@]}"
          return 1
        fi
        ;;
    esac
  done
  if [ -n "$prev" ]; then
    while read -r name _ _ _; do
      if [ -z "$(service_field "$dir/manifest" "$name" 2)" ]; then
        local ids
        ids=$(container_ids "$prev" "$name")
        # shellcheck disable=SC2086
        if [ -n "$ids" ]; then "$DOCKER" stop $ids >/dev/null && "$DOCKER" rm $ids >/dev/null || log "could not remove $name"; fi
      fi
    done < <(manifest_services "$prev/manifest")
  fi
  install_cron "$dir" || { FAILURE="installing the cron table failed"; return 1; }
  install_timers "$dir" || { FAILURE="installing the timers failed"; return 1; }
}

# put_back OLD_DIR TIMEOUT SERVICE...: rolls services back to the previous release after a failed rollout.
put_back() {
  local prev=$1 timeout=$2 name
  shift 2
  [ -n "$prev" ] || return 0
  for name in "$@"; do
    if [ -n "$(service_field "$prev/manifest" "$name" 2)" ]; then
      roll "$prev" "$name" "$(service_field "$prev/manifest" "$name" 4)" "$timeout" || log "could not put back $name"
    fi
  done
}

install_cron() {
  local target=$CRON_DIR/$ERP_APP
  if [ -f "$1/cron" ]; then
    install -m 0644 "$1/cron" "$target.tmp"
    mv "$target.tmp" "$target"
  else
    rm -f "$target"
  fi
}

# install_timers DIR: the systemd units of the release's jobs in another time zone (DIR/timers), each
# job a timer and its oneshot service. Units of this app the release no longer has are stopped and
# removed; new and changed ones are installed, systemd reloaded and their timers (re)started. Nothing
# is called when nothing changed.
install_timers() {
  local dir=$1 prefix="erp-job-$ERP_APP-" unit name reload=0 restart=()
  for unit in "$SYSTEMD_DIR/$prefix"*.timer "$SYSTEMD_DIR/$prefix"*.service; do
    [ -e "$unit" ] || continue
    name=${unit##*/}
    [ -f "$dir/timers/$name" ] && continue
    case $name in *.timer) "$SYSTEMCTL" disable --now "$name" || log "could not stop $name" ;; esac
    rm -f "$unit"
    reload=1
  done
  for unit in "$dir/timers/$prefix"*; do
    [ -f "$unit" ] || continue
    name=${unit##*/}
    cmp -s "$unit" "$SYSTEMD_DIR/$name" && continue
    install -m 0644 "$unit" "$SYSTEMD_DIR/$name.tmp" && mv "$SYSTEMD_DIR/$name.tmp" "$SYSTEMD_DIR/$name" || return 1
    reload=1
    case $name in *.timer) restart+=("$name") ;; esac
  done
  if [ $reload -eq 1 ]; then "$SYSTEMCTL" daemon-reload || return 1; fi
  for name in "${restart[@]}"; do
    { "$SYSTEMCTL" enable "$name" && "$SYSTEMCTL" restart "$name"; } || return 1
  done
}

activate() {
  local id=$1 current
  current=$(current_release)
  if [ -n "$current" ] && [ "$current" != "$id" ]; then echo "$current" >"$STATE/previous"; fi
  ln -sfn "releases/$id" "$STATE/current.tmp"
  mv -T "$STATE/current.tmp" "$STATE/current"
  # the agent delivered with the release runs from the next run on
  if [ -f "$RELEASES/$id/agent.sh" ]; then install -m 0700 "$RELEASES/$id/agent.sh" "$STATE/agent.sh"; fi
  # keep the five newest releases, the current and the previous one
  local keep
  keep=$(cat "$STATE/previous" 2>/dev/null || true)
  # shellcheck disable=SC2012
  ls -1t "$RELEASES" | tail -n +6 | while read -r old; do
    if [ "$old" != "$id" ] && [ "$old" != "$keep" ]; then rm -rf "${RELEASES:?}/$old"; fi
  done
}

# run_job NAME [VAR=value...]: a job of the current release, its stages in order ("job" lines of the
# manifest); every stage runs even after one fails (a stage that finds the failure skips its work),
# and the last one's status is the job's
run_job() {
  local name=$1 dir=$STATE/current
  shift
  local services=() envs=() a svc status=0
  if [ ! -f "$dir/manifest" ]; then
    log "no release runs here yet: nothing to run"
    return 2
  fi
  mapfile -t services < <(awk -v n="$name" '$1 == "job" && $2 == n { for (i = 3; i <= NF; i++) print $i }' "$dir/manifest")
  if [ "${#services[@]}" = 0 ]; then
    log "the current release has no job $name ($(awk '$1 == "job" { printf "%s ", $2 }' "$dir/manifest"))"
    return 2
  fi
  for a in "$@"; do
    case $a in
      [A-Z_]*=*) envs+=(-e "$a") ;;
      *) log "$a is not VAR=value"; return 2 ;;
    esac
  done
  for svc in "${services[@]}"; do
    status=0
    compose "$dir" run --rm --no-deps "${envs[@]}" "$svc" || status=$?
  done
  return "$status"
}

rollback() {
  local current previous
  current=$(current_release)
  previous=$(cat "$STATE/previous" 2>/dev/null || true)
  if [ -z "$previous" ] || [ ! -d "$RELEASES/$previous" ]; then
    log "no previous release to go back to"
    return 1
  fi
  if deploy "$RELEASES/$previous" "$RELEASES/$current"; then
    activate "$previous"
    # the store still names the release just left: hold it until Terraform publishes another
    echo "$current" >"$STATE/held"
    write_status succeeded "$previous" "rolled back from $current by an operator"
  else
    write_status failed "$previous" "$FAILURE (rollback); still running $current"
    return 1
  fi
}

main() {
  local cmd=${1:-converge}
  [ $# -gt 0 ] && shift
  mkdir -p "$STATE"
  case $cmd in
    converge)
      exec 9>"$STATE/lock"
      flock -n 9 || { log "another run is in progress"; return 0; }
      converge
      ;;
    retry)
      # forget that the published release failed, and try it again
      exec 9>"$STATE/lock"
      flock 9
      rm -f "$STATE/status.json"
      converge
      ;;
    status) cat "$STATE/status.json" 2>/dev/null || echo '{"running":""}' ;;
    rollback)
      exec 9>"$STATE/lock"
      flock 9
      rollback
      ;;
    run)
      [ $# -ge 1 ] || { log "usage: erp-agent run <job> [VAR=value...]"; return 2; }
      run_job "$@"
      ;;
    exec)
      [ $# -ge 2 ] || { log "usage: erp-agent exec <service> <command...>"; return 2; }
      local svc=$1
      shift
      compose "$STATE/current" run --rm --no-deps "$svc" "$@"
      ;;
    logs)
      [ $# -ge 1 ] || { log "usage: erp-agent logs <service> [options]"; return 2; }
      local svc=$1
      shift
      compose "$STATE/current" logs "$@" "$svc"
      ;;
    *) log "unknown command $cmd (converge, status, rollback, run, exec, logs)"; return 2 ;;
  esac
}

main "$@"
