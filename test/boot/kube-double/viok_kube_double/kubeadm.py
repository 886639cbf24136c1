"""viok's TEST DOUBLE for `kubeadm` (NOT kubeadm): `kubeadm init --config F` and `kubeadm join --config F`.

It reads the configuration viok renders, refuses what real kubeadm would refuse among the things it can
check, and then, instead of running static pods and a kubelet, starts viok's kube-apiserver double
(systemd unit viok-kube-apiserver-double.service) and registers the node as a Ready Node object.

Checks (each exits 1 with a kubeadm-like message):
  - config: apiVersion/kind pairs kubeadm knows; the kubeadm config API version must be one the kubeadm
    for the config's kubernetesVersion decodes (v1beta3 from 1.22, v1beta4 from 1.31, v1beta2 up to 1.26);
    extraArgs/kubeletExtraArgs shape (list of {name,value} in v1beta4, map before); kubernetesVersion set
    (offline kubeadm cannot look up "stable"); bootstrap token format; endpoints are HOST:PORT;
    node name is an RFC 1123 subdomain; networking CIDRs parse.
  - init: pre-provisioned CAs in /etc/kubernetes/pki load, are CAs, are not expired, match their keys;
    the API server is reached through controlPlaneEndpoint with TLS verified against the cluster CA and the
    endpoint's host name/IP (so the serving certificate's SANs must cover it).
  - join: discovery through apiServerEndpoint: cluster-info's CA must match a pinned caCertHashes entry
    (sha256 of the CA's SubjectPublicKeyInfo) and its JWS must verify with the token; then TLS to the
    endpoint verified with that CA and host name; the token must authenticate; a control-plane join needs
    the shared CAs/keys on disk and a controlPlaneEndpoint in the cluster's ClusterConfiguration; a Ready
    Node of the same name must not exist.
"""
import argparse
import base64
import http.client
import ipaddress
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time

from . import common as C
from .common import Refusal, say

UNIT = "viok-kube-apiserver-double.service"
TIMEOUT = float(os.environ.get("VIOK_KUBE_DOUBLE_TIMEOUT", "240"))


# ---------------------------------------------------------------- small HTTPS client

class Client:
    def __init__(self, host, port, ca_pem=None, cert=None, key=None, token=None, verify=True):
        self.host, self.port, self.token = host, port, token
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        if verify:
            ctx.load_verify_locations(cadata=ca_pem.decode() if isinstance(ca_pem, bytes) else ca_pem)
            ctx.check_hostname = True
        else:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        if cert:
            ctx.load_cert_chain(cert, key)
        self.ctx = ctx

    def req(self, method, path, body=None, ctype="application/json"):
        conn = http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=15)
        headers = {"Accept": "application/json", "User-Agent": "kubeadm-viok-test-double"}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = ctype
        try:
            conn.request(method, path, body=data, headers=headers)
            r = conn.getresponse()
            raw = r.read()
        finally:
            conn.close()
        try:
            return r.status, json.loads(raw)
        except ValueError:
            return r.status, raw.decode(errors="replace")


def wait_for(what, fn, timeout=None):
    """Retry fn until it returns without an OSError/ssl error, as kubeadm's waits do."""
    deadline = time.time() + (timeout if timeout is not None else TIMEOUT)
    last = None
    while True:
        try:
            return fn()
        except ssl.SSLCertVerificationError:
            raise
        except (OSError, http.client.HTTPException) as e:
            last = e
        if time.time() > deadline:
            raise Refusal(f"{what}: timed out waiting for the condition: {last}")
        time.sleep(2)


# ---------------------------------------------------------------- config

