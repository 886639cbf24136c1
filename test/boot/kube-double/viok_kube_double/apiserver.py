"""viok's TEST DOUBLE of kube-apiserver (NOT Kubernetes): TLS on :6443 with the cluster CA.

Real-shaped enough for a Kubernetes client: /healthz /livez /readyz /version, discovery (/api, /apis,
/api/v1, /apis/G/V), OpenAPI v3 paths without schemas (so `kubectl apply` leaves validation to the server), and a generic in-memory object store persisted to a JSON file (GET/LIST/POST/PUT/
PATCH/DELETE for the resources in RESOURCES, plus any CustomResourceDefinition created through it).
Authentication: client certificates signed by the cluster CA (CN = user, O = groups) or a bootstrap token
(`Authorization: Bearer <id>.<secret>`, checked against the bootstrap-token Secrets in kube-system);
anonymous otherwise. Authorization is a small fixed table (see `authorize`). No watch, no admission,
no controllers except: a Node gets a podCIDR from the cluster's podSubnet when it is created.

    python3 -m viok_kube_double.apiserver --state-dir /var/lib/viok-kube-double
"""
import argparse
import copy
import http.server
import ipaddress
import json
import os
import socket
import ssl
import sys
import threading
import time
import uuid
from urllib.parse import parse_qs, urlsplit

from .common import BANNER, FILE_BANNER, TOKEN_RE, now, parse_version, path, rfc3339, say

# (group, version) -> {resource: (Kind, namespaced)}
RESOURCES = {
    ("", "v1"): {
        "nodes": ("Node", False), "namespaces": ("Namespace", False), "persistentvolumes": ("PersistentVolume", False),
        "pods": ("Pod", True), "services": ("Service", True), "configmaps": ("ConfigMap", True),
        "secrets": ("Secret", True), "serviceaccounts": ("ServiceAccount", True), "endpoints": ("Endpoints", True),
        "events": ("Event", True), "persistentvolumeclaims": ("PersistentVolumeClaim", True),
        "limitranges": ("LimitRange", True), "resourcequotas": ("ResourceQuota", True),
    },
    ("apps", "v1"): {"deployments": ("Deployment", True), "daemonsets": ("DaemonSet", True),
                     "statefulsets": ("StatefulSet", True), "replicasets": ("ReplicaSet", True)},
    ("rbac.authorization.k8s.io", "v1"): {"clusterroles": ("ClusterRole", False),
                                          "clusterrolebindings": ("ClusterRoleBinding", False),
                                          "roles": ("Role", True), "rolebindings": ("RoleBinding", True)},
    ("networking.k8s.io", "v1"): {"ingresses": ("Ingress", True), "ingressclasses": ("IngressClass", False),
                                  "networkpolicies": ("NetworkPolicy", True)},
    ("apiextensions.k8s.io", "v1"): {"customresourcedefinitions": ("CustomResourceDefinition", False)},
    ("certificates.k8s.io", "v1"): {"certificatesigningrequests": ("CertificateSigningRequest", False)},
    ("coordination.k8s.io", "v1"): {"leases": ("Lease", True)},
    ("policy", "v1"): {"poddisruptionbudgets": ("PodDisruptionBudget", True)},
    ("batch", "v1"): {"jobs": ("Job", True), "cronjobs": ("CronJob", True)},
    ("admissionregistration.k8s.io", "v1"): {
        "validatingwebhookconfigurations": ("ValidatingWebhookConfiguration", False),
        "mutatingwebhookconfigurations": ("MutatingWebhookConfiguration", False)},
    ("storage.k8s.io", "v1"): {"storageclasses": ("StorageClass", False)},
    ("scheduling.k8s.io", "v1"): {"priorityclasses": ("PriorityClass", False)},
    ("discovery.k8s.io", "v1"): {"endpointslices": ("EndpointSlice", True)},
}
ADMIN_GROUPS = {"system:masters", "kubeadm:cluster-admins"}
SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"]


