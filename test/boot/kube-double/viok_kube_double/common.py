"""viok's TEST DOUBLE for the Kubernetes control-plane binaries: shared pieces.

This is NOT Kubernetes. It stands in for kubeadm / kube-apiserver / the kubelet on viok's boot-test
images only (test/boot/ in viok's repository; never shipped in the package). Every line it prints and
every file it writes says so.

Only the Python standard library plus python3-yaml and python3-cryptography (Debian 12 packages).
"""
import base64
import datetime
import hashlib
import hmac
import ipaddress
import json
import os
import re
import sys

BANNER = "[viok-kube-double]"
FILE_BANNER = "viok TEST DOUBLE (test/boot/kube-double), not Kubernetes"

# Paths are prefixed by VIOK_KUBE_DOUBLE_ROOT so host-side tests can run in a temporary directory.
ROOT = os.environ.get("VIOK_KUBE_DOUBLE_ROOT", "")


def path(p):
    return ROOT + p


KUBE_DIR = "/etc/kubernetes"
PKI_DIR = KUBE_DIR + "/pki"
STATE_DIR = "/var/lib/viok-kube-double"


VERSION_FILE = "/usr/local/lib/viok-kube-double/VERSION"


def image_version():
    """The Kubernetes version this image's double answers for (`kubeadm version`, `kubelet --version`): written by
    customize.sh from the real kubectl it installs; VIOK_KUBE_DOUBLE_VERSION overrides it (host tests)."""
    v = os.environ.get("VIOK_KUBE_DOUBLE_VERSION")
    if not v:
        try:
            with open(VERSION_FILE) as f:
                v = f.read().strip()
        except OSError:
            v = "v0.0.0-unknown"
    return v if v.startswith("v") else "v" + v


def say(msg, stream=None):
    """Print with the double's banner on every line."""
    stream = stream or sys.stdout
    for line in str(msg).splitlines() or [""]:
        stream.write(f"{BANNER} {line}\n")
    stream.flush()


class Refusal(Exception):
    """Something real kubeadm would refuse; the message imitates kubeadm's."""


# ---------------------------------------------------------------- versions and config API

def parse_version(v):
    m = re.match(r"^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$", str(v or ""))
    if not m:
        return None
    return tuple(int(x) for x in m.groups())


def kubeadm_api_versions(ver):
    """kubeadm config API versions a kubeadm of minor `ver` decodes (kubeadm's docs):
    v1beta2 1.15-1.26 (removed in 1.27, kubernetes PR 114540), v1beta3 from 1.22, v1beta4 from 1.31.
    Newer kubeadm releases read only v1beta4 (per their `config migrate` help); that cut-off is not modelled."""
    major, minor = ver[0], ver[1]
    out = set()
    if major != 1:
        return out
    if 15 <= minor <= 26:
        out.add("kubeadm.k8s.io/v1beta2")
    if minor >= 22:
        out.add("kubeadm.k8s.io/v1beta3")
    if minor >= 31:
        out.add("kubeadm.k8s.io/v1beta4")
    return out


KUBEADM_KINDS = {"InitConfiguration", "ClusterConfiguration", "JoinConfiguration"}
COMPONENT_KINDS = {
    "kubelet.config.k8s.io/v1beta1": {"KubeletConfiguration"},
    "kubeproxy.config.k8s.io/v1alpha1": {"KubeProxyConfiguration"},
}
V1BETA4_ONLY_KINDS = {"ResetConfiguration", "UpgradeConfiguration"}

TOKEN_RE = re.compile(r"^([a-z0-9]{6})\.([a-z0-9]{16})$")
HASH_RE = re.compile(r"^sha256:[a-f0-9]{64}$")
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def load_docs(config_path):
    import yaml
    try:
        with open(config_path) as f:
            text = f.read()
    except OSError as e:
        raise Refusal(f"unable to read config from \"{config_path}\" : {e}")
    try:
        docs = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as e:
        raise Refusal(f"error converting YAML to JSON: {e}")
    return docs


def split_docs(docs, ver=None):
    """Return {kind: doc}. Refuses unknown apiVersion/kind pairs, and config API versions a kubeadm of
    version `ver` (tuple) cannot decode. Without `ver` only the kind/group is checked here."""
    by_kind = {}
    for d in docs:
        if not isinstance(d, dict):
            raise Refusal("couldn't interpret the config document: not a YAML mapping")
        api, kind = d.get("apiVersion"), d.get("kind")
        if not api or not kind:
            raise Refusal("Object 'Kind' is missing in the config document" if not kind else
                          "Object 'apiVersion' is missing in the config document")
        if api.startswith("kubeadm.k8s.io/"):
            if kind not in KUBEADM_KINDS and not (kind in V1BETA4_ONLY_KINDS and api.endswith("v1beta4")):
                raise Refusal(f'no kind "{kind}" is registered for version "{api}" in scheme')
        elif api in COMPONENT_KINDS:
            if kind not in COMPONENT_KINDS[api]:
                raise Refusal(f'no kind "{kind}" is registered for version "{api}"')
        else:
            raise Refusal(f'no kind "{kind}" is registered for version "{api}" in scheme')
        if kind in by_kind:
            raise Refusal(f"found multiple documents of kind {kind}")
        by_kind[kind] = d
    if ver is not None:
        check_api_versions(by_kind, ver)
    return by_kind