def read_config(config_path, want):
    docs = C.load_docs(config_path)
    by_kind = C.split_docs(docs)
    if want == "init":
        if "JoinConfiguration" in by_kind and len(by_kind) == 1:
            raise Refusal("kubeadm init: the config holds only a JoinConfiguration (use kubeadm join)")
        cc = by_kind.get("ClusterConfiguration") or {}
        ver = C.parse_version(cc.get("kubernetesVersion"))
        if ver is None:
            if not cc.get("kubernetesVersion"):
                raise Refusal('could not fetch a Kubernetes version from the internet: unable to get URL '
                              '"https://dl.k8s.io/release/stable-1.txt" (set ClusterConfiguration.kubernetesVersion)')
            raise Refusal(f'couldn\'t parse Kubernetes version "{cc.get("kubernetesVersion")}"')
        C.check_api_versions(by_kind, ver)
        if ver[0] == 1 and ver[1] < 22:
            raise Refusal("this version of kubeadm only supports deploying clusters with the control plane version >= 1.22")
    else:
        if "JoinConfiguration" not in by_kind:
            raise Refusal("kubeadm join --config: no JoinConfiguration found in the config file")
        ver = None
    return by_kind, ver


def check_common(by_kind):
    for kind in ("InitConfiguration", "JoinConfiguration"):
        d = by_kind.get(kind)
        if not d:
            continue
        nr = d.get("nodeRegistration") or {}
        C.check_extra_args(d["apiVersion"], f"{kind}.nodeRegistration.kubeletExtraArgs", nr.get("kubeletExtraArgs"))
        if nr.get("name") is not None:
            C.check_node_name(nr["name"], f"{kind}.nodeRegistration.name")
        node_ip = C.extra_args_dict(nr.get("kubeletExtraArgs")).get("node-ip")
        if node_ip and not all(C.is_ip(x.strip()) for x in node_ip.split(",")):
            raise Refusal(f'{kind}: kubelet flag node-ip "{node_ip}" is not an IP address')
    cc = by_kind.get("ClusterConfiguration")
    if cc:
        for comp in ("apiServer", "controllerManager", "scheduler"):
            C.check_extra_args(cc["apiVersion"], f"ClusterConfiguration.{comp}.extraArgs", (cc.get(comp) or {}).get("extraArgs"))
        net = cc.get("networking") or {}
        for f in ("serviceSubnet", "podSubnet"):
            if net.get(f):
                C.check_cidrs(net[f], f"networking.{f}")
        if cc.get("controlPlaneEndpoint"):
            C.split_host_port(cc["controlPlaneEndpoint"], "controlPlaneEndpoint")
        for s in (cc.get("apiServer") or {}).get("certSANs") or []:
            if not isinstance(s, str) or not s:
                raise Refusal(f"apiServer.certSANs: invalid entry {s!r}")


def node_name(nr):
    return nr.get("name") or socket.gethostname().lower()


def default_ip():
    """The address of the interface with the default route (kubeadm's and the kubelet's choice)."""
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.connect(("203.0.113.1", 9))
        ip = s.getsockname()[0]
        s.close()
        return ip
    except OSError:
        return "127.0.0.1"


def node_addresses(nr):
    ip = C.extra_args_dict(nr.get("kubeletExtraArgs")).get("node-ip")
    ips = [x.strip() for x in ip.split(",")] if ip else [default_ip()]
    return [{"type": "InternalIP", "address": x} for x in ips] + [{"type": "Hostname", "address": node_name(nr)}]


def node_object(nr, version, control_plane):
    name = node_name(nr)
    labels = {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
              "beta.kubernetes.io/os": "linux", "beta.kubernetes.io/arch": "amd64",
              "viok.test/double": "kube-double"}
    spec = {}
    if control_plane:
        labels["node-role.kubernetes.io/control-plane"] = ""
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
        spec["taints"] = [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]
    taints = nr.get("taints")
    if taints is not None:
        spec["taints"] = taints
    t = C.rfc3339()
    cri = nr.get("criSocket") or "unix:///run/containerd/containerd.sock"
    return {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": labels,
                     "annotations": {"kubeadm.alpha.kubernetes.io/cri-socket": cri,
                                     "viok.test/double": C.FILE_BANNER}},
        "spec": spec,
        "status": {
            "conditions": [
                {"type": "Ready", "status": "True", "reason": "KubeletReady", "lastHeartbeatTime": t,
                 "lastTransitionTime": t,
                 "message": "viok TEST DOUBLE: no kubelet runs; the kubeadm double registered this node as Ready"}],
            "addresses": node_addresses(nr),
            "nodeInfo": {"kubeletVersion": "v%d.%d.%d" % version, "kubeProxyVersion": "v%d.%d.%d" % version,
                         "containerRuntimeVersion": "containerd://(viok test double: not used)",
                         "osImage": "Debian GNU/Linux 12 (bookworm)", "operatingSystem": "linux", "architecture": "amd64",
                         "kernelVersion": os.uname().release, "machineID": "", "systemUUID": "", "bootID": ""},
        },
    }


