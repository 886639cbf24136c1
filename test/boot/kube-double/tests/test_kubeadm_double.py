"""Host-side tests of viok's kubeadm TEST DOUBLE: its refusals, and a full init + join on 127.0.0.1.

    python3 -m unittest discover -s test/boot/kube-double/tests -v

The configs below have the exact shape viok renders (src/render/kubeadm.ts; captured from
`viok create cluster demo --sim -f examples/vds.yaml`), with 127.0.0.1 and a free port.
"""
import base64
import hashlib
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
PKG = os.path.dirname(HERE)
sys.path.insert(0, PKG)

TOKEN = "oquocz.vt5vyeq8dzvcj1pg"

INIT = """apiVersion: kubeadm.k8s.io/{api}
kind: InitConfiguration
bootstrapTokens:
  - token: {token}
    description: "viok: joins nodes of demo"
    ttl: 24h0m0s
    usages:
      - signing
      - authentication
    groups:
      - system:bootstrappers:kubeadm:default-node-token
localAPIEndpoint:
  advertiseAddress: 127.0.0.1
  bindPort: {port}
nodeRegistration:
  name: demo-cp-1
  criSocket: unix:///run/containerd/containerd.sock
  kubeletExtraArgs:
    - name: node-ip
      value: 127.0.0.1
---
apiVersion: kubeadm.k8s.io/{api}
kind: ClusterConfiguration
clusterName: demo
kubernetesVersion: {version}
controlPlaneEndpoint: {cpe}
networking:
  serviceSubnet: 10.96.0.0/12
  dnsDomain: cluster.local
  podSubnet: 10.244.0.0/16
apiServer:
  certSANs:
    - 127.0.0.1
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: systemd
"""

JOIN = """apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
discovery:
  bootstrapToken:
    apiServerEndpoint: {ep}
    token: {token}
    caCertHashes:
      - {hash}
nodeRegistration:
  name: {name}
  criSocket: unix:///run/containerd/containerd.sock
  kubeletExtraArgs:
    - name: node-ip
      value: 127.0.0.2
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Base(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="kube-double-test.")
        self.root = os.path.join(self.dir, "root")
        self.port = free_port()
        os.makedirs(self.root + "/etc/kubernetes/pki/etcd")
        os.makedirs(self.root + "/var/lib/viok-kube-double")
        from viok_kube_double import common as C
        for base, cn in (("ca", "kubernetes"), ("front-proxy-ca", "front-proxy-ca"), ("etcd/ca", "etcd-ca")):
            crt, key = C.new_ca(cn)
            C.write_pem(f"{self.root}/etc/kubernetes/pki/{base}.crt", crt)
            C.write_pem(f"{self.root}/etc/kubernetes/pki/{base}.key", key, 0o600)
        self.ca_pem = C.read_pem(f"{self.root}/etc/kubernetes/pki/ca.crt")
        self.hash = C.ca_cert_hash(self.ca_pem)

    def tearDown(self):
        pidf = self.root + "/var/lib/viok-kube-double/apiserver.pid"
        if os.path.exists(pidf):
            try:
                with open(pidf) as f:
                    os.kill(int(f.read()), signal.SIGTERM)
            except ProcessLookupError:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)

    def kubeadm(self, *args, root=None, timeout="6"):
        env = dict(os.environ, VIOK_KUBE_DOUBLE_ROOT=root or self.root, VIOK_KUBE_DOUBLE_START="spawn",
                   VIOK_KUBE_DOUBLE_TIMEOUT=timeout, PYTHONPATH=PKG)
        return subprocess.run([sys.executable, os.path.join(PKG, "kubeadm"), *args], capture_output=True, text=True,
                              env=env, timeout=120)

    def write(self, name, text):
        p = os.path.join(self.dir, name)
        with open(p, "w") as f:
            f.write(text)
        return p

    def init_config(self, **kw):
        d = dict(api="v1beta4", token=TOKEN, port=self.port, version="v1.31.4", cpe=f"127.0.0.1:{self.port}")
        d.update(kw)
        return self.write("init.yaml", INIT.format(**d))

    def assertRefused(self, r, text):
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn(text, r.stderr)
        for line in (r.stdout + r.stderr).splitlines():
            self.assertTrue(line.startswith("[viok-kube-double]"), line)


class Refusals(Base):
    def test_v1beta4_refused_for_1_30(self):
        self.assertRefused(self.kubeadm("init", "--config", self.init_config(version="v1.30.2")),
                           'unsupported API version "kubeadm.k8s.io/v1beta4"')

    def test_v1beta3_with_list_extra_args_refused(self):
        self.assertRefused(self.kubeadm("init", "--config", self.init_config(api="v1beta3")),
                           "takes a map")

    def test_bad_token_refused(self):
        self.assertRefused(self.kubeadm("init", "--config", self.init_config(token="ABC.def")),
                           "was not of the form")

    def test_unknown_kind_refused(self):
        p = self.write("x.yaml", "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfig\n")
        self.assertRefused(self.kubeadm("init", "--config", p), 'no kind "InitConfig"')

    def test_missing_version_refused(self):
        p = self.write("x.yaml", INIT.format(api="v1beta4", token=TOKEN, port=1, version="v1.31.4", cpe="h:1")
                       .replace("kubernetesVersion: v1.31.4\n", ""))
        self.assertRefused(self.kubeadm("init", "--config", p), "could not fetch a Kubernetes version")

    def test_ca_key_mismatch_refused(self):
        from viok_kube_double import common as C
        _, other = C.new_ca("other")
        C.write_pem(self.root + "/etc/kubernetes/pki/ca.key", other, 0o600)
        self.assertRefused(self.kubeadm("init", "--config", self.init_config()), "does not match the certificate")

    def test_unreachable_control_plane_endpoint_refused(self):
        r = self.kubeadm("init", "--config", self.init_config(cpe=f"127.0.0.1:{free_port()}"), timeout="3")
        self.assertRefused(r, "unable to reach controlPlaneEndpoint")

    def test_join_without_hash_refused(self):
        p = self.write("j.yaml", JOIN.format(ep="127.0.0.1:1", token=TOKEN, hash="x", name="w")
                       .replace("    caCertHashes:\n      - x\n", ""))
        self.assertRefused(self.kubeadm("join", "--config", p), "without caCertHashes")


class Versions(Base):
    """viok's `bootstrap.install: skip` reads these exactly as from the real tools (templates/install-kubernetes.sh)."""

    def test_versions_the_image_was_built_for(self):
        env = dict(os.environ, VIOK_KUBE_DOUBLE_VERSION="v1.31.9", PYTHONPATH=PKG)
        r = subprocess.run([sys.executable, os.path.join(PKG, "kubeadm"), "version", "-o", "short"],
                           capture_output=True, text=True, env=env)
        self.assertEqual((r.returncode, r.stdout), (0, "v1.31.9\n"))
        r = subprocess.run(["sh", os.path.join(PKG, "kubelet"), "--version"], capture_output=True, text=True, env=env)
        self.assertEqual((r.returncode, r.stdout.split()[1]), (0, "v1.31.9"))