def check_api_versions(by_kind, ver):
    ok = kubeadm_api_versions(ver)
    for kind, d in by_kind.items():
        api = d["apiVersion"]
        if api.startswith("kubeadm.k8s.io/") and api not in ok:
            v = "v%d.%d.%d" % ver
            if not ok:
                raise Refusal(f"this version of kubeadm ({v}) is not emulated by viok's test double")
            raise Refusal(
                f'{kind}: your configuration file uses an old or unsupported API version "{api}" for kubeadm {v}; '
                f"supported: {', '.join(sorted(ok))}. Please use 'kubeadm config migrate'")


def check_extra_args(api, where, value):
    """v1beta4 turned extraArgs maps into [{name, value}] lists; earlier versions take a map."""
    if value is None:
        return
    if api.endswith("v1beta4"):
        if not isinstance(value, list) or not all(isinstance(a, dict) and set(a) <= {"name", "value"} and "name" in a for a in value):
            raise Refusal(f"{where}: json: cannot unmarshal object into Go struct field of type []v1beta4.Arg "
                          "(v1beta4 takes a list of {name, value})")
    else:
        if not isinstance(value, dict):
            raise Refusal(f"{where}: json: cannot unmarshal array into Go struct field of type map[string]string "
                          f"({api} takes a map)")


def extra_args_dict(value):
    if isinstance(value, list):
        return {a["name"]: a.get("value", "") for a in value}
    return dict(value or {})


def check_token(token, where="token"):
    if not isinstance(token, str) or not TOKEN_RE.match(token):
        raise Refusal(f'{where}: the bootstrap token "{redact_token(token)}" was not of the form '
                      '"^([a-z0-9]{6})\\.([a-z0-9]{16})$"')
    return token


def redact_token(token):
    if isinstance(token, str) and "." in token:
        return token.split(".")[0] + ".<redacted>"
    return "<redacted>"


def split_host_port(endpoint, where):
    if not isinstance(endpoint, str) or not endpoint:
        raise Refusal(f"{where}: must be HOST:PORT, got {endpoint!r}")
    m = re.match(r"^\[([0-9a-fA-F:.]+)\]:(\d+)$", endpoint) or re.match(r"^([^:\[\]]+):(\d+)$", endpoint)
    if not m:
        m2 = re.match(r"^([^:\[\]]+)$", endpoint)
        if m2:
            return m2.group(1), 6443
        raise Refusal(f'{where}: address {endpoint}: invalid host:port')
    port = int(m.group(2))
    if not 0 < port < 65536:
        raise Refusal(f"{where}: port {port} out of range")
    return m.group(1), port


def is_ip(host):
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


def check_node_name(name, where="nodeRegistration.name"):
    if not isinstance(name, str) or len(name) > 253 or not DNS1123_SUBDOMAIN.match(name):
        raise Refusal(f'{where}: Invalid value: "{name}": a lowercase RFC 1123 subdomain must consist of lower '
                      "case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character")


def check_cidrs(value, where):
    for c in str(value).split(","):
        try:
            ipaddress.ip_network(c.strip(), strict=True)
        except ValueError as e:
            raise Refusal(f'{where}: Invalid value: "{value}": couldn\'t parse subnet ({e})')


# ---------------------------------------------------------------- certificates