# ---------------------------------------------------------------- service control

def start_apiserver():
    mode = os.environ.get("VIOK_KUBE_DOUBLE_START", "systemd")
    if mode == "systemd":
        subprocess.run(["systemctl", "daemon-reload"], check=False)
        r = subprocess.run(["systemctl", "enable", "--now", UNIT], capture_output=True, text=True)
        if r.returncode != 0:
            raise Refusal(f"starting {UNIT} failed: {r.stderr.strip()}")
        subprocess.run(["systemctl", "restart", UNIT], check=False)
    elif mode == "spawn":  # host-side tests
        log = open(C.path(C.STATE_DIR + "/apiserver.log"), "ab")
        env = dict(os.environ)
        env["PYTHONPATH"] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        p = subprocess.Popen([sys.executable, "-m", "viok_kube_double.apiserver", "--state-dir", C.path(C.STATE_DIR)],
                             stdout=log, stderr=log, env=env, start_new_session=True)
        with open(C.path(C.STATE_DIR + "/apiserver.pid"), "w") as f:
            f.write(str(p.pid))
    elif mode != "none":
        raise Refusal(f"VIOK_KUBE_DOUBLE_START={mode}: not one of systemd, spawn, none")


# ---------------------------------------------------------------- init

SHARED_CAS = [("ca", "ca"), ("front-proxy-ca", "front-proxy CA"), ("etcd/ca", "etcd CA")]


def pki(p):
    return C.path(C.PKI_DIR + "/" + p)


def load_or_create_cas():
    cas = {}
    for base, what in SHARED_CAS:
        crt, key = pki(base + ".crt"), pki(base + ".key")
        if not os.path.exists(crt) and not os.path.exists(key):
            pem, kpem = C.new_ca({"ca": "kubernetes", "front-proxy-ca": "front-proxy-ca", "etcd/ca": "etcd-ca"}[base])
            C.write_pem(crt, pem)
            C.write_pem(key, kpem, 0o600)
            say(f"[certs] Generating \"{base}\" certificate and key (none was pre-provisioned)")
        else:
            say(f"[certs] Using the existing \"{base}\" certificate and key")
        cas[base] = C.load_ca_pair(crt, key, what)
    if os.path.exists(pki("sa.key")) != os.path.exists(pki("sa.pub")):
        raise Refusal("failure loading the service account key pair: sa.key and sa.pub must both exist")
    if os.path.exists(pki("sa.key")):
        from cryptography.hazmat.primitives import serialization
        k = serialization.load_pem_private_key(C.read_pem(pki("sa.key")), password=None)
        pub = serialization.load_pem_public_key(C.read_pem(pki("sa.pub")))
        der = lambda x: x.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)  # noqa: E731
        if der(k.public_key()) != der(pub):
            raise Refusal("the service account public key sa.pub does not match sa.key")
        say("[certs] Using the existing \"sa\" key")
    return cas


def apiserver_sans(node, advertise, cc):
    dns_domain = (cc.get("networking") or {}).get("dnsDomain") or "cluster.local"
    svc = ((cc.get("networking") or {}).get("serviceSubnet") or "10.96.0.0/12").split(",")[0].strip()
    first = str(next(ipaddress.ip_network(svc).hosts()))
    dns = [node, "kubernetes", "kubernetes.default", "kubernetes.default.svc", f"kubernetes.default.svc.{dns_domain}"]
    ips = [first, advertise]
    hosts = []
    if cc.get("controlPlaneEndpoint"):
        hosts.append(C.split_host_port(cc["controlPlaneEndpoint"], "controlPlaneEndpoint")[0])
    hosts += (cc.get("apiServer") or {}).get("certSANs") or []
    for h in hosts:
        (ips if C.is_ip(h) else dns).append(h)
    dedup = lambda xs: list(dict.fromkeys(xs))  # noqa: E731
    return dedup(dns), dedup(ips)


