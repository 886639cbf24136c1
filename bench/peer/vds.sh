#!/usr/bin/env bash
# The peer baseline for a vds cluster: the topology `viok create cluster` builds (src/provision/vds/),
# written as an operator would with the openstack CLI. One command per resource (the CLI has no bulk
# create), sequential, servers created without --wait and then one polling loop for all of them.
#
#   vds.sh create   three security groups and their rules, a VIP port, one port per node (the LB
#                   nodes' with the VIP as allowed address pair, for keepalived), one server per node
#   vds.sh delete   everything named after $CLUSTER
#
# Parameters (env): CLUSTER CONTROL_PLANE WORKERS LB_NODES IMAGE FLAVOR (or CP_/WORKER_/LB_FLAVOR) KEY
# PROVIDER API_CIDR SSH_CIDR POLL_INTERVAL; OS_CLOUD / OS_CLIENT_CONFIG_FILE select the cloud.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

create() {
  log "vds cluster ${CLUSTER}: ${CONTROL_PLANE} control plane, ${WORKERS} workers, ${LB_NODES} LB nodes"

  local role
  declare -A sg
  for role in control-plane worker lb; do
    sg[$role]="$(os security group create "${PREFIX}-security-group-${role}" \
      --description "peer cluster ${CLUSTER}: ${role} nodes" -f value -c id)"
  done

  # the rules of src/provision/vds/rules.ts
  rule "${sg[lb]}" tcp 6443:6443 --remote-ip "$API_CIDR"
  rule "${sg[lb]}" 112 "" --remote-group "${sg[lb]}"
  rule "${sg[lb]}" tcp 22:22 --remote-ip "$SSH_CIDR"
  rule "${sg[control-plane]}" tcp 6443:6443 --remote-group "${sg[lb]}"
  for role in control-plane worker; do
    rule "${sg[control-plane]}" tcp 6443:6443 --remote-group "${sg[$role]}"
  done
  rule "${sg[control-plane]}" tcp 2379:2380 --remote-group "${sg[control-plane]}"
  local target
  for target in control-plane worker; do
    for role in control-plane worker; do
      rule "${sg[$target]}" tcp 10250:10250 --remote-group "${sg[$role]}"
      rule "${sg[$target]}" udp 8472:8472 --remote-group "${sg[$role]}"
    done
  done
  rule "${sg[control-plane]}" tcp 22:22 --remote-ip "$SSH_CIDR"
  rule "${sg[worker]}" tcp 30000:32767 --remote-ip 0.0.0.0/0
  rule "${sg[worker]}" tcp 22:22 --remote-ip "$SSH_CIDR"

  local json vip
  json="$(os port create "${PREFIX}-port-vip" --network "$PROVIDER" --security-group "${sg[lb]}" -f json)"
  vip="$(field '.fixed_ips[0].ip_address' <<<"$json")"
  log "VIP ${vip}"

  # ports first: the LB nodes' user data needs the control plane's addresses
  declare -A port_id address
  local short name n
  for short in $(seq -f 'cp-%g' 1 "$CONTROL_PLANE") $(seq -f 'worker-%g' 1 "$WORKERS") \
    $(seq -f 'lb-%g' 1 "$LB_NODES"); do
    case "$short" in
      cp-*) role=control-plane ;;
      worker-*) role=worker ;;
      lb-*) role=lb ;;
    esac
    local extra=()
    [[ "$role" == lb ]] && extra=(--allowed-address "ip-address=${vip}")
    json="$(os port create "${PREFIX}-port-${short}" --network "$PROVIDER" \
      --security-group "${sg[$role]}" "${extra[@]}" -f json)"
    port_id[$short]="$(field .id <<<"$json")"
    address[$short]="$(field '.fixed_ips[0].ip_address' <<<"$json")"
  done

  local cp_addresses=()
  for ((n = 1; n <= CONTROL_PLANE; n++)); do cp_addresses+=("${address[cp-$n]}"); done

  local flavor count=0
  for role in cp worker lb; do
    case "$role" in
      cp) n="$CONTROL_PLANE" flavor="$CP_FLAVOR" ;;
      worker) n="$WORKERS" flavor="$WORKER_FLAVOR" ;;
      lb) n="$LB_NODES" flavor="$LB_FLAVOR" ;;
    esac
    local i
    for ((i = 1; i <= n; i++)); do
      short="${role}-${i}"
      name="${CLUSTER}-${short}"
      user_data "${WORK_DIR}/${name}.yaml" "$role" "$name" "${address[$short]}" "$vip" "${cp_addresses[@]}"
      os server create "$name" --image "$IMAGE" --flavor "$flavor" --key-name "$KEY" \
        --nic "port-id=${port_id[$short]}" --user-data "${WORK_DIR}/${name}.yaml" \
        --property "viok-cluster=${CLUSTER}" --property "viok-role=${role}" -f value -c id >/dev/null
      count=$((count + 1))
    done
  done

  wait_active "$count"
  log "cluster ${CLUSTER} is up: API VIP ${vip}"
}

case "${1:-create}" in
  create) create ;;
  delete) delete_all ;;
  *)
    echo "usage: $0 [create|delete]" >&2
    exit 2
    ;;
esac