def ca_cert_hash(cert_pem_or_obj):
    """kubeadm's discovery hash: sha256 over the DER SubjectPublicKeyInfo of the CA certificate."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    cert = cert_pem_or_obj
    if isinstance(cert, (bytes, str)):
        cert = x509.load_pem_x509_certificate(cert.encode() if isinstance(cert, str) else cert)
    spki = cert.public_key().public_bytes(serialization.Encoding.DER,
                                          serialization.PublicFormat.SubjectPublicKeyInfo)
    return "sha256:" + hashlib.sha256(spki).hexdigest()


def read_pem(p):
    with open(p, "rb") as f:
        data = f.read()
    i = data.find(b"-----BEGIN")
    return data[i:] if i >= 0 else data


def write_pem(p, pem, mode=0o644):
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(pem)
    os.chmod(p, mode)


def now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def rfc3339(t=None):
    return (t or now()).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_key():
    from cryptography.hazmat.primitives.asymmetric import ec
    # ECDSA P-256: fast to generate under TCG; real kubeadm 1.31 defaults to RSA 2048 (both are valid).
    return ec.generate_private_key(ec.SECP256R1())


def key_pem(key):
    from cryptography.hazmat.primitives import serialization
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption())


def issue_cert(ca_cert, ca_key, cn, orgs=(), dns=(), ips=(), server=False, client=False, days=365):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    key = new_key()
    name = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, o) for o in orgs]
    name.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    t = now()
    b = (x509.CertificateBuilder()
         .subject_name(x509.Name(name))
         .issuer_name(ca_cert.subject)
         .public_key(key.public_key())
         .serial_number(x509.random_serial_number())
         .not_valid_before(t - datetime.timedelta(minutes=5))
         .not_valid_after(t + datetime.timedelta(days=days))
         .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
         .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=True, content_commitment=False,
                                      data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                      crl_sign=False, encipher_only=False, decipher_only=False), critical=True))
    ekus = ([ExtendedKeyUsageOID.SERVER_AUTH] if server else []) + ([ExtendedKeyUsageOID.CLIENT_AUTH] if client else [])
    if ekus:
        b = b.add_extension(x509.ExtendedKeyUsage(ekus), critical=False)
    sans = [x509.DNSName(d) for d in dns] + [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
    if sans:
        b = b.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    cert = b.sign(ca_key, hashes.SHA256())
    from cryptography.hazmat.primitives import serialization
    return cert.public_bytes(serialization.Encoding.PEM), key_pem(key)


def new_ca(cn):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID
    key = new_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    t = now()
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(t - datetime.timedelta(minutes=5)).not_valid_after(t + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=True, content_commitment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM), key_pem(key)


def load_ca_pair(crt_path, key_path, what):
    """Load a CA pair as kubeadm does for pre-provisioned certificates; refuse what kubeadm refuses."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    try:
        cert = x509.load_pem_x509_certificate(read_pem(crt_path))
    except Exception as e:  # noqa: BLE001
        raise Refusal(f"failure loading {what} certificate: couldn't load the certificate file {crt_path}: {e}")
    try:
        bc = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
        is_ca = bc.ca
    except x509.ExtensionNotFound:
        is_ca = False
    if not is_ca:
        raise Refusal(f"{what} certificate is not a certificate authority")
    t = now()
    not_after = getattr(cert, "not_valid_after_utc", None)
    not_after = not_after.replace(tzinfo=None) if not_after is not None else cert.not_valid_after
    if not_after < t:
        raise Refusal(f"{what} certificate has expired (NotAfter {not_after})")
    if not os.path.exists(key_path):
        raise Refusal(f"failure loading key for {what}: couldn't load the private key file {key_path} "
                      "(external CA mode is not emulated by viok's test double)")
    try:
        key = serialization.load_pem_private_key(read_pem(key_path), password=None)
    except Exception as e:  # noqa: BLE001
        raise Refusal(f"failure loading key for {what}: {e}")
    pub = lambda k: k.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)  # noqa: E731
    if pub(key.public_key()) != pub(cert.public_key()):
        raise Refusal(f"{what}: the private key {key_path} does not match the certificate {crt_path}")
    return cert, key


def cert_sans(cert):
    from cryptography import x509
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return [], []
    return san.get_values_for_type(x509.DNSName), [str(i) for i in san.get_values_for_type(x509.IPAddress)]


# ---------------------------------------------------------------- JWS (cluster-info signing)

def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jws_detached(content, token_id, token_secret):
    """What the bootstrap signer puts in cluster-info: a detached HS256 JWS keyed by the token secret."""
    header = b64url(json.dumps({"alg": "HS256", "kid": token_id}, separators=(",", ":")).encode())
    payload = b64url(content.encode())
    sig = hmac.new(token_secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}..{b64url(sig)}"


def jws_verify(content, jws, token_id, token_secret):
    try:
        header, empty, _sig = jws.split(".")
    except ValueError:
        return False
    if empty != "":
        return False
    return hmac.compare_digest(jws, jws_detached(content, token_id, token_secret)) and header == jws.split(".")[0]


def kubeconfig_yaml(cluster, server, ca_pem, user=None, cert_pem=None, key_pem_=None):
    import yaml
    cfg = {"apiVersion": "v1", "kind": "Config",
           "clusters": [{"name": cluster, "cluster": {"server": server,
                                                       "certificate-authority-data": base64.b64encode(ca_pem).decode()}}],
           "contexts": [], "users": [], "current-context": "", "preferences": {}}
    if user:
        cfg["users"] = [{"name": user, "user": {"client-certificate-data": base64.b64encode(cert_pem).decode(),
                                                "client-key-data": base64.b64encode(key_pem_).decode()}}]
        ctx = f"{user}@{cluster}"
        cfg["contexts"] = [{"name": ctx, "context": {"cluster": cluster, "user": user}}]
        cfg["current-context"] = ctx
    return yaml.safe_dump(cfg, sort_keys=False)