def write_file(p, text, mode=0o600):
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        f.write(text)
    os.chmod(p, mode)


def cmd_init(config_path, skip_token_print):
    import yaml
    by_kind, ver = read_config(config_path, "init")
    check_common(by_kind)
    ic = by_kind.get("InitConfiguration") or {}
    cc = by_kind.get("ClusterConfiguration") or {}
    vs = "v%d.%d.%d" % ver
    say(f"[init] Using Kubernetes version: {vs}")
    tokens = []
    for bt in ic.get("bootstrapTokens") or []:
        tokens.append(C.check_token(bt.get("token"), "InitConfiguration.bootstrapTokens[].token"))
    nr = ic.get("nodeRegistration") or {}
    name = node_name(nr)
    lep = ic.get("localAPIEndpoint") or {}
    advertise = lep.get("advertiseAddress") or default_ip()
    if not C.is_ip(advertise):
        raise Refusal(f'localAPIEndpoint.advertiseAddress: Invalid value: "{advertise}": must be a valid IP address')
    bind_port = int(lep.get("bindPort") or 6443)
    cpe = cc.get("controlPlaneEndpoint") or f"{advertise}:{bind_port}"
    cpe_host, cpe_port = C.split_host_port(cpe, "controlPlaneEndpoint")
    say("[preflight] Running pre-flight checks (viok test double: config and certificate checks only)")

    cas = load_or_create_cas()
    ca_cert, ca_key = cas["ca"]
    ca_pem = C.read_pem(pki("ca.crt"))
    dns, ips = apiserver_sans(name, advertise, cc)
    crt, key = C.issue_cert(ca_cert, ca_key, "kube-apiserver", dns=dns, ips=ips, server=True)
    C.write_pem(pki("apiserver.crt"), crt)
    C.write_pem(pki("apiserver.key"), key, 0o600)
    say(f"[certs] apiserver serving cert is signed for DNS names {dns} and IPs {ips}")

    # admin.conf (and super-admin.conf from 1.29, as kubeadm does), pointing at controlPlaneEndpoint
    server_url = f"https://{('[' + cpe_host + ']') if ':' in cpe_host else cpe_host}:{cpe_port}"
    cluster = cc.get("clusterName") or "kubernetes"
    admin_org = "kubeadm:cluster-admins" if ver[1] >= 29 else "system:masters"
    confs = [("admin.conf", "kubernetes-admin", admin_org)]
    if ver[1] >= 29:
        confs.append(("super-admin.conf", "kubernetes-super-admin", "system:masters"))
    for fname, user, org in confs:
        c, k = C.issue_cert(ca_cert, ca_key, user, orgs=[org], client=True)
        write_file(C.path(f"{C.KUBE_DIR}/{fname}"),
                   f"# {C.FILE_BANNER}: written by the kubeadm test double\n"
                   + C.kubeconfig_yaml(cluster, server_url, ca_pem, user, c, k))
        say(f"[kubeconfig] Writing \"{fname}\" kubeconfig file")

    # state for the API server double: its config and a seeded object store
    state = C.path(C.STATE_DIR)
    os.makedirs(state, exist_ok=True)
    net = cc.get("networking") or {}
    server_cfg = {"banner": C.FILE_BANNER, "kubernetesVersion": vs, "advertiseAddress": advertise,
                  "bindPort": bind_port, "podSubnet": net.get("podSubnet"), "serviceSubnet": net.get("serviceSubnet"),
                  "started": C.rfc3339(),
                  "pki": {"ca": pki("ca.crt"), "cert": pki("apiserver.crt"), "key": pki("apiserver.key")}}
    write_file(state + "/server.json", json.dumps(server_cfg, indent=1))
    seed_store(state, cluster, server_url, ca_pem, by_kind, tokens, vs)
    say("[control-plane] Starting the kube-apiserver TEST DOUBLE (systemd unit " + UNIT + ")")
    start_apiserver()

    # wait for the local API server, then for controlPlaneEndpoint with full TLS verification
    admin_cert = C.path(C.STATE_DIR + "/admin-client.crt")
    admin_key = C.path(C.STATE_DIR + "/admin-client.key")
    c, k = C.issue_cert(ca_cert, ca_key, "kubernetes-super-admin", orgs=["system:masters"], client=True, days=3650)
    C.write_pem(admin_cert, c, 0o600)
    C.write_pem(admin_key, k, 0o600)
    local = Client(advertise, bind_port, ca_pem, admin_cert, admin_key)
    say(f"[wait-control-plane] Waiting for the API server at https://{advertise}:{bind_port}/readyz")
    wait_for("[wait-control-plane] the API server is not healthy", lambda: ok_readyz(local))
    say(f"[api-check] The API server is healthy; checking controlPlaneEndpoint {cpe} (TLS verified against the cluster CA)")
    remote = Client(cpe_host, cpe_port, ca_pem, admin_cert, admin_key)
    try:
        wait_for(f"error execution phase upload-config/kubeadm: unable to reach controlPlaneEndpoint {cpe}",
                 lambda: ok_readyz(remote))
    except ssl.SSLCertVerificationError as e:
        raise Refusal(f"controlPlaneEndpoint {cpe}: tls: failed to verify certificate: {e.verify_message}")
    # API calls retry on connection errors, as kubeadm's do (a load balancer may accept and close the
    # connection while its health checks still mark this API server down)
    code, body = wait_for("[mark-control-plane] registering the node",
                          lambda: remote.req("POST", "/api/v1/nodes", node_object(nr, ver, True)))
    if code not in (200, 201, 409):
        raise Refusal(f"[mark-control-plane] error registering node {name}: {code} {body}")
    say(f"[mark-control-plane] Marking the node {name} as control-plane by adding the labels and taints")
    say("[bootstrap-token] Configured the bootstrap token and cluster-info ConfigMap in kube-public")
    say("")
    say("Your Kubernetes control-plane has initialized successfully!  (viok TEST DOUBLE: no real control plane runs)")
    if not skip_token_print and tokens:
        h = C.ca_cert_hash(ca_pem)
        say(f"kubeadm join {cpe} --token {tokens[0]} --discovery-token-ca-cert-hash {h}")


