#!/usr/bin/env python3
"""lab-user-data.py IN OUT --fip IP: adapt viok's rendered cloud-config for the boot smoke test.

Prints every change (see smoke.sh's header for why each is made). Everything else is kept byte-for-byte
in meaning: write_files (scripts viok renders, PKI, kubeadm config), hostname, the remaining runcmd steps.
"""
import argparse
import sys

import yaml

VIP_EP = "192.168.100.2:6443"
CP1_EP = "192.168.100.3:6443"


class Literal(str):
    pass


def literal(dumper, s):
    return dumper.represent_scalar("tag:yaml.org,2002:str", s, style="|" if "\n" in s else None)


yaml.SafeDumper.add_representer(Literal, literal)
yaml.SafeDumper.add_representer(str, literal)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--fip", required=True)
    ap.add_argument("--with-lb", action="store_true",
                    help="LB nodes run: keep the VIP as controlPlaneEndpoint / apiServerEndpoint")
    ap.add_argument("--ssh-key", help="public key file: added as ssh_authorized_keys (debugging in the lab only)")
    ap.add_argument("--fix-chk", action="store_true",
                    help="keepalived's chk_haproxy: /usr/bin/pidof (a symlink to killall5) -> /usr/bin/pgrep -x")
    ap.add_argument("--wrong-ca-hash", action="store_true",
                    help="negative test: replace the JoinConfiguration's caCertHashes by a hash of something else")
    ap.add_argument("--nic", help="replace keepalived's `eth0` with this interface name (what MAC-based discovery would find)")
    a = ap.parse_args()
    text = open(a.src).read()
    assert text.startswith("#cloud-config"), "not a cloud-config"
    cc = yaml.safe_load(text)
    changes = []
    for f in cc.get("write_files", []):
        if f.get("path") != "/etc/kubernetes/viok/kubeadm.yaml":
            continue
        docs = list(yaml.safe_load_all(f["content"]))
        for d in docs:
            if d.get("kind") == "ClusterConfiguration":
                if d.get("controlPlaneEndpoint") == VIP_EP and not a.with_lb:
                    d["controlPlaneEndpoint"] = CP1_EP
                    changes.append(f"ClusterConfiguration.controlPlaneEndpoint {VIP_EP} -> {CP1_EP} (no LB nodes in the smoke)")
                sans = d.setdefault("apiServer", {}).setdefault("certSANs", [])
                if a.fip not in sans:
                    sans.append(a.fip)
                    changes.append(f"apiServer.certSANs += {a.fip} (the floating IP the host uses)")
            if d.get("kind") == "JoinConfiguration":
                bt = d["discovery"]["bootstrapToken"]
                if a.wrong_ca_hash:
                    import hashlib
                    bt["caCertHashes"] = ["sha256:" + hashlib.sha256(b"not the cluster CA").hexdigest()]
                    changes.append("NEGATIVE TEST: caCertHashes replaced by the hash of something else (join must be refused)")
                if bt.get("apiServerEndpoint") == VIP_EP and not a.with_lb:
                    bt["apiServerEndpoint"] = CP1_EP
                    changes.append(f"JoinConfiguration.discovery.bootstrapToken.apiServerEndpoint {VIP_EP} -> {CP1_EP}")
        f["content"] = "---\n".join(yaml.safe_dump(d, sort_keys=False) for d in docs)
    for f in cc.get("write_files", []):
        if f.get("path") == "/etc/keepalived/keepalived.conf" and a.nic:
            n = f["content"].count("eth0")
            f["content"] = f["content"].replace("interface eth0", f"interface {a.nic}").replace("dev eth0", f"dev {a.nic}")
            changes.append(f"keepalived.conf: eth0 -> {a.nic} ({n} places; the lab's NICs are ens2, ens3, ...)")
        if f.get("path") == "/etc/keepalived/keepalived.conf" and a.fix_chk:
            f["content"] = f["content"].replace('script "/usr/bin/pidof haproxy"', 'script "/usr/bin/pgrep -x haproxy"')
            changes.append("keepalived.conf: chk_haproxy `/usr/bin/pidof haproxy` -> `/usr/bin/pgrep -x haproxy` (keepalived runs "
                           "the resolved symlink /sbin/killall5, which then refuses the argument: the check always fails)")
    if a.ssh_key:
        cc["ssh_authorized_keys"] = [open(a.ssh_key).read().strip()]
        changes.append(f"ssh_authorized_keys += {a.ssh_key} (lab debugging: ssh debian@<fixed ip> from the qrouter netns)")
    kept = []
    is_cp_init = False
    for step in cc.get("runcmd", []):
        argv = step if isinstance(step, list) else [step]
        # viok's bootstrap wrapper: `viok-bootstrap run <phase> CMD...`, `viok-bootstrap retry <phase> <n> CMD...`,
        # `viok-bootstrap step CMD...`
        if argv[:2] == ["/usr/local/sbin/viok-bootstrap", "run"]:
            argv = argv[3:]
        elif argv[:2] == ["/usr/local/sbin/viok-bootstrap", "retry"]:
            argv = argv[4:]
        elif argv[:2] == ["/usr/local/sbin/viok-bootstrap", "step"]:
            argv = argv[2:]
        if argv[0] == "/usr/local/sbin/viok-install-kubernetes":
            changes.append("runcmd: dropped viok-install-kubernetes (pre-baked image, no registry reachable)")
            continue
        if argv[0] == "sh" and "apt-get" in " ".join(argv):
            changes.append("runcmd: dropped `apt-get update && apt-get install haproxy keepalived` (pre-baked image)")
            continue
        if argv[0] == "kubectl" and "apply" in argv:
            changes.append(f"runcmd: dropped add-on step `kubectl ... apply -f {argv[-1]}`")
            continue
        if argv[:2] == ["/usr/local/sbin/viok-kubeadm", "init"]:
            is_cp_init = True
        kept.append(step)
    if is_cp_init:
        kept.append(["sh", "-c", "echo 'viok-boot-smoke: Debian kubectl on the node:' >/dev/console; "
                     "kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes >/dev/console 2>&1 || true"])
        changes.append("runcmd: added a last step printing `kubectl get nodes` (Debian's kubectl on the node) to the console")
    cc["runcmd"] = kept
    with open(a.dst, "w") as out:
        out.write("#cloud-config\n" + yaml.safe_dump(cc, sort_keys=False, width=10000))
    for c in changes:
        print(f"lab-user-data: {a.src.rsplit('/', 1)[-1]}: {c}", file=sys.stderr)


if __name__ == "__main__":
    main()
