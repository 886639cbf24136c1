#!/bin/bash
# Drives the real `openstack` client (Debian's python3-openstackclient) against a cloud, normally
# `viok sim serve`: token, networks, subnets, routers, ports, floating IPs, security groups, tags and a
# server with three NICs, all created, checked through `-f json` and removed again.
#
# Needs OS_CLIENT_CONFIG_FILE and OS_CLOUD (the simulator's clouds.yaml and cloud viok-sim).
# Optional: OPENSTACK (the client, default /usr/bin/openstack), E2E_PREFIX (names of what it creates),
# FLAVOR, IMAGE and KEYPAIR (defaults: the simulator's seeded m1.small, ubuntu-22.04 and viok), EXTERNAL_NETWORK (public).
# Prints one "ok: ..." line per check; exits non-zero at the first failure with the reason on stderr.
set -euo pipefail

OPENSTACK=${OPENSTACK:-/usr/bin/openstack}
P=${E2E_PREFIX:-e2e-$$}
FLAVOR=${FLAVOR:-m1.small}
IMAGE=${IMAGE:-ubuntu-22.04}
EXT=${EXTERNAL_NETWORK:-public}
# the machine's python3 may be a shim without the OpenStack libraries: use the distribution's
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
: "${OS_CLIENT_CONFIG_FILE:?set OS_CLIENT_CONFIG_FILE to the clouds.yaml}" "${OS_CLOUD:?set OS_CLOUD}"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# os ARGS...: runs the client; on failure shows the command and its error output
os() {
  local out
  if ! out=$("$OPENSTACK" "$@" 2>/tmp/openstack-cli-e2e.$$.err); then
    echo "command failed: openstack $*" >&2
    cat /tmp/openstack-cli-e2e.$$.err >&2
    exit 1
  fi
  printf '%s' "$out"
}

# expect JSON PYTHON-EXPRESSION DESCRIPTION: the expression (over `d`, the parsed JSON) must be true
expect() {
  if ! printf '%s' "$1" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); sys.exit(0 if ($2) else 1)"; then
    echo "output was: $1" >&2
    fail "$3 (expected: $2)"
  fi
  echo "ok: $3"
}

# field JSON KEY: one top-level field of a JSON object
field() {
  printf '%s' "$1" | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['$2'])"
}

# expect_error SUBSTRING DESCRIPTION ARGS...: the command must fail with SUBSTRING in its error output
expect_error() {
  local want=$1 what=$2 err
  shift 2
  if err=$("$OPENSTACK" "$@" 2>&1 >/dev/null); then fail "$what: openstack $* succeeded"; fi
  case "$err" in
    *"$want"*) echo "ok: $what" ;;
    *) fail "$what: error output lacks '$want': $err" ;;
  esac
}

USER_DATA=/tmp/openstack-cli-e2e.$$.user-data
printf '#cloud-config\nhostname: viok-e2e\n' >"$USER_DATA"
trap 'rm -f /tmp/openstack-cli-e2e.$$.err "$USER_DATA"' EXIT

# ---- Keystone ----
out=$(os token issue -f json)
expect "$out" 'len(d["id"]) > 20 and d["project_id"] and d["user_id"] and d["expires"]' "token issue"
out=$(os catalog list -f json)
expect "$out" '{"identity", "network", "compute", "image"} <= {s["Type"] for s in d}' "catalog list: identity, network, compute, image"

# ---- networks, tags ----
out=$(os network create "$P-net" --tag "$P-a" --tag "cluster=$P" --description "viok e2e" -f json)
expect "$out" "d['name'] == '$P-net' and sorted(d['tags']) == sorted(['$P-a', 'cluster=$P']) and d['admin_state_up'] in (True, 'UP')" "network create with tags"
NET=$(field "$out" id)
out=$(os network create "$P-other" --tag "$P-b" -f json)
OTHER=$(field "$out" id)
out=$(os network show "$P-net" -f json)
expect "$out" "d['id'] == '$NET' and d['status'] == 'ACTIVE' and '$P-a' in d['tags'] and d['description'] == 'viok e2e'" "network show by name"
out=$(os network list --tags "$P-a" -f json)
expect "$out" "[n['Name'] for n in d] == ['$P-net']" "network list --tags"
out=$(os network list --tags "$P-a,$P-b" -f json)
expect "$out" "d == []" "network list --tags with two tags matches networks having both"
out=$(os network list --any-tags "$P-a,$P-b" -f json)
expect "$out" "sorted(n['Name'] for n in d) == sorted(['$P-net', '$P-other'])" "network list --any-tags"
out=$(os network list --not-tags "$P-a" -f json)
expect "$out" "'$P-other' in [n['Name'] for n in d] and '$P-net' not in [n['Name'] for n in d] and '$EXT' in [n['Name'] for n in d]" "network list --not-tags"
os network set "$P-other" --tag "$P-c" --name "$P-other2" >/dev/null
out=$(os network show "$P-other2" -f json)
expect "$out" "sorted(d['tags']) == ['$P-b', '$P-c']" "network set --tag --name"
os network unset --tag "$P-c" "$P-other2" >/dev/null
out=$(os network list --tags "$P-c" -f json)
expect "$out" "d == []" "network unset --tag"
out=$(os network show "$EXT" -f json)
expect "$out" "d['router:external'] in (True, 'External')" "external network is router:external"