def ok_readyz(client):
    code, body = client.req("GET", "/readyz")
    if code != 200 or body != "ok":
        raise OSError(f"/readyz answered {code} {body!r}")
    return True


def seed_store(state, cluster, server_url, ca_pem, by_kind, tokens, vs):
    import yaml
    if os.path.exists(state + "/store.json"):
        os.remove(state + "/store.json")
    objs = []
    t = C.rfc3339()
    for ns in ("default", "kube-system", "kube-public", "kube-node-lease"):
        objs.append((("", "namespaces", None, ns), {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns},
                                                    "status": {"phase": "Active"}}))
    info = C.kubeconfig_yaml("", server_url, ca_pem)
    data = {"kubeconfig": info}
    for tok in tokens:
        tid, sec = tok.split(".")
        data[f"jws-kubeconfig-{tid}"] = C.jws_detached(info, tid, sec)
    objs.append((("", "configmaps", "kube-public", "cluster-info"),
                 {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cluster-info", "namespace": "kube-public"},
                  "data": data}))
    cc = dict(by_kind.get("ClusterConfiguration") or {})
    objs.append((("", "configmaps", "kube-system", "kubeadm-config"),
                 {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kubeadm-config", "namespace": "kube-system"},
                  "data": {"ClusterConfiguration": yaml.safe_dump(cc, sort_keys=False)}}))
    kc = by_kind.get("KubeletConfiguration") or {"apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration"}
    objs.append((("", "configmaps", "kube-system", "kubelet-config"),
                 {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kubelet-config", "namespace": "kube-system"},
                  "data": {"kubelet": yaml.safe_dump(kc, sort_keys=False)}}))
    ic = by_kind.get("InitConfiguration") or {}
    for bt, tok in zip(ic.get("bootstrapTokens") or [], tokens):
        tid, sec = tok.split(".")
        sd = {"token-id": tid, "token-secret": sec, "description": bt.get("description", ""),
              "usage-bootstrap-authentication": "true", "usage-bootstrap-signing": "true",
              "auth-extra-groups": ",".join(g for g in bt.get("groups") or [] if g != "system:bootstrappers")}
        ttl = bt.get("ttl", "24h0m0s")
        secs = parse_duration(ttl)
        if secs:
            import datetime
            sd["expiration"] = C.rfc3339(C.now() + datetime.timedelta(seconds=secs))
        objs.append((("", "secrets", "kube-system", f"bootstrap-token-{tid}"),
                     {"apiVersion": "v1", "kind": "Secret", "type": "bootstrap.kubernetes.io/token",
                      "metadata": {"name": f"bootstrap-token-{tid}", "namespace": "kube-system"}, "stringData": sd}))
    rv = 1
    out = []
    for key, o in objs:
        rv += 1
        o["metadata"].update({"uid": f"viok-double-{rv}", "resourceVersion": str(rv), "creationTimestamp": t})
        out.append({"key": list(key), "obj": o})
    with open(state + "/store.json", "w") as f:
        json.dump({"banner": C.FILE_BANNER, "rv": rv, "objects": out}, f)
    os.chmod(state + "/store.json", 0o600)


