# shellcheck shell=bash
# Shared by vds.sh and nsx-t.sh: parameters, a few helpers an operator's script would have.
# Sourced, not run. Plain `openstack` CLI, one command per resource, no background jobs.

set -euo pipefail

CLUSTER="${CLUSTER:-peer}"
CONTROL_PLANE="${CONTROL_PLANE:-3}"
WORKERS="${WORKERS:-3}"
LB_NODES="${LB_NODES:-2}"
IMAGE="${IMAGE:-ubuntu-22.04}"
CP_FLAVOR="${CP_FLAVOR:-${FLAVOR:-m1.medium}}"
WORKER_FLAVOR="${WORKER_FLAVOR:-${FLAVOR:-m1.large}}"
LB_FLAVOR="${LB_FLAVOR:-${FLAVOR:-m1.small}}"
KEY="${KEY:-viok}"
EXTERNAL="${EXTERNAL:-public}"
PROVIDER="${PROVIDER:-provider}"
API_CIDR="${API_CIDR:-0.0.0.0/0}"
SSH_CIDR="${SSH_CIDR:-198.51.100.0/24}"
# how often the wait loop lists the cluster's servers, and for how long at most
POLL_INTERVAL="${POLL_INTERVAL:-5}"
WAIT_TIMEOUT="${WAIT_TIMEOUT:-1800}"
# user-data files are written here (one per node)
WORK_DIR="${WORK_DIR:-$(mktemp -d)}"

PREFIX="viok-${CLUSTER}"

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Every openstack command goes through here so the bench can count commands: one line each appended
# to $PEER_TRACE_FILE when set.
os() {
  if [[ -n "${PEER_TRACE_FILE:-}" ]]; then printf 'openstack %s\n' "$*" >>"$PEER_TRACE_FILE"; fi
  openstack "$@"
}

# node names as viok names them: <cluster>-cp-1, <cluster>-worker-1, <cluster>-lb-1
node_names() { # role count
  local role="$1" count="$2" i
  for ((i = 1; i <= count; i++)); do printf '%s-%s-%d\n' "$CLUSTER" "$role" "$i"; done
}

# `openstack ... -f json` then one field with jq
field() { jq -r "$1"; }

# cloud-init for a node: what the operator's template would fill in (not viok's full bootstrap, which
# needs its own PKI; size and shape are what matter to the API)
user_data() { # file role name address vip control-plane-addresses...
  local file="$1" role="$2" name="$3" address="$4" vip="$5"
  shift 5
  {
    echo '#cloud-config'
    echo "hostname: ${name}"
    echo 'write_files:'
    echo '  - path: /etc/peer/cluster.env'
    echo '    content: |'
    echo "      CLUSTER=${CLUSTER}"
    echo "      ROLE=${role}"
    echo "      NODE_IP=${address}"
    echo "      API_VIP=${vip}"
    echo "      CONTROL_PLANE=\"$*\""
    echo 'runcmd:'
    echo "  - [sh, -c, 'echo bootstrap ${role} ${name}']"
  } >"$file"
}

# Waits until every server of the cluster is ACTIVE: one `server list` per interval (what an operator
# writes instead of `--wait` per server, which would wait for them one by one).
wait_active() { # expected-count
  local expected="$1" deadline=$((SECONDS + WAIT_TIMEOUT)) list active error
  while :; do
    list="$(os server list --name "^${CLUSTER}-" -f value -c Name -c Status)"
    active="$(grep -c ' ACTIVE$' <<<"$list" || true)"
    error="$(grep ' ERROR$' <<<"$list" || true)"
    if [[ -n "$error" ]]; then
      log "servers in ERROR: ${error//$'\n'/, }"
      return 1
    fi
    log "${active}/${expected} servers ACTIVE"
    ((active >= expected)) && return 0
    if ((SECONDS >= deadline)); then
      log "timed out waiting for servers"
      return 1
    fi
    sleep "$POLL_INTERVAL"
  done
}

# Waits until no server of the cluster is left.
wait_gone() {
  local deadline=$((SECONDS + WAIT_TIMEOUT)) left
  while :; do
    left="$(os server list --name "^${CLUSTER}-" -f value -c ID | grep -c . || true)"
    ((left == 0)) && return 0
    log "${left} servers still deleting"
    if ((SECONDS >= deadline)); then
      log "timed out waiting for servers to go"
      return 1
    fi
    sleep "$POLL_INTERVAL"
  done
}

# One security group rule: ingress IPv4; protocol tcp/udp/112; ports "a:b" or ""; source cidr or group.
rule() { # group protocol ports --remote-ip X | --remote-group Y
  local group="$1" protocol="$2" ports="$3"
  shift 3
  local args=(--ingress --ethertype IPv4 --protocol "$protocol")
  [[ -n "$ports" ]] && args+=(--dst-port "$ports")
  os security group rule create "${args[@]}" "$@" "$group" -f value -c id >/dev/null
}

# ---- delete: everything named after the cluster, in reverse order; the CLI takes many names at once ----

ids_named() { # resource-kind (server/port/...) ; prints ids whose name starts with the prefix
  local kind="$1" pattern="$2"
  # shellcheck disable=SC2086 # "security group" is two words of the command
  os $kind list -f value -c ID -c Name | awk -v p="$pattern" 'index($2, p) == 1 { print $1 }'
}

# shellcheck disable=SC2086 # the id lists are meant to split into arguments
delete_all() {
  local ids
  ids="$(os server list --name "^${CLUSTER}-" -f value -c ID)"
  if [[ -n "$ids" ]]; then
    os server delete $ids
    # as for create, one list per interval rather than --wait (which waits for each server in turn):
    # ports and groups can only go once the servers have let go of them
    wait_gone
  fi
  ids="$(os floating ip list --long -f value -c ID -c Description | awk -v c="peer cluster ${CLUSTER}:" 'index($0, c) { print $1 }')"
  [[ -n "$ids" ]] && os floating ip delete $ids
  local router subnet
  for router in $(ids_named router "${PREFIX}-router-"); do
    for subnet in $(os router show "$router" -f json | jq -r '.interfaces_info[]?.subnet_id'); do
      os router remove subnet "$router" "$subnet"
    done
    os router delete "$router"
  done
  ids="$(ids_named port "${PREFIX}-port-")"
  [[ -n "$ids" ]] && os port delete $ids
  ids="$(ids_named network "${PREFIX}-network-")"
  # deleting a network deletes its subnets
  [[ -n "$ids" ]] && os network delete $ids
  ids="$(ids_named 'security group' "${PREFIX}-security-group-")"
  [[ -n "$ids" ]] && os security group delete $ids
  return 0
}
