#!/usr/bin/env bash
# The peer baseline for an nsx-t cluster: the three-network layout `viok create cluster` builds
# (src/provision/nsxt/), written as an operator would with the openstack CLI and, for the NSX objects
# NCP needs, curl against the NSX-T Manager. One command per resource, sequential, servers created
# without --wait and then one polling loop for all of them.
#
#   nsx-t.sh create   networks mgmt/api/pod with a subnet each; a router with SNAT for mgmt and one
#                     without for api (pod: none); four security groups and their rules; a VIP port on
#                     api; per node a port on each of its networks (LB nodes: mgmt + api, the api port
#                     with the VIP as allowed address pair); a floating IP per LB node's mgmt port; the
#                     NSX pod IP block and external IP pool; the NCP tags on each Kubernetes node's pod
#                     logical port; one server per node with its NICs in order mgmt, api, pod
#   nsx-t.sh delete   everything named after $CLUSTER (NSX objects included)
#
# Parameters (env): as vds.sh, plus MGMT_CIDR API_NET_CIDR POD_NET_CIDR DNS_SERVER POD_BLOCK_CIDR
# EXT_POOL_CIDR EXT_POOL_RANGE, and NSX_URL NSX_USER NSX_PASSWORD NSX_CA_FILE (defaulting to viok's
# VIOK_NSXT_* variables). Without an NSX URL the NSX part is left out.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MGMT_CIDR="${MGMT_CIDR:-10.10.0.0/24}"
API_NET_CIDR="${API_NET_CIDR:-10.20.0.0/24}"
POD_NET_CIDR="${POD_NET_CIDR:-10.30.0.0/24}"
DNS_SERVER="${DNS_SERVER:-192.0.2.53}"
POD_BLOCK_CIDR="${POD_BLOCK_CIDR:-172.16.0.0/16}"
EXT_POOL_CIDR="${EXT_POOL_CIDR:-203.0.113.0/24}"
EXT_POOL_RANGE="${EXT_POOL_RANGE:-203.0.113.1-203.0.113.254}"
NSX_URL="${NSX_URL:-${VIOK_NSXT_URL:-}}"
NSX_USER="${NSX_USER:-${VIOK_NSXT_USERNAME:-admin}}"
NSX_PASSWORD="${NSX_PASSWORD:-${VIOK_NSXT_PASSWORD:-}}"
NSX_CA_FILE="${NSX_CA_FILE:-${VIOK_NSX_CA_FILE:-}}"