def parse_duration(s):
    import re
    total, found = 0, False
    for n, u in re.findall(r"(\d+(?:\.\d+)?)(h|m|s)", str(s)):
        found = True
        total += float(n) * {"h": 3600, "m": 60, "s": 1}[u]
    return total if found else None


# ---------------------------------------------------------------- join

def cmd_join(config_path):
    by_kind, _ = read_config(config_path, "join")
    jc = by_kind["JoinConfiguration"]
    check_common(by_kind)
    disc = (jc.get("discovery") or {})
    bt = disc.get("bootstrapToken")
    if not bt:
        raise Refusal("discovery: Invalid value: JoinConfiguration.discovery: bootstrapToken or file must be set "
                      "(file discovery is not emulated by viok's test double)")
    token = C.check_token(bt.get("token") or disc.get("tlsBootstrapToken"), "discovery.bootstrapToken.token")
    tid, sec = token.split(".")
    hashes = bt.get("caCertHashes") or []
    if not hashes and not bt.get("unsafeSkipCAVerification"):
        raise Refusal("discovery.bootstrapToken: Invalid value: using token-based discovery without caCertHashes can be "
                      "unsafe. Set unsafeSkipCAVerification as true in your kubeadm config file or pass "
                      "--discovery-token-unsafe-skip-ca-verification flag to continue")
    for h in hashes:
        if not C.HASH_RE.match(str(h)):
            raise Refusal(f'invalid discovery token CA certificate hash "{h}": expected "sha256:<64 hex digits>"')
    ep = bt.get("apiServerEndpoint")
    host, port = C.split_host_port(ep, "discovery.bootstrapToken.apiServerEndpoint")
    nr = jc.get("nodeRegistration") or {}
    name = node_name(nr)
    cp = jc.get("controlPlane")
    say("[preflight] Running pre-flight checks (viok test double: config and certificate checks only)")
    if cp is not None:
        for base, what in SHARED_CAS:
            C.load_ca_pair(pki(base + ".crt"), pki(base + ".key"), what)
        if not (os.path.exists(pki("sa.key")) and os.path.exists(pki("sa.pub"))):
            raise Refusal("error execution phase preflight: One or more conditions for hosting a new control plane instance "
                          "is not satisfied. failure loading key for service account: couldn't load the private key file "
                          + pki("sa.key"))

    # discovery: insecure fetch of cluster-info, pin the CA by hash, verify the JWS signature with the token
    say(f"[discovery] Trying to connect to API Server \"{ep}\"")
    insecure = Client(host, port, verify=False)

    def fetch_info():
        code, body = insecure.req("GET", "/api/v1/namespaces/kube-public/configmaps/cluster-info")
        if code != 200:
            raise OSError(f"cluster-info: {code}")
        return body
    info = wait_for(f"couldn't validate the identity of the API Server: Get \"https://{ep}/api/v1/namespaces/kube-public/configmaps/cluster-info\"",
                    fetch_info)
    kc_text = info.get("data", {}).get("kubeconfig", "")
    jws = info.get("data", {}).get(f"jws-kubeconfig-{tid}")
    if not jws:
        raise Refusal(f"there is no JWS signed token in the cluster-info ConfigMap. This token id \"{tid}\" is invalid "
                      "for this cluster, can't connect")
    if not C.jws_verify(kc_text, jws, tid, sec):
        raise Refusal("failed to verify JWS signature of received cluster info object, can't trust this API Server")
    import yaml
    kc = yaml.safe_load(kc_text)
    ca_pem = base64.b64decode(kc["clusters"][0]["cluster"]["certificate-authority-data"])
    got = C.ca_cert_hash(ca_pem)
    if hashes and got not in hashes:
        raise Refusal(f"cluster CA found in cluster-info ConfigMap is invalid: none of the public keys \"{got}\" are pinned")
    say(f"[discovery] Cluster info signature and contents are valid and the CA is pinned ({got[:19]}…)")

    # from here: TLS verified with the pinned CA and the endpoint's host name; authenticated by the token
    tc = Client(host, port, ca_pem, token=token)
    try:
        code, body = wait_for("[discovery] secure connection", lambda: tc.req("GET", "/version"))
    except ssl.SSLCertVerificationError as e:
        raise Refusal(f"Get \"https://{ep}/version\": tls: failed to verify certificate: {e.verify_message} "
                      "(the API server certificate's SANs must cover the join endpoint)")
    vparsed = C.parse_version(body.get("gitVersion") if isinstance(body, dict) else None)
    if not vparsed:
        raise Refusal(f"unable to read the cluster's version from https://{ep}/version: {body}")
    C.check_api_versions(by_kind, vparsed)
    code, kac = wait_for("[preflight] reading kubeadm-config",
                         lambda: tc.req("GET", "/api/v1/namespaces/kube-system/configmaps/kubeadm-config"))
    if code == 401:
        raise Refusal("unable to fetch the kubeadm-config ConfigMap: Unauthorized (the bootstrap token is not valid for this cluster)")
    if code != 200:
        raise Refusal(f"unable to fetch the kubeadm-config ConfigMap: {code} {kac}")
    cluster_cc = yaml.safe_load(kac["data"]["ClusterConfiguration"]) or {}
    if cp is not None and not cluster_cc.get("controlPlaneEndpoint"):
        raise Refusal("unable to add a new control plane instance to a cluster that doesn't have a stable "
                      "controlPlaneEndpoint address")
    code, existing = wait_for("[preflight] checking for an existing Node", lambda: tc.req("GET", f"/api/v1/nodes/{name}"))
    if code == 200:
        for c in existing.get("status", {}).get("conditions", []):
            if c.get("type") == "Ready" and c.get("status") == "True":
                raise Refusal(f"a Node with name \"{name}\" and status \"Ready\" already exists in the cluster. You must "
                              "delete the existing Node or change the name of this new joining Node")
    node = node_object(nr, vparsed, cp is not None)
    code, body = wait_for("[kubelet-start] registering the node", lambda: tc.req("POST", "/api/v1/nodes", node))
    if code not in (200, 201):
        raise Refusal(f"[kubelet-start] error registering node {name}: {code} {body}")
    say(f"[kubelet-start] Node {name} registered (viok TEST DOUBLE: no kubelet runs; TLS bootstrap with the token)")
    write_file(C.path(C.KUBE_DIR + "/kubelet.conf"),
               f"# {C.FILE_BANNER}: the kubeadm test double ran no kubelet; this kubeconfig has no credentials\n"
               + C.kubeconfig_yaml(cluster_cc.get("clusterName") or "kubernetes", f"https://{ep}", ca_pem))
    if cp is not None:
        join_control_plane(cp, nr, name, cluster_cc, vparsed, ca_pem)
    say("")
    say("This node has joined the cluster  (viok TEST DOUBLE: no real kubelet or control plane runs)")


