import type { WriteFile } from './cloud-config';
import type { BootstrapRenderInput, RegistryMirrorRenderInput } from './types';

/**
 * Node bootstrap without direct Internet access: proxy settings, package and registry mirrors, and
 * containerd's configuration (sandbox image pinned to kubeadm's, mirrors read from certs.d).
 */

/** Where containerd reads one `hosts.toml` per registry (its `config_path`). */
export const containerdCertsDir = '/etc/containerd/certs.d';
/** Environment the install script sources for its own downloads (curl, apt via the apt.conf file). */
export const proxyEnvPath = '/etc/viok/proxy.env';
/** containerd's systemd drop-in carrying the proxy: image pulls are containerd's, not the kubelet's. */
export const containerdProxyDropInPath = '/etc/systemd/system/containerd.service.d/http-proxy.conf';
export const aptProxyPath = '/etc/apt/apt.conf.d/90viok-proxy';
/** Both containerd configurations; the install script copies the one for the containerd it finds. */
export const containerdConfigPaths = {
  v2: '/etc/viok/containerd/config-v2.toml',
  v3: '/etc/viok/containerd/config-v3.toml',
} as const;

/** Always bypass the proxy for these: cluster-internal names and the loopback. */
export const noProxyAlways = ['.svc', '.cluster.local', 'localhost', '127.0.0.1'] as const;

/**
 * The no_proxy list: the cluster's service and pod CIDRs, the node subnets and the API endpoint
 * (with any further addresses clients reach it by), the always-bypassed names, then the user's
 * own entries. Duplicates removed, order kept, so the file is stable from run to run.
 */
export function computeNoProxy(input: {
  serviceCidr: string;
  podCidr: string;
  nodeSubnets: readonly string[];
  apiHosts: readonly string[];
  extra?: readonly string[];
}): string[] {
  const all = [
    input.serviceCidr,
    input.podCidr,
    ...input.nodeSubnets,
    ...input.apiHosts,
    ...noProxyAlways,
    ...(input.extra ?? []),
  ];
  return [...new Set(all.filter((e) => e.length > 0))];
}

/** A TOML basic string (JSON's escapes are a subset of TOML's). */
const tomlString = (s: string): string => JSON.stringify(s);

/** A systemd `Environment=` assignment, quoted so commas and slashes pass unchanged. */
const systemdEnv = (name: string, value: string): string =>
  `Environment=${JSON.stringify(`${name}=${value}`)}`;

/** A POSIX-shell single-quoted word. */
const shellWord = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** apt cannot take CIDRs or domain suffixes in its per-host DIRECT list: only exact host names or addresses. */
const isPlainHost = (entry: string): boolean => !entry.includes('/') && !entry.startsWith('.');

/**
 * Files that point apt, the install script's downloads and containerd at the proxy. Nothing when
 * no proxy is set: the files' mere presence must not change a cluster that does not use one.
 */
export function proxyFiles(proxy: BootstrapRenderInput['proxy'], noProxy: readonly string[]): WriteFile[] {
  if (!proxy || (proxy.http === undefined && proxy.https === undefined)) return [];
  const vars: Array<[string, string]> = [];
  if (proxy.http !== undefined) vars.push(['HTTP_PROXY', proxy.http]);
  if (proxy.https !== undefined) vars.push(['HTTPS_PROXY', proxy.https]);
  vars.push(['NO_PROXY', noProxy.join(',')]);
  const env = vars.flatMap(([k, v]) => [
    `export ${k}=${shellWord(v)}`,
    `export ${k.toLowerCase()}=${shellWord(v)}`,
  ]);
  const apt = [
    ...(proxy.http !== undefined ? [`Acquire::http::Proxy ${tomlString(proxy.http)};`] : []),
    ...(proxy.https !== undefined ? [`Acquire::https::Proxy ${tomlString(proxy.https)};`] : []),
    ...noProxy
      .filter(isPlainHost)
      .flatMap((h) => [`Acquire::http::Proxy::${h} "DIRECT";`, `Acquire::https::Proxy::${h} "DIRECT";`]),
  ];
  return [
    {
      path: containerdProxyDropInPath,
      content: `# Rendered by viok: containerd pulls images through the proxy.\n[Service]\n${vars.map(([k, v]) => systemdEnv(k, v)).join('\n')}\n`,
      permissions: '0644',
    },
    { path: aptProxyPath, content: `// Rendered by viok.\n${apt.join('\n')}\n`, permissions: '0644' },
    {
      path: proxyEnvPath,
      content: `# Rendered by viok: sourced by the install script.\n${env.join('\n')}\n`,
      permissions: '0644',
    },
  ];
}

/** The upstream a registry's name stands for: Docker Hub's API is not served at docker.io itself. */
export function registryUpstream(registry: string): string {
  return registry === 'docker.io' ? 'https://registry-1.docker.io' : `https://${registry}`;
}