# ---- subnets ----
out=$(os subnet create "$P-subnet" --network "$P-net" --subnet-range 10.77.0.0/24 --gateway 10.77.0.1 \
  --allocation-pool start=10.77.0.10,end=10.77.0.100 --dns-nameserver 10.0.0.2 --dns-nameserver 10.0.0.3 -f json)
expect "$out" "d['cidr'] == '10.77.0.0/24' and d['gateway_ip'] == '10.77.0.1' and d['ip_version'] == 4 and d['enable_dhcp'] in (True, 'True')" "subnet create"
expect "$out" "[(p['start'], p['end']) for p in (d['allocation_pools'] if isinstance(d['allocation_pools'], list) else [])] == [('10.77.0.10', '10.77.0.100')] or d['allocation_pools'] == '10.77.0.10-10.77.0.100'" "subnet allocation pool"
expect "$out" "d['dns_nameservers'] in (['10.0.0.2', '10.0.0.3'], '10.0.0.2, 10.0.0.3')" "subnet DNS servers"
SUBNET=$(field "$out" id)
out=$(os subnet list --network "$P-net" -f json)
expect "$out" "[s['ID'] for s in d] == ['$SUBNET']" "subnet list --network"
# a tiny subnet with no router: for address exhaustion and an unreachable floating IP
out=$(os subnet create "$P-tiny" --network "$P-other2" --subnet-range 10.78.0.0/29 --no-dhcp \
  --allocation-pool start=10.78.0.2,end=10.78.0.3 -f json)
expect "$out" "d['enable_dhcp'] in (False, 'False') and d['gateway_ip'] == '10.78.0.1'" "subnet create --no-dhcp"
TINY=$(field "$out" id)

# ---- router ----
out=$(os router create "$P-router" -f json)
expect "$out" "d['name'] == '$P-router' and not d['external_gateway_info']" "router create"
ROUTER=$(field "$out" id)
os router set "$P-router" --external-gateway "$EXT" --disable-snat >/dev/null
out=$(os router show "$P-router" -f json)
expect "$out" "d['external_gateway_info']['enable_snat'] is False and len(d['external_gateway_info']['external_fixed_ips']) == 1" "router set --external-gateway --disable-snat"
os router set "$P-router" --external-gateway "$EXT" --enable-snat >/dev/null
out=$(os router show "$P-router" -f json)
expect "$out" "d['external_gateway_info']['enable_snat'] is True" "router set --enable-snat"
os router add subnet "$P-router" "$P-subnet" >/dev/null
out=$(os router show "$P-router" -f json)
expect "$out" "[(i['subnet_id'], i['ip_address']) for i in d['interfaces_info']] == [('$SUBNET', '10.77.0.1')]" "router show: interfaces_info"
out=$(os port list --router "$P-router" -f json)
expect "$out" "len(d) == 2 and '10.77.0.1' in [f['ip_address'] for p in d for f in p['Fixed IP Addresses']]" "router add subnet: an interface port holds the gateway (next to the gateway port)"

# ---- security groups ----
out=$(os security group create "$P-sg" --description "viok e2e" -f json)
expect "$out" "d['name'] == '$P-sg' and len(d['rules']) == 2" "security group create (with the two default egress rules)"
SG=$(field "$out" id)
out=$(os security group rule create "$P-sg" --protocol tcp --dst-port 22 --remote-ip 0.0.0.0/0 --ingress -f json)
expect "$out" "d['port_range_min'] == 22 and d['port_range_max'] == 22 and d['protocol'] == 'tcp' and d['direction'] == 'ingress' and d['remote_ip_prefix'] == '0.0.0.0/0'" "security group rule create"
RULE=$(field "$out" id)
expect_error "Security group rule already exists" "duplicate security group rule is refused" \
  security group rule create "$P-sg" --protocol tcp --dst-port 22 --remote-ip 0.0.0.0/0 --ingress