def join_control_plane(cp, nr, name, cluster_cc, ver, ca_pem):
    """A second API server double with its own store. Multi-CP consistency would need a shared store
    (the double's stand-in for etcd): not built; one control plane is enough for the first e2e."""
    lep = cp.get("localAPIEndpoint") or {}
    advertise = lep.get("advertiseAddress") or default_ip()
    ca_cert, ca_key = C.load_ca_pair(pki("ca.crt"), pki("ca.key"), "ca")
    dns, ips = apiserver_sans(name, advertise, cluster_cc)
    crt, key = C.issue_cert(ca_cert, ca_key, "kube-apiserver", dns=dns, ips=ips, server=True)
    C.write_pem(pki("apiserver.crt"), crt)
    C.write_pem(pki("apiserver.key"), key, 0o600)
    host, port = C.split_host_port(cluster_cc["controlPlaneEndpoint"], "controlPlaneEndpoint")
    vs = "v%d.%d.%d" % ver
    state = C.path(C.STATE_DIR)
    os.makedirs(state, exist_ok=True)
    net = cluster_cc.get("networking") or {}
    write_file(state + "/server.json", json.dumps({
        "banner": C.FILE_BANNER, "kubernetesVersion": vs, "advertiseAddress": advertise,
        "bindPort": int(lep.get("bindPort") or 6443), "podSubnet": net.get("podSubnet"),
        "started": C.rfc3339(), "note": "joined control plane: separate store (no shared etcd in the double)",
        "pki": {"ca": pki("ca.crt"), "cert": pki("apiserver.crt"), "key": pki("apiserver.key")}}, indent=1))
    url = f"https://{('[' + host + ']') if ':' in host else host}:{port}"
    ver_org = "kubeadm:cluster-admins" if ver[1] >= 29 else "system:masters"
    c, k = C.issue_cert(ca_cert, ca_key, "kubernetes-admin", orgs=[ver_org], client=True)
    write_file(C.path(C.KUBE_DIR + "/admin.conf"), f"# {C.FILE_BANNER}: written by the kubeadm test double\n"
               + C.kubeconfig_yaml(cluster_cc.get("clusterName") or "kubernetes", url, ca_pem, "kubernetes-admin", c, k))
    say("[control-plane-join] Starting the kube-apiserver TEST DOUBLE on this node (own store: not shared)")
    start_apiserver()