def status(code, reason, message, details=None):
    s = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
         "reason": reason, "code": code}
    if details:
        s["details"] = details
    return code, s


def merge_patch(target, patch):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


def json_patch(doc, ops):
    doc = copy.deepcopy(doc)

    def walk(p):
        parts = [x.replace("~1", "/").replace("~0", "~") for x in p.split("/")[1:]]
        parent = doc
        for x in parts[:-1]:
            parent = parent[int(x)] if isinstance(parent, list) else parent[x]
        return parent, parts[-1]

    for op in ops:
        parent, key = walk(op["path"])
        o = op["op"]
        if isinstance(parent, list):
            idx = len(parent) if key == "-" else int(key)
            if o == "add":
                parent.insert(idx, op["value"])
            elif o == "replace":
                parent[idx] = op["value"]
            elif o == "remove":
                parent.pop(idx)
            else:
                raise ValueError(f"json patch op {o} is not supported by viok's test double")
        else:
            if o in ("add", "replace"):
                parent[key] = op["value"]
            elif o == "remove":
                parent.pop(key)
            elif o == "test":
                if parent.get(key) != op.get("value"):
                    raise ValueError("test failed")
            else:
                raise ValueError(f"json patch op {o} is not supported by viok's test double")
    return doc


class Store:
    """In-memory objects keyed by (group, resource, namespace, name), saved to a JSON file."""

    def __init__(self, file):
        self.file = file
        self.lock = threading.RLock()
        self.rv = 1
        self.objects = {}
        self.crds = {}  # (group, version) -> {plural: (Kind, namespaced)}
        if os.path.exists(file):
            with open(file) as f:
                data = json.load(f)
            self.rv = data["rv"]
            for o in data["objects"]:
                self.objects[tuple(o["key"])] = o["obj"]
            for k, v in self.objects.items():
                if k[1] == "customresourcedefinitions":
                    self._register_crd(v)

    def save(self):
        tmp = self.file + ".tmp"
        with open(tmp, "w") as f:
            json.dump({"banner": FILE_BANNER, "rv": self.rv,
                       "objects": [{"key": list(k), "obj": v} for k, v in self.objects.items()]}, f)
        os.replace(tmp, self.file)

    def next_rv(self):
        self.rv += 1
        return str(self.rv)

    def _register_crd(self, crd):
        spec = crd.get("spec", {})
        g, plural, kind = spec.get("group"), spec.get("names", {}).get("plural"), spec.get("names", {}).get("kind")
        for v in spec.get("versions", []):
            self.crds.setdefault((g, v.get("name")), {})[plural] = (kind, spec.get("scope") == "Namespaced")
        crd.setdefault("status", {})["conditions"] = [
            {"type": "Established", "status": "True", "reason": "InitialNamesAccepted",
             "message": "the initial names have been accepted (viok test double)", "lastTransitionTime": rfc3339()}]

    def resources(self, group, version):
        r = dict(RESOURCES.get((group, version), {}))
        r.update(self.crds.get((group, version), {}))
        return r

    def groups(self):
        gv = {}
        for (g, v) in list(RESOURCES) + list(self.crds):
            if g:
                gv.setdefault(g, [])
                if v not in gv[g]:
                    gv[g].append(v)
        return gv