/** containerd's `hosts.toml` for one mirrored registry (the hosts directory format, config_path). */
export function renderHostsToml(m: RegistryMirrorRenderInput): string {
  const lines = [
    `# Rendered by viok: pulls from ${m.registry} try these mirrors in order, then the registry itself.`,
    `server = ${tomlString(registryUpstream(m.registry))}`,
  ];
  for (const endpoint of m.endpoints) {
    lines.push('', `[host.${tomlString(endpoint)}]`, `  capabilities = ["pull", "resolve"]`);
    if (m.caPem !== undefined)
      lines.push(`  ca = ${tomlString(`${containerdCertsDir}/${m.registry}/ca.crt`)}`);
    // only ever written when the spec says so explicitly (and never beside a CA: a spec rule)
    if (m.skipVerify === true) lines.push('  skip_verify = true');
    if (m.overridePath === true) lines.push('  override_path = true');
  }
  return `${lines.join('\n')}\n`;
}

/** hosts.toml (and the CA beside it) for every mirrored registry. */
export function registryMirrorFiles(mirrors: readonly RegistryMirrorRenderInput[] | undefined): WriteFile[] {
  return (mirrors ?? []).flatMap((m) => [
    {
      path: `${containerdCertsDir}/${m.registry}/hosts.toml`,
      content: renderHostsToml(m),
      permissions: '0644',
    },
    ...(m.caPem !== undefined
      ? [
          {
            path: `${containerdCertsDir}/${m.registry}/ca.crt`,
            content: m.caPem.endsWith('\n') ? m.caPem : `${m.caPem}\n`,
            permissions: '0644',
          },
        ]
      : []),
  ]);
}

/**
 * containerd 1.x configuration (config version 2): the CRI plugin's sandbox image, the systemd
 * cgroup driver kubeadm configures the kubelet for, and registry hosts from certs.d. containerd
 * fills everything not named here with its defaults; the runc entry names its runtime_type because
 * a map entry replaces the default one rather than merging into it.
 */
export function renderContainerdConfigV2(sandboxImage: string): string {
  return [
    '# Rendered by viok for containerd 1.x.',
    'version = 2',
    '',
    '[plugins."io.containerd.grpc.v1.cri"]',
    `  sandbox_image = ${tomlString(sandboxImage)}`,
    '',
    '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]',
    '  runtime_type = "io.containerd.runc.v2"',
    '',
    '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]',
    '  SystemdCgroup = true',
    '',
    '[plugins."io.containerd.grpc.v1.cri".registry]',
    `  config_path = ${tomlString(containerdCertsDir)}`,
    '',
  ].join('\n');
}

/**
 * containerd 2.x configuration (config version 3): the CRI plugin is split into images and
 * runtime plugins; the sandbox image is a pinned image (kept from garbage collection).
 */
export function renderContainerdConfigV3(sandboxImage: string): string {
  return [
    '# Rendered by viok for containerd 2.x.',
    'version = 3',
    '',
    "[plugins.'io.containerd.cri.v1.images'.pinned_images]",
    `  sandbox = ${tomlString(sandboxImage)}`,
    '',
    "[plugins.'io.containerd.cri.v1.images'.registry]",
    `  config_path = ${tomlString(containerdCertsDir)}`,
    '',
    "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]",
    '  runtime_type = "io.containerd.runc.v2"',
    '',
    "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]",
    '  SystemdCgroup = true',
    '',
  ].join('\n');
}

export function containerdConfigFiles(sandboxImage: string): WriteFile[] {
  return [
    { path: containerdConfigPaths.v2, content: renderContainerdConfigV2(sandboxImage), permissions: '0644' },
    { path: containerdConfigPaths.v3, content: renderContainerdConfigV3(sandboxImage), permissions: '0644' },
  ];
}

/** cloud-init's `apt` module settings for a distribution mirror; undefined when none is set. */
export function aptMirrorConfig(mirrors: BootstrapRenderInput['aptMirrors']): AptConfig | undefined {
  if (!mirrors || (mirrors.distribution === undefined && mirrors.security === undefined)) return undefined;
  return {
    ...(mirrors.distribution !== undefined
      ? { primary: [{ arches: ['default'], uri: mirrors.distribution }] }
      : {}),
    ...(mirrors.security !== undefined ? { security: [{ arches: ['default'], uri: mirrors.security }] } : {}),
  };
}

/** The part of cloud-init's `apt` key viok writes. */
export interface AptConfig {
  primary?: Array<{ arches: string[]; uri: string }>;
  security?: Array<{ arches: string[]; uri: string }>;
}

/** The pkgs.k8s.io repository base for a minor (`v1.31`), or the mirror that replaces it. */
export function kubernetesRepoBase(minor: string, mirror: string | undefined): string {
  return (mirror ?? `https://pkgs.k8s.io/core:/stable:/${minor}/deb`).replace(/\/+$/, '');
}