# ---------------------------------------------------------------- CLI

def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["version"]:
        # the version the image was built for (customize.sh writes it): viok's install mode `skip` compares
        # `kubeadm version -o short` with spec.kubernetesVersion, as it does with the real kubeadm
        v = C.image_version()
        if argv[1:] in (["-o", "short"], ["--output", "short"], ["--output=short"], ["-oshort"]):
            print(v)
        else:
            say("kubeadm version: viok TEST DOUBLE (not kubeadm); emulates the version in the config", sys.stderr)
            print(f'kubeadm version: &version.Info{{Major:"{v[1:].split(".")[0]}", Minor:"{v.split(".")[1]}", '
                  f'GitVersion:"{v}", GitCommit:"viok-kube-double", GitTreeState:"clean", '
                  f'GoVersion:"none (viok test double, Python)", Compiler:"viok-kube-double", Platform:"linux/amd64"}}')
        return 0
    ap = argparse.ArgumentParser(prog="kubeadm", description="viok's kubeadm TEST DOUBLE (not kubeadm)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    pi = sub.add_parser("init")
    pi.add_argument("--config", required=True)
    pi.add_argument("--skip-token-print", action="store_true")
    pj = sub.add_parser("join")
    pj.add_argument("--config", required=True)
    pj.add_argument("endpoint", nargs="?")
    a = ap.parse_args(argv)
    say(f"kubeadm {a.cmd}: this is viok's TEST DOUBLE for kubeadm, not Kubernetes")
    try:
        if a.cmd == "init":
            cmd_init(a.config, a.skip_token_print)
        else:
            if a.endpoint:
                raise Refusal("can not mix '--config' with arguments [endpoint]")
            cmd_join(a.config)
    except Refusal as e:
        say(f"error execution phase: {e}", sys.stderr)
        say("To see the stack trace of this error execute with --v=5 or higher  (viok test double)", sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
