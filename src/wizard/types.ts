import type { Backend, ClusterSpec, Networks } from '../spec/types';

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
  ncpImage?: string;
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
  ncpImage: '--ncp-image',
  nsxvManager: '--nsxv-manager',
  nsxvUsername: '--nsxv-username',
  nsxvPasswordEnv: '--nsxv-password-env',
  nsxvCaFile: '--nsxv-ca-file',
  nsxvInsecure: '--nsxv-insecure',
};

/** The answers that hold text, which a text or pick question may fill. */
export type TextKey = {
  [K in keyof InitAnswers]-?: NonNullable<InitAnswers[K]> extends string ? K : never;
}[keyof InitAnswers];

/**
 * The wizard's question kinds, for a backend's own questions. Each takes the flag's answer when given,
 * else the default when not asking (off a terminal or with --yes), else asks.
 */
export interface WizardSteps {
  readonly inventory: CloudInventory;
  /** The answers given as flags. */
  readonly given: InitAnswers;
  /** The answers so far; a backend records flag-only answers (insecure) here. */
  readonly answers: InitAnswers;
  /** An environment variable's value, when set and not empty. */
  env(name: string): string | undefined;
  text(key: TextKey, what: string, fallback?: string, check?: AnswerCheck<string>): Promise<string>;
  cidr(key: TextKey, what: string, fallback: string | undefined): Promise<string>;
  pick(key: TextKey, what: string, choices: Choice[]): Promise<string>;
  /** A network the cloud lists: an external one (router gateway) or a provider one (vds nodes). */
  network(key: TextKey, what: string, kind: 'external' | 'provider'): Promise<string>;
  /** A choice among what `list` reads, only read when needed (a flag to check, or a question to ask). */
  pickLazy(key: TextKey, what: string, list: () => Promise<Choice[]>): Promise<string>;
  confirm(key: 'networkPolicy', what: string, message: string, fallback: boolean): Promise<boolean>;
  /**
   * A password the spec reads from `$envName`: the environment's, else typed now (on a terminal; off it
   * an error saying it is needed `forWhat`), and handed to the plan run that follows, never written.
   */
  password(envName: string, message: string, forWhat: string): Promise<string>;
  info(line: string): void;
  openNsxt(connection: NsxtConnectionAnswers): Promise<NsxtInventory>;
}

/** Builds the spec's network entries: a network viok creates, or an existing one by name. */
export interface NetworkEntries {
  created(cidr: string | undefined): { cidr: string } | undefined;
  existing(name: string | undefined): { name: string } | undefined;
}

/**
 * A backend's part of `viok init`: its line in the backend choice, its questions after the common ones,
 * and the parts of the spec they make. The wizard's flow asks nothing backend-specific itself.
 */
export interface BackendWizard {
  choice: Choice<Backend>;
  /** HAProxy load-balancer nodes (their flavor is asked); false when the backend load-balances itself. */
  haproxyNodes: boolean;
  /** Whether the API load balancer may take a static IP (--lb-static-ip). */
  staticLbIp: boolean;
  /** Whether Flannel runs, so the pod range (podCidr) is asked and written. */
  flannel: boolean;
  /** networkPolicy written when no answer gives it. */
  networkPolicyDefault?: boolean;
  /** The summary's load-balancer line when there are no HAProxy nodes. */
  loadBalancerSummary?: string;
  /** The backend's networks and manager questions. */
  ask(steps: WizardSteps): Promise<void>;
  networks(a: InitAnswers, entries: NetworkEntries): Networks;
  /** The backend's own section of the spec (nsxt, nsxv), once its answers make one. */
  section?(
    a: InitAnswers,
    o: { draft: boolean; text: (v: string | undefined) => string },
  ): Partial<ClusterSpec['spec']>;
  /**
   * Values that stand in for the section's answers not given yet while one answer is checked, as
   * [answer, value, pointer]; problems naming a stand-in's pointer are not the answer's.
   */
  standIns?: Array<[keyof InitAnswers, string, string]>;
}