out=$(os security group rule list "$P-sg" -f json)
expect "$out" "len(d) == 3 and '$RULE' in [r['ID'] for r in d]" "security group rule list"

# ---- ports ----
out=$(os port create "$P-port-a" --network "$P-net" --fixed-ip subnet="$P-subnet",ip-address=10.77.0.50 \
  --security-group "$P-sg" --allowed-address ip-address=10.77.0.200 \
  --allowed-address ip-address=10.77.0.0/28,mac-address=fa:16:3e:00:00:01 --tag "$P-a" -f json)
expect "$out" "[f['ip_address'] for f in d['fixed_ips']] == ['10.77.0.50'] and d['fixed_ips'][0]['subnet_id'] == '$SUBNET'" "port create --fixed-ip"
expect "$out" "sorted(p['ip_address'] for p in d['allowed_address_pairs']) == ['10.77.0.0/28', '10.77.0.200'] and d['security_group_ids'] == ['$SG'] and d['tags'] == ['$P-a']" "port allowed address pairs, security group, tags"
PORT_A=$(field "$out" id)
out=$(os port create "$P-port-b" --network "$P-net" --no-security-group --disable-port-security -f json)
expect "$out" "d['port_security_enabled'] is False and d['security_group_ids'] == [] and d['fixed_ips'][0]['ip_address'].startswith('10.77.0.')" "port create --no-security-group --disable-port-security"
PORT_B=$(field "$out" id)
out=$(os port create "$P-port-c" --network "$P-net" --fixed-ip subnet="$P-subnet" -f json)
expect "$out" "10 <= int(d['fixed_ips'][0]['ip_address'].split('.')[3]) <= 100" "port create: address from the allocation pool"
PORT_C=$(field "$out" id)
expect_error "already allocated" "a taken fixed IP is refused" \
  port create "$P-port-dup" --network "$P-net" --fixed-ip subnet="$P-subnet",ip-address=10.77.0.50
out=$(os port list --network "$P-net" --tags "$P-a" -f json)
expect "$out" "[p['ID'] for p in d] == ['$PORT_A']" "port list --network --tags"
expect_error "409" "network delete refuses a network with ports" network delete "$P-net"
expect_error "in use" "security group delete refuses a group in use" security group delete "$P-sg"
os port set "$P-port-a" --allowed-address ip-address=10.77.0.201 >/dev/null
out=$(os port show "$P-port-a" -f json)
expect "$out" "sorted(p['ip_address'] for p in d['allowed_address_pairs']) == ['10.77.0.0/28', '10.77.0.200', '10.77.0.201']" "port set --allowed-address adds a pair"
out=$(os port create "$P-port-x" --network "$P-other2" -f json)
PORT_X=$(field "$out" id)
out=$(os port create "$P-port-y" --network "$P-other2" -f json)
PORT_Y=$(field "$out" id)
expect "$out" "d['fixed_ips'][0]['ip_address'] in ('10.78.0.2', '10.78.0.3')" "second port takes the pool's last address"
expect_error "No more IP addresses available" "an exhausted subnet refuses another port" \
  port create "$P-port-z" --network "$P-other2"