class InitJoin(Base):
    def test_init_then_join(self):
        r = self.kubeadm("init", "--config", self.init_config(), "--skip-token-print")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertNotIn(TOKEN, r.stdout)
        self.assertIn("initialized successfully", r.stdout)
        admin = open(self.root + "/etc/kubernetes/admin.conf").read()
        self.assertTrue(admin.startswith("# viok TEST DOUBLE"))
        # /readyz with the admin client certificate of admin.conf, TLS verified by the CA
        import yaml
        kc = yaml.safe_load(admin)
        u = kc["users"][0]["user"]
        for k in ("client-certificate-data", "client-key-data"):
            open(os.path.join(self.dir, k), "wb").write(base64.b64decode(u[k]))
        ctx = ssl.create_default_context(cadata=self.ca_pem.decode())
        ctx.load_cert_chain(os.path.join(self.dir, "client-certificate-data"), os.path.join(self.dir, "client-key-data"))
        url = f"https://127.0.0.1:{self.port}"
        self.assertEqual(urllib.request.urlopen(url + "/readyz", context=ctx).read(), b"ok")
        nodes = json.load(urllib.request.urlopen(url + "/api/v1/nodes", context=ctx))
        self.assertEqual(nodes["kind"], "NodeList")
        self.assertEqual([n["metadata"]["name"] for n in nodes["items"]], ["demo-cp-1"])
        # without a client certificate: anonymous, forbidden
        anon = ssl.create_default_context(cadata=self.ca_pem.decode())
        with self.assertRaises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(url + "/api/v1/nodes", context=anon)
        self.assertEqual(e.exception.code, 403)

        # a join with a wrong CA hash is refused; then the right one registers the node
        root2 = os.path.join(self.dir, "root2")
        os.makedirs(root2)
        bad = "sha256:" + hashlib.sha256(b"not the ca").hexdigest()
        j = self.write("join-bad.yaml", JOIN.format(ep=f"127.0.0.1:{self.port}", token=TOKEN, hash=bad, name="demo-worker-1"))
        self.assertRefused(self.kubeadm("join", "--config", j, root=root2), "none of the public keys")
        j = self.write("join-badtoken.yaml", JOIN.format(ep=f"127.0.0.1:{self.port}", token="abcdef.0123456789abcdef",
                                                          hash=self.hash, name="demo-worker-1"))
        self.assertRefused(self.kubeadm("join", "--config", j, root=root2), "no JWS signed token")
        j = self.write("join.yaml", JOIN.format(ep=f"127.0.0.1:{self.port}", token=TOKEN, hash=self.hash, name="demo-worker-1"))
        r = self.kubeadm("join", "--config", j, root=root2)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        nodes = json.load(urllib.request.urlopen(url + "/api/v1/nodes", context=ctx))
        self.assertEqual(sorted(n["metadata"]["name"] for n in nodes["items"]), ["demo-cp-1", "demo-worker-1"])
        w = [n for n in nodes["items"] if n["metadata"]["name"] == "demo-worker-1"][0]
        self.assertEqual(w["status"]["addresses"][0], {"type": "InternalIP", "address": "127.0.0.2"})
        self.assertEqual(w["spec"]["podCIDR"], "10.244.1.0/24")
        # an endpoint the serving certificate does not cover ("localhost" reaches it, but is no SAN): refused by real TLS
        j2 = self.write("join-san.yaml", JOIN.format(ep=f"localhost:{self.port}", token=TOKEN, hash=self.hash, name="demo-worker-2"))
        self.assertRefused(self.kubeadm("join", "--config", j2, root=root2), "SANs must cover the join endpoint")
        # joining again while Ready is refused
        self.assertRefused(self.kubeadm("join", "--config", j, root=root2), "already exists in the cluster")
        # generic store: create and read back a namespaced object
        req = urllib.request.Request(url + "/api/v1/namespaces/default/configmaps", method="POST",
                                     data=json.dumps({"metadata": {"name": "x"}, "data": {"a": "1"}}).encode(),
                                     headers={"Content-Type": "application/json"})
        self.assertEqual(urllib.request.urlopen(req, context=ctx).status, 201)
        got = json.load(urllib.request.urlopen(url + "/api/v1/namespaces/default/configmaps/x", context=ctx))
        self.assertEqual(got["data"], {"a": "1"})

        # OpenAPI v3: every group version listed; a PATCH per resource accepting fieldValidation, tagged with its GVK
        root = json.load(urllib.request.urlopen(url + "/openapi/v3", context=ctx))
        self.assertIn("apis/apps/v1", root["paths"])
        apps = json.load(urllib.request.urlopen(url + root["paths"]["apis/apps/v1"]["serverRelativeURL"], context=ctx))
        op = apps["paths"]["/apis/apps/v1/namespaces/{namespace}/daemonsets/{name}"]["patch"]
        self.assertEqual(op["x-kubernetes-group-version-kind"], {"group": "apps", "version": "v1", "kind": "DaemonSet"})
        self.assertIn("fieldValidation", [p["name"] for p in op["parameters"]])

        # the real kubectl applies a manifest (client-side apply, default validation: left to the server)
        kubectl = os.environ.get("KUBECTL", "/usr/lib/google-cloud-sdk/bin/kubectl.1.31")
        if not os.access(kubectl, os.X_OK):
            self.skipTest(f"no kubectl at {kubectl} (KUBECTL=...)")
        manifest = self.write("m.yaml", MANIFEST)
        r = subprocess.run([kubectl, "--kubeconfig", self.root + "/etc/kubernetes/admin.conf", "apply", "-f", manifest],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for line in ("namespace/kube-flannel created", "clusterrole.rbac.authorization.k8s.io/flannel created",
                     "configmap/kube-flannel-cfg created", "daemonset.apps/kube-flannel-ds created"):
            self.assertIn(line, r.stdout)


MANIFEST = """apiVersion: v1
kind: Namespace
metadata:
  name: kube-flannel
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: flannel
rules:
  - apiGroups: [""]
    resources: [nodes]
    verbs: [get, list, watch]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: kube-flannel-cfg
  namespace: kube-flannel
data:
  net-conf.json: '{"Network": "10.244.0.0/16"}'
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: kube-flannel-ds
  namespace: kube-flannel
spec:
  selector:
    matchLabels: {app: flannel}
  template:
    metadata:
      labels: {app: flannel}
    spec:
      containers:
        - name: kube-flannel
          image: ghcr.io/flannel-io/flannel:v0.26.1
"""


if __name__ == "__main__":
    unittest.main()