class Server:
    def __init__(self, state_dir):
        self.state_dir = state_dir
        with open(os.path.join(state_dir, "server.json")) as f:
            self.cfg = json.load(f)
        self.store = Store(os.path.join(state_dir, "store.json"))
        self.version = parse_version(self.cfg["kubernetesVersion"])
        self.pod_subnet = self.cfg.get("podSubnet")

    # -------------------------------------------------- authentication and authorization
    def bootstrap_tokens(self):
        out = {}
        for (g, r, ns, name), o in self.store.objects.items():
            if r == "secrets" and ns == "kube-system" and o.get("type") == "bootstrap.kubernetes.io/token":
                d = o.get("stringData") or {}
                tid, sec = d.get("token-id"), d.get("token-secret")
                exp = d.get("expiration")
                if exp and exp < rfc3339():
                    continue
                if tid and sec:
                    out[f"{tid}.{sec}"] = d
        return out

    def authenticate(self, handler):
        cert = handler.request.getpeercert()
        if cert:
            cn, orgs = None, []
            for rdn in cert.get("subject", ()):
                for k, v in rdn:
                    if k == "commonName":
                        cn = v
                    elif k == "organizationName":
                        orgs.append(v)
            return {"user": cn, "groups": orgs + ["system:authenticated"]}, None
        auth = handler.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            tok = auth[7:].strip()
            if TOKEN_RE.match(tok) and tok in self.bootstrap_tokens():
                d = self.bootstrap_tokens()[tok]
                extra = [g for g in (d.get("auth-extra-groups") or "").split(",") if g]
                return {"user": "system:bootstrap:" + tok.split(".")[0],
                        "groups": ["system:bootstrappers"] + extra + ["system:authenticated"]}, None
            return None, status(401, "Unauthorized", "Unauthorized")
        return {"user": "system:anonymous", "groups": ["system:unauthenticated"]}, None

    def authorize(self, who, verb, group, resource, ns, name):
        g = set(who["groups"])
        if g & ADMIN_GROUPS:
            return True
        if resource == "configmaps" and ns == "kube-public" and name == "cluster-info" and verb == "get":
            return True  # kubeadm's RBAC: anonymous may read cluster-info
        if "system:bootstrappers" in g:
            if resource == "configmaps" and ns == "kube-system" and name in ("kubeadm-config", "kubelet-config") and verb == "get":
                return True
            if resource in ("nodes", "certificatesigningrequests") and verb in ("get", "create", "list"):
                return True  # simplification: a real joining node creates a CSR, then registers with its own cert
            if resource == "nodes" and verb in ("patch", "update"):
                return True
        if "system:nodes" in g and resource in ("nodes", "leases", "pods", "events", "configmaps", "secrets", "services"):
            return True
        return False

    # -------------------------------------------------- request handling
    def handle(self, h, method):
        u = urlsplit(h.path)
        q = {k: v[-1] for k, v in parse_qs(u.query).items()}
        p = u.path.rstrip("/") or "/"
        if p in ("/healthz", "/livez", "/readyz") and method == "GET":
            return 200, "ok"
        if p == "/version" and method == "GET":
            maj, mi, pa = self.version
            return 200, {"major": str(maj), "minor": str(mi), "gitVersion": "v%d.%d.%d" % self.version,
                         "gitCommit": "viok-kube-double", "gitTreeState": "clean", "buildDate": self.cfg.get("started", ""),
                         "goVersion": "none (viok test double, Python)", "compiler": "viok-kube-double",
                         "platform": "linux/amd64"}
        who, err = self.authenticate(h)
        if err:
            return err
        if (p == "/openapi/v3" or p.startswith("/openapi/v3/")) and method == "GET":
            return self._need(who, *self.openapi_v3(p))
        if p == "/api" and method == "GET":
            return self._need(who, 200, {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [
                {"clientCIDR": "0.0.0.0/0", "serverAddress": self.cfg.get("advertiseAddress", "") + ":6443"}]})
        if p == "/apis" and method == "GET":
            groups = [{"name": g, "versions": [{"groupVersion": f"{g}/{v}", "version": v} for v in vs],
                       "preferredVersion": {"groupVersion": f"{g}/{vs[0]}", "version": vs[0]}}
                      for g, vs in sorted(self.store.groups().items())]
            return self._need(who, 200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
        parts = p.strip("/").split("/")
        if parts[0] == "api" and len(parts) >= 2:
            group, version, rest = "", parts[1], parts[2:]
        elif parts[0] == "apis" and len(parts) >= 2:
            if len(parts) == 2:
                vs = self.store.groups().get(parts[1])
                if not vs:
                    return status(404, "NotFound", "the server could not find the requested resource")
                return self._need(who, 200, {"kind": "APIGroup", "apiVersion": "v1", "name": parts[1],
                                             "versions": [{"groupVersion": f"{parts[1]}/{v}", "version": v} for v in vs],
                                             "preferredVersion": {"groupVersion": f"{parts[1]}/{vs[0]}", "version": vs[0]}})
            group, version, rest = parts[1], parts[2], parts[3:]
        else:
            return status(404, "NotFound", "the server could not find the requested resource")
        res = self.store.resources(group, version)
        gv = f"{group}/{version}" if group else version
        if not rest:
            if not res:
                return status(404, "NotFound", "the server could not find the requested resource")
            verbs = ["create", "delete", "get", "list", "patch", "update"]
            lst = [{"name": r, "singularName": k.lower(), "namespaced": nsd, "kind": k, "verbs": verbs}
                   for r, (k, nsd) in sorted(res.items())]
            lst += [{"name": r + "/status", "singularName": "", "namespaced": nsd, "kind": k, "verbs": ["get", "patch", "update"]}
                    for r, (k, nsd) in sorted(res.items())]
            return self._need(who, 200, {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": lst})
        ns = None
        if rest[0] == "namespaces" and len(rest) >= 3:
            ns, rest = rest[1], rest[2:]
        resource, name, sub = rest[0], (rest[1] if len(rest) > 1 else None), (rest[2] if len(rest) > 2 else None)
        if resource not in res or len(rest) > 3 or (sub and sub != "status"):
            return status(404, "NotFound", "the server could not find the requested resource")
        kind, namespaced = res[resource]
        if namespaced and ns is None and name is not None:
            return status(404, "NotFound", "the server could not find the requested resource")
        if not namespaced:
            ns = None
        verb = {"GET": "get" if name else "list", "POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}[method]
        if q.get("watch") in ("1", "true"):
            return status(405, "MethodNotAllowed", "watch is not supported by viok's test double")
        if not self.authorize(who, verb, group, resource, ns, name):
            return status(403, "Forbidden", f'{resource} is forbidden: User "{who["user"]}" cannot {verb} resource '
                          f'"{resource}" in API group "{group}"' + (f' in the namespace "{ns}"' if ns else ""))
        with self.store.lock:
            return self.crud(h, method, q, group, version, gv, resource, kind, namespaced, ns, name)

    def openapi_v3(self, p):
        """OpenAPI v3, only as much as kubectl needs to leave validation to the server: the root lists every
        group version; each group version's document has, per resource, a PATCH operation tagged with its
        GroupVersionKind that accepts the `fieldValidation` query parameter (kubectl's QueryParamVerifierV3).
        No schemas: the double validates nothing (it ignores fieldValidation), which the info title says."""
        gvs = sorted(set(list(RESOURCES) + list(self.store.crds)))
        key = lambda g, v: f"apis/{g}/{v}" if g else f"api/{v}"  # noqa: E731
        if p == "/openapi/v3":
            return 200, {"paths": {key(g, v): {"serverRelativeURL": f"/openapi/v3/{key(g, v)}?hash=viok-test-double"}
                                   for g, v in gvs}}
        want = p[len("/openapi/v3/"):]
        for g, v in gvs:
            if key(g, v) != want:
                continue
            paths = {}
            for r, (kind, namespaced) in sorted(self.store.resources(g, v).items()):
                item = f"/{want}/namespaces/{{namespace}}/{r}/{{name}}" if namespaced else f"/{want}/{r}/{{name}}"
                paths[item] = {"patch": {
                    "operationId": f"patch{kind}", "x-kubernetes-group-version-kind": {"group": g, "version": v, "kind": kind},
                    "parameters": [{"name": n, "in": "query", "schema": {"type": "string"}}
                                   for n in ("dryRun", "fieldManager", "fieldValidation", "force")],
                    "responses": {"200": {"description": "OK"}}}}
            return 200, {"openapi": "3.0.0", "info": {"title": "Kubernetes: viok TEST DOUBLE (paths only, no schemas)",
                                                      "version": "v%d.%d.%d" % self.version},
                         "paths": paths, "components": {"schemas": {}}}
        return status(404, "NotFound", "the server could not find the requested resource")

    def _need(self, who, code, body):
        if "system:unauthenticated" in who["groups"]:
            return status(403, "Forbidden", 'forbidden: User "system:anonymous" cannot get path')
        return code, body

    def body(self, h):
        n = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(n) if n else b""
        ct = (h.headers.get("Content-Type") or "application/json").split(";")[0]
        if ct.endswith("yaml"):
            import yaml
            return yaml.safe_load(raw), ct
        return (json.loads(raw) if raw else None), ct

    def crud(self, h, method, q, group, version, gv, resource, kind, namespaced, ns, name):
        st = self.store
        if method in ("POST", "PUT", "PATCH") and namespaced and ns not in [k[3] for k in st.objects if k[1] == "namespaces"]:
            return status(404, "NotFound", f'namespaces "{ns}" not found')
        key = (group, resource, ns, name)
        if method == "GET" and name:
            o = st.objects.get(key)
            if o is None:
                return status(404, "NotFound", f'{resource} "{name}" not found',
                              {"name": name, "group": group, "kind": resource})
            return 200, self.shape(h, o, resource)
        if method == "GET":
            items = [o for (g, r, n, _nm), o in sorted(st.objects.items(), key=lambda kv: str(kv[0]))
                     if g == group and r == resource and (ns is None or n == ns)]
            items = [o for o in items if self.selected(o, q)]
            lst = {"kind": kind + "List", "apiVersion": gv, "metadata": {"resourceVersion": str(st.rv)}, "items": items}
            return 200, self.shape(h, lst, resource, many=True)
        if method == "DELETE":
            o = st.objects.pop(key, None)
            if o is None:
                return status(404, "NotFound", f'{resource} "{name}" not found')
            st.save()
            return 200, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                         "details": {"name": name, "group": group, "kind": resource, "uid": o["metadata"].get("uid")}}
        body, ct = self.body(h)
        if method == "POST":
            if not isinstance(body, dict):
                return status(400, "BadRequest", "the body of the request was in an unknown format")
            md = body.setdefault("metadata", {})
            if not md.get("name") and md.get("generateName"):
                md["name"] = md["generateName"] + uuid.uuid4().hex[:5]
            name = md.get("name")
            if not name:
                return status(422, "Invalid", f"{kind} is invalid: metadata.name: Required value: name or generateName is required")
            key = (group, resource, ns, name)
            if key in st.objects:
                return status(409, "AlreadyExists", f'{resource} "{name}" already exists',
                              {"name": name, "group": group, "kind": resource})
            o = self.admit_create(body, kind, gv, ns, name, resource)
            st.objects[key] = o
            st.save()
            return 201, o
        old = st.objects.get(key)
        sub = urlsplit(h.path).path.rstrip("/").endswith("/status")
        if method == "PUT":
            if old is None:
                return status(404, "NotFound", f'{resource} "{name}" not found')
            new = body
            rv = (body.get("metadata") or {}).get("resourceVersion")
            if rv and rv != old["metadata"]["resourceVersion"]:
                return status(409, "Conflict", f'Operation cannot be fulfilled on {resource} "{name}": the object has been modified; '
                              "please apply your changes to the latest version and try again")
        else:  # PATCH
            if ct == "application/apply-patch+yaml" or ct == "application/apply-patch+json":
                base = old or {}
            elif old is None:
                return status(404, "NotFound", f'{resource} "{name}" not found')
            else:
                base = old
            try:
                new = json_patch(base, body) if ct == "application/json-patch+json" else merge_patch(base, body)
            except (ValueError, KeyError, IndexError) as e:
                return status(422, "Invalid", f"patch failed: {e}")
            if old is None:
                o = self.admit_create(new, kind, gv, ns, name, resource)
                st.objects[key] = o
                st.save()
                return 201, o
        if sub:
            merged = copy.deepcopy(old)
            merged["status"] = new.get("status", old.get("status"))
            new = merged
        md = new.setdefault("metadata", {})
        for k in ("uid", "creationTimestamp", "name"):
            md[k] = old["metadata"].get(k)
        if ns:
            md["namespace"] = ns
        md["resourceVersion"] = st.next_rv()
        new.setdefault("apiVersion", gv)
        new.setdefault("kind", kind)
        st.objects[key] = new
        st.save()
        return 200, new

    def admit_create(self, body, kind, gv, ns, name, resource):
        o = copy.deepcopy(body)
        o["apiVersion"], o["kind"] = gv, kind
        md = o.setdefault("metadata", {})
        md.update({"name": name, "uid": str(uuid.uuid4()), "resourceVersion": self.store.next_rv(),
                   "creationTimestamp": rfc3339()})
        if ns:
            md["namespace"] = ns
        if resource == "namespaces":
            o.setdefault("status", {})["phase"] = "Active"
        if resource == "customresourcedefinitions":
            self.store._register_crd(o)
        if resource == "nodes" and self.pod_subnet and not o.get("spec", {}).get("podCIDR"):
            cidr = self.allocate_pod_cidr()
            if cidr:
                o.setdefault("spec", {})["podCIDR"] = cidr
                o["spec"]["podCIDRs"] = [cidr]
        return o

    def allocate_pod_cidr(self):
        net = ipaddress.ip_network(self.pod_subnet.split(",")[0].strip())
        size = 24 if net.version == 4 else 64
        used = {o.get("spec", {}).get("podCIDR") for k, o in self.store.objects.items() if k[1] == "nodes"}
        for sn in net.subnets(new_prefix=max(size, net.prefixlen)):
            if str(sn) not in used:
                return str(sn)
        return None

    @staticmethod
    def selected(o, q):
        md = o.get("metadata", {})
        for sel in filter(None, (q.get("labelSelector") or "").split(",")):
            if "!=" in sel:
                k, v = sel.split("!=", 1)
                if md.get("labels", {}).get(k) == v:
                    return False
            elif "=" in sel:
                k, v = sel.split("=", 1)
                if md.get("labels", {}).get(k.rstrip("=")) != v:
                    return False
            elif sel.startswith("!"):
                if sel[1:] in md.get("labels", {}):
                    return False
            elif sel not in md.get("labels", {}):
                return False
        for sel in filter(None, (q.get("fieldSelector") or "").split(",")):
            k, v = sel.split("=", 1)
            if k.rstrip("=") == "metadata.name" and md.get("name") != v:
                return False
            if k.rstrip("=") == "metadata.namespace" and md.get("namespace") != v:
                return False
        return True

    # -------------------------------------------------- Table output (kubectl get asks for it)
    def shape(self, h, obj, resource, many=False):
        if "as=Table" not in (h.headers.get("Accept") or ""):
            return obj
        items = obj["items"] if many else [obj]
        wide = []
        if resource == "nodes":
            cols = ["Name", "Status", "Roles", "Age", "Version", "Internal-IP", "External-IP", "OS-Image",
                    "Kernel-Version", "Container-Runtime"]
            wide = cols[5:]

            def addr(o, t):
                return next((a["address"] for a in o.get("status", {}).get("addresses", []) if a["type"] == t), "<none>")
            rows = []
            for o in items:
                info = o.get("status", {}).get("nodeInfo", {})
                rows.append([o["metadata"]["name"], self.node_status(o), self.node_roles(o), self.age(o),
                             info.get("kubeletVersion", ""), addr(o, "InternalIP"), addr(o, "ExternalIP"),
                             info.get("osImage", ""), info.get("kernelVersion", ""), info.get("containerRuntimeVersion", "")])
        else:
            cols = ["Name", "Age"]
            rows = [[o["metadata"]["name"], self.age(o)] for o in items]
        return {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {"resourceVersion": str(self.store.rv)},
                "columnDefinitions": [{"name": c, "type": "string", "format": "name" if c == "Name" else "",
                                       "description": c, "priority": 1 if c in wide else 0} for c in cols],
                "rows": [{"cells": r, "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                                                  "metadata": o["metadata"]}} for r, o in zip(rows, items)]}

    @staticmethod
    def node_status(o):
        for c in o.get("status", {}).get("conditions", []):
            if c.get("type") == "Ready":
                s = {"True": "Ready", "False": "NotReady"}.get(c.get("status"), "Unknown")
                return s + (",SchedulingDisabled" if o.get("spec", {}).get("unschedulable") else "")
        return "Unknown"

    @staticmethod
    def node_roles(o):
        roles = [k.split("/", 1)[1] for k in o.get("metadata", {}).get("labels", {}) if k.startswith("node-role.kubernetes.io/")]
        return ",".join(sorted(roles)) or "<none>"

    @staticmethod
    def age(o):
        ts = o.get("metadata", {}).get("creationTimestamp")
        if not ts:
            return "<unknown>"
        import datetime
        s = int((now() - datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%SZ")).total_seconds())
        return f"{s}s" if s < 120 else f"{s // 60}m" if s < 7200 else f"{s // 3600}h"


def make_handler(server):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "viok-kube-apiserver-double"

        def setup(self):
            self.request.settimeout(30)
            self.request.do_handshake()
            super().setup()

        def log_message(self, fmt, *args):
            sys.stderr.write(f"{BANNER} {self.address_string()} {fmt % args}\n")

        def _go(self, method):
            try:
                code, body = server.handle(self, method)
            except Exception as e:  # noqa: BLE001
                code, body = status(500, "InternalError", f"viok test double: {type(e).__name__}: {e}")
            if isinstance(body, str):
                data, ct = body.encode(), "text/plain; charset=utf-8"
            else:
                data, ct = json.dumps(body).encode(), "application/json"
            self.send_response(code)
            self.send_header("Content-Type", ct)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-Viok-Test-Double", "kube-apiserver double, not Kubernetes")
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            self._go("GET")

        def do_POST(self):
            self._go("POST")

        def do_PUT(self):
            self._go("PUT")

        def do_PATCH(self):
            self._go("PATCH")

        def do_DELETE(self):
            self._go("DELETE")

    return Handler


class TLSServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    address_family = socket.AF_INET6

    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()

    def handle_error(self, request, client_address):
        e = sys.exc_info()[1]
        sys.stderr.write(f"{BANNER} connection from {client_address[0]}: {type(e).__name__}: {e}\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description="viok's kube-apiserver TEST DOUBLE (not Kubernetes)")
    ap.add_argument("--state-dir", default=path("/var/lib/viok-kube-double"))
    ap.add_argument("--port", type=int, default=None)
    a = ap.parse_args(argv)
    srv = Server(a.state_dir)
    pki = srv.cfg["pki"]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(pki["cert"], pki["key"])
    ctx.load_verify_locations(pki["ca"])
    ctx.verify_mode = ssl.CERT_OPTIONAL
    port = a.port or srv.cfg.get("bindPort", 6443)
    httpd = TLSServer(("::", port), make_handler(srv))
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True, do_handshake_on_connect=False)
    say(f"kube-apiserver TEST DOUBLE (not Kubernetes) {srv.cfg['kubernetesVersion']} serving TLS on :{port}", sys.stderr)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