# ---- floating IPs ----
FIPS_BEFORE=$(os floating ip list -f json | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
out=$(os floating ip create "$EXT" -f json)
expect "$out" "d['floating_ip_address'].startswith('172.') or d['floating_ip_address']" "floating ip create"
FIP=$(field "$out" id)
FIP_ADDR=$(field "$out" floating_ip_address)
os floating ip set --port "$PORT_A" "$FIP" >/dev/null
out=$(os floating ip show "$FIP" -f json)
expect "$out" "d['port_id'] == '$PORT_A' and d['fixed_ip_address'] == '10.77.0.50' and d['router_id'] == '$ROUTER'" "floating ip set --port"
out=$(os floating ip list --port "$PORT_A" -f json)
expect "$out" "[f['Floating IP Address'] for f in d] == ['$FIP_ADDR']" "floating ip list --port"
expect_error "is not reachable from subnet" "a floating IP for a port without a router path is refused" \
  floating ip create --port "$PORT_X" "$EXT"

# ---- Nova: a server with three NICs ----
out=$(os --os-compute-api-version 2.52 server create "$P-vm" --flavor "$FLAVOR" --image "$IMAGE" \
  --nic port-id="$PORT_A" --nic port-id="$PORT_B" --nic port-id="$PORT_C" \
  --property role=e2e --tag "$P-a" --key-name "${KEYPAIR:-viok}" --user-data "$USER_DATA" --wait -f json)
expect "$out" "d['status'] == 'ACTIVE' and d['name'] == '$P-vm'" "server create --wait with three --nic port-id"
SERVER=$(field "$out" id)
out=$(os --os-compute-api-version 2.52 server show "$SERVER" -f json)
expect "$out" "d['status'] == 'ACTIVE' and d['tags'] in (['$P-a'], '$P-a') and 'role' in str(d['properties'])" "server show: status, tags, properties"
expect "$out" "all(ip in json.dumps(d['addresses']) for ip in ['10.77.0.50'])" "server show: addresses include the fixed IP"
out=$(os --os-compute-api-version 2.52 server list --tags "$P-a" -f json)
expect "$out" "[s['Name'] for s in d] == ['$P-vm'] and d[0]['Status'] == 'ACTIVE'" "server list --tags"
out=$(os --os-compute-api-version 2.52 server list --not-tags "$P-a" -f json)
expect "$out" "'$P-vm' not in [s['Name'] for s in d]" "server list --not-tags"
os server set --property extra=1 "$SERVER" >/dev/null
os server unset --property role "$SERVER" >/dev/null
out=$(os server show "$SERVER" -f json)
expect "$out" "d['properties'] in ({'extra': '1'}, \"extra='1'\")" "server set/unset --property"
os --os-compute-api-version 2.52 server set --tag "$P-d" "$SERVER" >/dev/null
os --os-compute-api-version 2.52 server unset --tag "$P-a" "$SERVER" >/dev/null
out=$(os --os-compute-api-version 2.52 server list --tags "$P-d" -f json)
expect "$out" "[s['ID'] for s in d] == ['$SERVER']" "server set/unset --tag"
os server add port "$SERVER" "$PORT_X" >/dev/null
out=$(os server show "$SERVER" -f json)
expect "$out" "'$P-other2' in json.dumps(d['addresses']) and '$P-net' in json.dumps(d['addresses'])" "server add port: a fourth NIC on another network"
os server remove port "$SERVER" "$PORT_X" >/dev/null
out=$(os port show "$PORT_X" -f json)
expect "$out" "d['device_id'] == ''" "server remove port"
out=$(os port list --server "$SERVER" -f json)
expect "$out" "sorted(p['ID'] for p in d) == sorted(['$PORT_A', '$PORT_B', '$PORT_C'])" "port list --server: one port per NIC"
out=$(os port show "$PORT_A" -f json)
expect "$out" "d['device_id'] == '$SERVER' and d['device_owner'].startswith('compute:')" "port bound to the server"
os server delete --wait "$SERVER" >/dev/null
out=$(os server list --name "^$P-vm\$" -f json)
expect "$out" "d == []" "server delete --wait"
out=$(os port show "$PORT_A" -f json)
expect "$out" "d['device_id'] == '' and d['device_owner'] == ''" "server delete detaches its ports"

# ---- clean-up ----
os floating ip unset --port "$FIP" >/dev/null
out=$(os floating ip show "$FIP" -f json)
expect "$out" "d['port_id'] is None" "floating ip unset --port"
os floating ip delete "$FIP" >/dev/null
os port delete "$PORT_A" "$PORT_B" "$PORT_C" "$PORT_X" "$PORT_Y" >/dev/null
os security group delete "$SG" >/dev/null
expect_error "still has ports" "router delete refuses a router with interfaces" router delete "$P-router"
os router remove subnet "$P-router" "$P-subnet" >/dev/null
os router unset --external-gateway "$P-router" >/dev/null
os router delete "$P-router" >/dev/null
os subnet delete "$P-subnet" "$TINY" >/dev/null
os network delete "$NET" "$OTHER" >/dev/null
out=$(os network list -f json)
expect "$out" "not any(n['Name'].startswith('$P-') for n in d)" "network delete"
out=$(os port list -f json)
expect "$out" "not any((p['Name'] or '').startswith('$P-') for p in d)" "no port left"
out=$(os router list -f json)
expect "$out" "not any(r['Name'].startswith('$P-') for r in d)" "no router left"
out=$(os security group list -f json)
expect "$out" "not any(g['Name'].startswith('$P-') for g in d)" "no security group left"
out=$(os floating ip list -f json)
expect "$out" "'$FIP' not in [f['ID'] for f in d] and len(d) == $FIPS_BEFORE" "no floating ip left (nor one from the refused create)"
echo "all checks passed"