# One NSX Manager API call; counted like the openstack commands.
nsx() { # method path [json-body]
  local method="$1" path="$2" args=(-sS --fail-with-body -u "${NSX_USER}:${NSX_PASSWORD}" -X "$1"
    -H 'Content-Type: application/json' -H 'X-Allow-Overwrite: true')
  [[ -n "$NSX_CA_FILE" ]] && args+=(--cacert "$NSX_CA_FILE")
  [[ $# -ge 3 ]] && args+=(--data "$3")
  if [[ -n "${PEER_TRACE_FILE:-}" ]]; then printf 'curl %s %s\n' "$method" "$path" >>"$PEER_TRACE_FILE"; fi
  curl "${args[@]}" "${NSX_URL}${path}"
}

owner_tags() { # key -> NSX tags JSON: viok's ownership tags and NCP's cluster tag
  jq -cn --arg c "$CLUSTER" --arg k "$1" \
    '[{scope: "viok-cluster", tag: $c}, {scope: "viok-key", tag: $k}, {scope: "ncp/cluster", tag: $c}]'
}

create() {
  log "nsx-t cluster ${CLUSTER}: ${CONTROL_PLANE} control plane, ${WORKERS} workers, ${LB_NODES} LB nodes"

  declare -A net subnet
  local n
  for n in mgmt api pod; do
    net[$n]="$(os network create "${PREFIX}-network-${n}" --description "peer cluster ${CLUSTER}: ${n} network" \
      -f value -c id)"
  done
  subnet[mgmt]="$(os subnet create "${PREFIX}-subnet-mgmt" --network "${net[mgmt]}" --subnet-range "$MGMT_CIDR" \
    --dns-nameserver "$DNS_SERVER" -f value -c id)"
  subnet[api]="$(os subnet create "${PREFIX}-subnet-api" --network "${net[api]}" --subnet-range "$API_NET_CIDR" \
    -f value -c id)"
  # the pod subnet hands out no gateway: nothing on it is routed
  subnet[pod]="$(os subnet create "${PREFIX}-subnet-pod" --network "${net[pod]}" --subnet-range "$POD_NET_CIDR" \
    --gateway none -f value -c id)"

  # the CLI sets the gateway (and SNAT) on create: no separate `router set`
  local router
  router="$(os router create "${PREFIX}-router-mgmt" --external-gateway "$EXTERNAL" --enable-snat -f value -c id)"
  os router add subnet "$router" "${subnet[mgmt]}"
  router="$(os router create "${PREFIX}-router-api" --external-gateway "$EXTERNAL" --disable-snat -f value -c id)"
  os router add subnet "$router" "${subnet[api]}"

  local role
  declare -A sg
  for role in control-plane worker lb pod; do
    sg[$role]="$(os security group create "${PREFIX}-security-group-${role}" \
      --description "peer cluster ${CLUSTER}: ${role}" -f value -c id)"
  done

  # the rules of src/provision/nsxt/rules.ts (the pod group has none)
  rule "${sg[lb]}" tcp 6443:6443 --remote-ip "$API_CIDR"
  rule "${sg[lb]}" tcp 6443:6443 --remote-group "${sg[control-plane]}"
  rule "${sg[lb]}" tcp 6443:6443 --remote-group "${sg[worker]}"
  rule "${sg[lb]}" 112 "" --remote-group "${sg[lb]}"
  rule "${sg[lb]}" tcp 22:22 --remote-ip "$SSH_CIDR"
  for role in lb control-plane worker; do
    rule "${sg[control-plane]}" tcp 6443:6443 --remote-group "${sg[$role]}"
  done
  rule "${sg[control-plane]}" tcp 6443:6443 --remote-ip "$EXT_POOL_CIDR"
  rule "${sg[control-plane]}" tcp 2379:2380 --remote-group "${sg[control-plane]}"
  rule "${sg[control-plane]}" tcp 10250:10250 --remote-group "${sg[control-plane]}"
  rule "${sg[control-plane]}" tcp 22:22 --remote-group "${sg[lb]}"
  rule "${sg[worker]}" tcp 10250:10250 --remote-group "${sg[control-plane]}"
  rule "${sg[worker]}" tcp 22:22 --remote-group "${sg[lb]}"

  local json vip
  json="$(os port create "${PREFIX}-port-vip" --network "${net[api]}" --security-group "${sg[lb]}" -f json)"
  vip="$(field '.fixed_ips[0].ip_address' <<<"$json")"
  log "VIP ${vip}"

  # ports: mgmt (eth0), api (eth1), pod (eth2; not on the LB nodes)
  declare -A port_id address
  local short nets group extra
  for short in $(seq -f 'cp-%g' 1 "$CONTROL_PLANE") $(seq -f 'worker-%g' 1 "$WORKERS") \
    $(seq -f 'lb-%g' 1 "$LB_NODES"); do
    case "$short" in
      cp-*) role=control-plane nets='mgmt api pod' ;;
      worker-*) role=worker nets='mgmt api pod' ;;
      lb-*) role=lb nets='mgmt api' ;;
    esac
    for n in $nets; do
      group="${sg[$role]}"
      [[ "$n" == pod ]] && group="${sg[pod]}"
      extra=()
      [[ "$role" == lb && "$n" == api ]] && extra=(--allowed-address "ip-address=${vip}")
      json="$(os port create "${PREFIX}-port-${short}-${n}" --network "${net[$n]}" --security-group "$group" \
        "${extra[@]}" -f json)"
      port_id[$short/$n]="$(field .id <<<"$json")"
      address[$short/$n]="$(field '.fixed_ips[0].ip_address' <<<"$json")"
    done
  done

  # external kubectl reaches the LB nodes through floating IPs on their management ports
  local i fips=()
  for ((i = 1; i <= LB_NODES; i++)); do
    fips+=("$(os floating ip create "$EXTERNAL" --port "${port_id[lb-$i/mgmt]}" \
      --description "peer cluster ${CLUSTER}: external kubectl to ${CLUSTER}-lb-${i}" \
      -f value -c floating_ip_address)")
  done
  log "floating IPs ${fips[*]}"

  if [[ -n "$NSX_URL" ]]; then
    local block pool lp
    block="$(nsx POST /api/v1/pools/ip-blocks "$(jq -cn --arg n "${PREFIX}-nsxt-ip-block-pods" \
      --arg c "$POD_BLOCK_CIDR" --argjson t "$(owner_tags nsxt/ip-block/pods)" \
      '{display_name: $n, cidr: $c, tags: $t}')" | jq -r .id)"
    pool="$(nsx POST /api/v1/pools/ip-pools "$(jq -cn --arg n "${PREFIX}-nsxt-ip-pool-external" \
      --arg c "$EXT_POOL_CIDR" --arg s "${EXT_POOL_RANGE%-*}" --arg e "${EXT_POOL_RANGE#*-}" \
      --argjson t "$(owner_tags nsxt/ip-pool/external)" \
      '{display_name: $n, subnets: [{cidr: $c, allocation_ranges: [{start: $s, end: $e}]}],
        tags: ($t + [{scope: "ncp/external", tag: "true"}])}')" | jq -r .id)"
    log "NSX IP block ${block}, IP pool ${pool}"
    # NCP finds each node's pod uplink by these tags on the pod port's logical port
    for short in $(seq -f 'cp-%g' 1 "$CONTROL_PLANE") $(seq -f 'worker-%g' 1 "$WORKERS"); do
      lp="$(nsx GET "/api/v1/logical-ports?attachment_id=${port_id[$short/pod]}" | jq -c '.results[0]')"
      nsx PUT "/api/v1/logical-ports/$(jq -r .id <<<"$lp")" "$(jq -c --arg c "$CLUSTER" \
        --arg n "${CLUSTER}-${short}" \
        '.tags = ((.tags // []) + [{scope: "ncp/node_name", tag: $n}, {scope: "ncp/cluster", tag: $c}])' \
        <<<"$lp")" >/dev/null
    done
  else
    log "no NSX_URL: NSX objects and port tags left out"
  fi

  local cp_addresses=()
  for ((i = 1; i <= CONTROL_PLANE; i++)); do cp_addresses+=("${address[cp-$i/api]}"); done

  local flavor count=0 name nics
  for role in cp worker lb; do
    case "$role" in
      cp) n="$CONTROL_PLANE" flavor="$CP_FLAVOR" ;;
      worker) n="$WORKERS" flavor="$WORKER_FLAVOR" ;;
      lb) n="$LB_NODES" flavor="$LB_FLAVOR" ;;
    esac
    for ((i = 1; i <= n; i++)); do
      short="${role}-${i}"
      name="${CLUSTER}-${short}"
      nics=(--nic "port-id=${port_id[$short/mgmt]}" --nic "port-id=${port_id[$short/api]}")
      [[ "$role" != lb ]] && nics+=(--nic "port-id=${port_id[$short/pod]}")
      user_data "${WORK_DIR}/${name}.yaml" "$role" "$name" "${address[$short/api]}" "$vip" "${cp_addresses[@]}"
      os server create "$name" --image "$IMAGE" --flavor "$flavor" --key-name "$KEY" "${nics[@]}" \
        --user-data "${WORK_DIR}/${name}.yaml" \
        --property "viok-cluster=${CLUSTER}" --property "viok-role=${role}" -f value -c id >/dev/null
      count=$((count + 1))
    done
  done

  wait_active "$count"
  log "cluster ${CLUSTER} is up: API VIP ${vip}, external ${fips[*]}"
}

delete() {
  delete_all
  if [[ -n "$NSX_URL" ]]; then
    local kind id
    for kind in ip-pools ip-blocks; do
      for id in $(nsx GET "/api/v1/pools/${kind}" | jq -r --arg c "$CLUSTER" \
        '.results[] | select(any(.tags[]?; .scope == "viok-cluster" and .tag == $c)) | .id'); do
        nsx DELETE "/api/v1/pools/${kind}/${id}" >/dev/null
      done
    done
  fi
}

case "${1:-create}" in
  create) create ;;
  delete) delete ;;
  *)
    echo "usage: $0 [create|delete]" >&2
    exit 2
    ;;
esac
