import type { Backend } from '../spec/types';

/** One answer a select question offers: the value written to the spec, and what the user reads. */
export interface Choice<T extends string = string> {
  value: T;
  name: string;
  description?: string;
}

/** Returns true, or the message shown under the answer while the user types. */
export type AnswerCheck<T> = (value: T) => true | string;

/**
 * How the wizard asks. The CLI adapts @inquirer/prompts to it; tests script the answers. A prompt that
 * is cancelled (Ctrl-C) rejects with an AbortError.
 */
export interface WizardPrompts {
  select<T extends string>(q: { message: string; choices: Choice<T>[]; default?: T }): Promise<T>;
  input(q: { message: string; default?: string; validate?: AnswerCheck<string> }): Promise<string>;
  number(q: { message: string; default?: number; validate?: AnswerCheck<number> }): Promise<number>;
  confirm(q: { message: string; default?: boolean }): Promise<boolean>;
  /** Masked input, for a password that is used now and never written to the spec. */
  password(q: { message: string }): Promise<string>;
}

/** A named object the cloud lists (network, image, key pair). */
export interface NamedItem {
  id: string;
  name: string;
}

export interface FlavorItem extends NamedItem {
  vcpus: number;
  /** MiB. */
  ramMb: number;
  diskGb: number;
}

/** What the wizard reads from the chosen OpenStack cloud. */
export interface CloudInventory {
  externalNetworks(): Promise<NamedItem[]>;
  /** Shared or project networks that are not external (vds nodes attach to one). */
  providerNetworks(): Promise<NamedItem[]>;
  flavors(): Promise<FlavorItem[]>;
  images(): Promise<NamedItem[]>;
  keyPairs(): Promise<NamedItem[]>;
  availabilityZones(): Promise<string[]>;
}

/** What the wizard reads from the NSX-T Manager (nsx-t only). */
export interface NsxtInventory {
  tier0Routers(): Promise<NamedItem[]>;
  overlayTransportZones(): Promise<NamedItem[]>;
}

export interface NsxtConnectionAnswers {
  manager: string;
  username: string;
  password: string;
  caFile?: string;
  insecure: boolean;
}

/** Credentials typed into the wizard for a cloud that is not in clouds.yaml yet. */
export interface NewCloud {
  name: string;
  authUrl: string;
  username: string;
  password: string;
  projectName: string;
  userDomainName: string;
  projectDomainName: string;
  regionName?: string;
}

/** Where the wizard may keep a new cloud's credentials: never in the spec. */
export type CredentialStore = 'clouds-yaml' | 'secure-yaml' | 'none';

/** A cloud to add to clouds.yaml (and its password to secure.yaml) once the wizard has finished. */
export interface CloudToSave {
  cloud: NewCloud;
  store: Exclude<CredentialStore, 'none'>;
  cloudsFile: string;
  secureFile: string;
}

/** How the wizard reaches the outside world: injected, so tests use fakes and the CLI the real clients. */
export interface WizardConnectors {
  /** Clouds found in clouds.yaml / OS_* variables, in file order. */
  cloudNames: string[];
  /** clouds.yaml and secure.yaml paths a new cloud is written to. */
  cloudsFile: string;
  secureFile: string;
  /** Signs in to a cloud by clouds.yaml name, or with typed credentials. */
  openCloud(target: { name: string } | { newCloud: NewCloud }): Promise<CloudInventory>;
  openNsxt(connection: NsxtConnectionAnswers): Promise<NsxtInventory>;
  /** Reads an environment variable (the NSX password, defaults). */
  env(name: string): string | undefined;
}

/**
 * Every answer, by the flag that gives it. Absent means "ask", or, without a terminal, "use the default
 * or fail naming the flag".
 */
export interface InitAnswers {
  cloud?: string;
  backend?: Backend;
  name?: string;
  kubernetesVersion?: string;
  image?: string;
  keyName?: string;
  /** '' means the cloud's default zone. */
  availabilityZone?: string;
  controlPlaneCount?: number;
  flavor?: string;
  workers?: number;
  workerFlavor?: string;
  lbFlavor?: string;
  /** '' means none. */
  lbStaticIp?: string;
  providerNetwork?: string;
  externalNetwork?: string;
  internalCidr?: string;
  mgmtCidr?: string;
  apiCidr?: string;
  podNetworkCidr?: string;
  podCidr?: string;
  serviceCidr?: string;
  networkPolicy?: boolean;
  dnsServers?: string[];
  sshAllowedCidrs?: string[];
  apiAllowedCidrs?: string[];
  nsxtManager?: string;
  nsxtUsername?: string;
  nsxtPasswordEnv?: string;
  /** '' means none. */
  nsxtCaFile?: string;
  nsxtInsecure?: boolean;
  tier0Router?: string;
  overlayTransportZone?: string;
  podIpBlock?: string;
  externalIpPool?: string;
  nsxvManager?: string;
  nsxvUsername?: string;
  nsxvPasswordEnv?: string;
  nsxvCaFile?: string;
  nsxvInsecure?: boolean;
}

/** The flag that answers each question, for messages ("pass --image"). */
export const FLAG_OF: Record<keyof InitAnswers, string> = {
  cloud: '--os-cloud',
  backend: '--backend',
  name: '--name',
  kubernetesVersion: '--kubernetes-version',
  image: '--image',
  keyName: '--key-name',
  availabilityZone: '--availability-zone',
  controlPlaneCount: '--control-plane-count',
  flavor: '--flavor',
  workers: '--workers',
  workerFlavor: '--worker-flavor',
  lbFlavor: '--lb-flavor',
  lbStaticIp: '--lb-static-ip',
  providerNetwork: '--provider-network',
  externalNetwork: '--external-network',
  internalCidr: '--internal-cidr',
  mgmtCidr: '--mgmt-cidr',
  apiCidr: '--api-cidr',
  podNetworkCidr: '--pod-network-cidr',
  podCidr: '--pod-cidr',
  serviceCidr: '--service-cidr',
  networkPolicy: '--network-policy',
  dnsServers: '--dns',
  sshAllowedCidrs: '--ssh-allowed-cidr',
  apiAllowedCidrs: '--api-allowed-cidr',
  nsxtManager: '--nsxt-manager',
  nsxtUsername: '--nsxt-username',
  nsxtPasswordEnv: '--nsxt-password-env',
  nsxtCaFile: '--nsxt-ca-file',
  nsxtInsecure: '--nsxt-insecure',
  tier0Router: '--tier0-router',
  overlayTransportZone: '--overlay-tz',
  podIpBlock: '--pod-ip-block',
  externalIpPool: '--external-ip-pool',
  nsxvManager: '--nsxv-manager',
  nsxvUsername: '--nsxv-username',
  nsxvPasswordEnv: '--nsxv-password-env',
  nsxvCaFile: '--nsxv-ca-file',
  nsxvInsecure: '--nsxv-insecure',
};
