import { AbortError, SpecError, UserInputError } from '../core/errors';
import type { Output } from '../core/io';
import { validateSpecText } from '../spec/validate';
import type { Backend, ClusterSpec } from '../spec/types';
import { isCidr, isIpAddress } from '../util/cidr';
import { BACKEND_CHOICES, BACKENDS, backendWizard } from './backends';
import { buildSpec, DEFAULTS } from './build-spec';
import { checkAnswer } from './check-answer';
import { named } from './choices';
import { summarize } from './render';
import type {
  AnswerCheck,
  Choice,
  CloudInventory,
  CloudToSave,
  CredentialStore,
  FlavorItem,
  InitAnswers,
  NewCloud,
  TextKey,
  WizardConnectors,
  WizardPrompts,
  WizardSteps,
} from './types';
import { FLAG_OF } from './types';

export interface WizardOptions {
  /** Answers given as flags; the wizard asks only for the rest. */
  answers: InitAnswers;
  /** False without a terminal or with CI set: nothing is asked, a missing answer is an error. */
  interactive: boolean;
  /** --yes: take every default without asking, and do not ask before writing. */
  yes: boolean;
  prompts: WizardPrompts;
  connectors: WizardConnectors;
  out: Output;
  /** Aborted on Ctrl-C while the wizard waits for the cloud: it stops before the next question. */
  signal?: AbortSignal;
}

export interface WizardResult {
  spec: ClusterSpec;
  /**
   * Variables the spec reads that the user typed during the run (an NSX password asked for the
   * listing), to hand to the `viok plan` run that follows: kept in memory, never written.
   */
  env: Record<string, string>;
  /** A cloud typed into the wizard, to add to clouds.yaml once the spec is written. */
  cloudToSave?: CloudToSave;
}

type Value<K extends keyof InitAnswers> = NonNullable<InitAnswers[K]>;

interface Question<K extends keyof InitAnswers> {
  /** What is asked, as a short noun phrase ("Image"), for prompts and messages. */
  what: string;
  default?: Value<K> | undefined;
  check?: AnswerCheck<Value<K>>;
  ask: (fallback: Value<K> | undefined) => Promise<Value<K>>;
}

const NEW_CLOUD = '\u0000new';
/** Stands in for an answer that is missing off a terminal, so that every missing flag is found in one run. */
const MISSING = '\u0000missing';
const NO_ZONE = '\u0000default';

/** The `viok init` question flow: flags first, then defaults or questions, then the finished spec. */
export async function runWizard(o: WizardOptions): Promise<WizardResult> {
  return new Wizard(o).run();
}

class Wizard {
  private readonly a: InitAnswers = {};
  private cloudToSave: CloudToSave | undefined;
  private readonly env: Record<string, string> = {};
  /** Off a terminal: the answers no flag gave, reported together at the end. */
  private readonly missing: { flag: string; what: string }[] = [];

  constructor(private readonly o: WizardOptions) {}

  async run(): Promise<WizardResult> {
    const inventory = await this.cloud();
    const backend = await this.answer('backend', {
      what: 'Networking backend',
      check: (v) => BACKENDS.includes(v) || `must be one of ${BACKENDS.join(', ')}`,
      ask: () =>
        this.o.prompts.select<Backend>({
          message: 'Networking backend of the cloud',
          choices: BACKEND_CHOICES,
        }),
    });
    await this.text('name', 'Cluster name (a DNS label, e.g. demo)');
    await this.text('kubernetesVersion', 'Kubernetes version', DEFAULTS.kubernetesVersion);
    const images = named(await inventory.images());
    await this.pick('image', 'Image the nodes boot from', images, undefined, suggestedImage(images));
    await this.pick('keyName', 'SSH key pair', named(await inventory.keyPairs()));
    await this.zone(inventory);

    const flavorItems = await inventory.flavors();
    const flavors = flavorItems.map(flavorChoice);
    await this.count(
      'controlPlaneCount',
      'Control-plane nodes (odd: 1, 3, 5, 7)',
      DEFAULTS.controlPlaneCount,
    );
    const cpFlavor = await this.pick(
      'flavor',
      'Control-plane flavor',
      flavors,
      undefined,
      smallestFlavor(flavorItems, KUBEADM_CONTROL_PLANE_MINIMUM),
    );
    await this.count('workers', 'Worker nodes', DEFAULTS.workers);
    await this.pick('workerFlavor', 'Worker flavor', flavors, cpFlavor);
    // until the backend is known (a missing flag), ask what a backend with HAProxy nodes would
    const known = (backend as string) !== MISSING ? backendWizard(backend) : undefined;
    if (known?.haproxyNodes ?? true)
      await this.pick('lbFlavor', 'Load-balancer (HAProxy) node flavor', flavors, cpFlavor);
    if (known?.staticLbIp ?? true) {
      await this.text('lbStaticIp', 'Static IP for the API load balancer (empty: allocated)', '');
    } else if (this.o.answers.lbStaticIp) {
      this.flagged('lbStaticIp', this.o.answers.lbStaticIp);
    }

    if (!known) return this.failMissing(' (then the flags of that backend)');
    await known.ask(this.steps(inventory));
    if (known.flannel) await this.cidr('podCidr', 'Pod CIDR (Flannel)', DEFAULTS.podCidr);
    await this.cidr('serviceCidr', 'Service CIDR', DEFAULTS.serviceCidr);
    this.lists();
    if (this.missing.length > 0) return this.failMissing('');

    const spec = buildSpec(this.a);
    const { problems } = validateSpecText(JSON.stringify(spec), 'the answers');
    if (problems.length > 0) throw new SpecError(problems);

    this.o.out.info('');
    for (const line of summarize(spec)) this.o.out.info(line);
    if (this.o.interactive && !this.o.yes) {
      const write = await this.o.prompts.confirm({ message: 'Write this spec?', default: true });
      if (!write) throw new AbortError('nothing written');
    }
    return { spec, env: this.env, ...(this.cloudToSave ? { cloudToSave: this.cloudToSave } : {}) };
  }

  /** Off a terminal: one error naming every missing flag, rather than one per run. */
  private failMissing(more: string): never {
    const why = '(viok init asks only in a terminal: stdin or stdout is not one, or CI is set)';
    const [only] = this.missing;
    if (this.missing.length === 1 && only)
      throw new UserInputError(`${only.what}: no answer given; pass ${only.flag}${more} ${why}`);
    const list = this.missing.map((m) => `  ${m.flag}  ${m.what}`).join('\n');
    throw new UserInputError(`${this.missing.length} answers are missing; pass${more}:\n${list}\n${why}`);
  }

  // ---- the cloud ----

  private async cloud(): Promise<CloudInventory> {
    const names = this.o.connectors.cloudNames;
    const fromEnv = this.o.connectors.env('OS_CLOUD');
    const fallback = names.length === 1 ? names[0] : fromEnv && names.includes(fromEnv) ? fromEnv : undefined;
    const choice = await this.answer('cloud', {
      what: 'Cloud',
      default: fallback,
      check: (v) =>
        names.includes(v) ||
        (names.length
          ? `is not in clouds.yaml (found: ${names.join(', ')})`
          : 'is not defined: no clouds.yaml was found'),
      ask: (def) =>
        this.o.prompts.select({
          message: 'Cloud (from clouds.yaml)',
          choices: [
            ...names.map((n) => ({ value: n, name: n })),
            { value: NEW_CLOUD, name: 'Another cloud: enter its auth URL and credentials…' },
          ],
          ...(def ? { default: def } : {}),
        }),
    });
    if (choice !== NEW_CLOUD) {
      this.o.out.info(`Reading choices from cloud ${choice}…`);
      return this.o.connectors.openCloud({ name: choice });
    }
    delete this.a.cloud;
    const cloud = await this.newCloud(names);
    this.o.out.info(`Signing in to ${cloud.authUrl}…`);
    const inventory = await this.o.connectors.openCloud({ newCloud: cloud });
    const store = await this.o.prompts.select<CredentialStore>({
      message: 'Where should viok keep these credentials? (never in the spec)',
      choices: [
        {
          value: 'secure-yaml',
          name: `${this.o.connectors.cloudsFile}, password in ${this.o.connectors.secureFile} (mode 0600)`,
        },
        { value: 'clouds-yaml', name: `${this.o.connectors.cloudsFile}, with the password (mode 0600)` },
        { value: 'none', name: 'Nowhere: I will set the OS_* variables myself' },
      ],
    });
    if (store !== 'none') {
      this.a.cloud = cloud.name;
      this.cloudToSave = {
        cloud,
        store,
        cloudsFile: this.o.connectors.cloudsFile,
        secureFile: this.o.connectors.secureFile,
      };
    }
    return inventory;
  }

  private async newCloud(taken: string[]): Promise<NewCloud> {
    const p = this.o.prompts;
    const required: AnswerCheck<string> = (v) => v.trim() !== '' || 'is required';
    const authUrl = await p.input({
      message: 'Keystone auth URL (e.g. https://vio.example.com:5000/v3)',
      validate: (v) => /^https?:\/\/\S+$/.test(v) || 'must be an http(s) URL',
    });
    const username = await p.input({ message: 'User name', validate: required });
    const password = await p.password({ message: 'Password' });
    const projectName = await p.input({ message: 'Project name', default: username, validate: required });
    const userDomainName = await p.input({ message: 'User domain', default: 'Default', validate: required });
    const projectDomainName = await p.input({
      message: 'Project domain',
      default: userDomainName,
      validate: required,
    });
    const name = await p.input({
      message: 'Name for this cloud in clouds.yaml',
      default: 'vio',
      validate: (v) => {
        if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(v)) return 'letters, digits, ".", "_" and "-"';
        return !taken.includes(v) || `a cloud named ${v} exists already`;
      },
    });
    return { name, authUrl, username, password, projectName, userDomainName, projectDomainName };
  }

  private async zone(inventory: CloudInventory): Promise<void> {
    const zones = await inventory.availabilityZones();
    await this.answer('availabilityZone', {
      what: 'Availability zone',
      default: '',
      check: (v) =>
        v === '' || zones.includes(v) || `is not a zone of this cloud (zones: ${zones.join(', ') || 'none'})`,
      ask: async () => {
        const z = await this.o.prompts.select({
          message: 'Availability zone',
          choices: [
            { value: NO_ZONE, name: "(the cloud's default)" },
            ...zones.map((v) => ({ value: v, name: v })),
          ],
          default: NO_ZONE,
        });
        return z === NO_ZONE ? '' : z;
      },
    });
  }

  /** The question kinds a backend's own questions use. */
  private steps(inventory: CloudInventory): WizardSteps {
    const env = (n: string): string | undefined => this.o.connectors.env(n) || undefined;
    return {
      inventory,
      given: this.o.answers,
      answers: this.a,
      env,
      text: (key, what, fallback, check) => this.text(key, what, fallback, check),
      cidr: (key, what, fallback) => this.cidr(key, what, fallback),
      pick: (key, what, choices) => this.pick(key, what, choices),
      network: async (key, what, kind) =>
        this.pick(
          key,
          what,
          named(await (kind === 'external' ? inventory.externalNetworks() : inventory.providerNetworks())),
        ),
      pickLazy: (key, what, list) => this.pickLazy(key, what, list),
      confirm: (key, what, message, fallback) =>
        this.answer(key, {
          what,
          default: fallback,
          check: (v) => checkAnswer(this.a, key, v),
          ask: () => this.o.prompts.confirm({ message, default: fallback }),
        }),
      password: async (envName, message, forWhat) => {
        const set = env(envName);
        if (set !== undefined) return set;
        if (!this.o.interactive)
          throw new UserInputError(`$${envName} is not set: viok needs the ${message} ${forWhat}`);
        const typed = await this.o.prompts.password({
          message: `${message} (used now; the spec reads it from $${envName})`,
        });
        // the plan run that may follow reads the spec's reference: give it what was typed
        this.env[envName] = typed;
        return typed;
      },
      info: (line) => this.o.out.info(line),
      openNsxt: (connection) => this.o.connectors.openNsxt(connection),
    };
  }

  /** Flag-only answers: lists nobody wants to type in a wizard, still checked like the rest. */
  private lists(): void {
    const given = this.o.answers;
    if (given.dnsServers)
      this.flagged('dnsServers', given.dnsServers, (v) => v.every(isIpAddress) || 'must be IP addresses');
    if (given.sshAllowedCidrs)
      this.flagged('sshAllowedCidrs', given.sshAllowedCidrs, (v) => v.every(isCidr) || 'must be CIDRs');
    if (given.apiAllowedCidrs)
      this.flagged('apiAllowedCidrs', given.apiAllowedCidrs, (v) => v.every(isCidr) || 'must be CIDRs');
    // a backend that asks about network policy has taken the flag already
    if (given.networkPolicy !== undefined && this.a.networkPolicy === undefined)
      this.flagged('networkPolicy', given.networkPolicy);
  }

  // ---- question kinds ----

  private text<K extends TextKey>(
    key: K,
    what: string,
    fallback?: string,
    check?: AnswerCheck<string>,
  ): Promise<string> {
    const full: AnswerCheck<string> = (v) => {
      const own = check ? check(v) : true;
      if (own !== true) return own;
      if (v === '' && fallback !== '') return 'is required';
      return checkAnswer(this.a, key, v as InitAnswers[K]);
    };
    return this.answer(key, {
      what,
      default: fallback as Value<K> | undefined,
      check: full as AnswerCheck<Value<K>>,
      ask: (def) =>
        this.o.prompts.input({
          message: what,
          ...(def !== undefined ? { default: def } : {}),
          validate: full,
        }) as Promise<Value<K>>,
    }) as Promise<string>;
  }

  private cidr<K extends TextKey>(key: K, what: string, fallback: string | undefined): Promise<string> {
    return this.text(key, what, fallback, (v) => isCidr(v) || 'must be a CIDR such as 10.0.0.0/24');
  }

  private count(key: 'controlPlaneCount' | 'workers', what: string, fallback: number): Promise<number> {
    const check: AnswerCheck<number> = (v) =>
      Number.isInteger(v) && v >= 1 ? checkAnswer(this.a, key, v) : 'must be a whole number, at least 1';
    return this.answer(key, {
      what,
      default: fallback,
      check,
      ask: (def) =>
        this.o.prompts.number({
          message: what,
          ...(def !== undefined ? { default: def } : {}),
          validate: check,
        }),
    });
  }

  /**
   * `fallback` is taken without asking (off a terminal or with --yes); `suggested` is only the
   * highlighted choice when asking, so a missing flag in a pipeline is still an error.
   */
  private pick<K extends TextKey>(
    key: K,
    what: string,
    choices: Choice[],
    fallback?: string,
    suggested?: string,
  ): Promise<string> {
    return this.pickLazy(key, what, async () => choices, fallback, suggested);
  }

  /** A choice among what the cloud lists; a flag may name an item by name or id. */
  private async pickLazy<K extends TextKey>(
    key: K,
    what: string,
    list: () => Promise<Choice[]>,
    fallback?: string,
    suggested?: string,
  ): Promise<string> {
    this.stopIfAborted();
    const given = this.o.answers[key] as string | undefined;
    if (given !== undefined) {
      const choices = await list();
      const hit = choices.find((c) => c.value === given || c.description === given);
      if (!hit) {
        throw new UserInputError(
          `${FLAG_OF[key]} ${given}: not found (${what.toLowerCase()}: ${choices.map((c) => c.value).join(', ') || 'none available'})`,
        );
      }
      (this.a as Record<string, unknown>)[key] = hit.value;
      return hit.value;
    }
    if (fallback !== undefined && (this.o.yes || !this.o.interactive)) {
      (this.a as Record<string, unknown>)[key] = fallback;
      return fallback;
    }
    if (!this.o.interactive) return this.missingAnswer(key, what) as string;
    const choices = await list();
    this.stopIfAborted();
    if (choices.length === 0)
      throw new UserInputError(`${what}: the cloud lists none; create one first, or pass ${FLAG_OF[key]}`);
    const highlighted = fallback ?? suggested;
    const value = await this.o.prompts.select({
      message: what,
      choices,
      ...(highlighted ? { default: highlighted } : {}),
    });
    (this.a as Record<string, unknown>)[key] = value;
    return value;
  }

  /** The flag's value, else the default (when not asking), else the user's answer. */
  private async answer<K extends keyof InitAnswers>(key: K, q: Question<K>): Promise<Value<K>> {
    this.stopIfAborted();
    const given = this.o.answers[key];
    if (given !== undefined) return this.flagged(key, given as Value<K>, q.check);
    if (q.default !== undefined && (this.o.yes || !this.o.interactive)) {
      const ok = q.check ? q.check(q.default) : true;
      if (ok !== true)
        throw new UserInputError(`${q.what}: the default ${show(q.default)} ${ok}; pass ${FLAG_OF[key]}`);
      this.a[key] = q.default;
      return q.default;
    }
    if (!this.o.interactive) return this.missingAnswer(key, q.what) as Value<K>;
    const value = await q.ask(q.default);
    this.a[key] = value;
    return value;
  }

  private flagged<K extends keyof InitAnswers>(
    key: K,
    value: Value<K>,
    check?: AnswerCheck<Value<K>>,
  ): Value<K> {
    const ok = check ? check(value) : checkAnswer(this.a, key, value);
    if (ok !== true) throw new UserInputError(`${FLAG_OF[key]} ${show(value)}: ${ok}`);
    this.a[key] = value;
    return value;
  }

  private stopIfAborted(): void {
    if (this.o.signal?.aborted) throw new AbortError('interrupted: nothing written');
  }

  /** Off a terminal: notes the missing flag and goes on, so that the error lists every one. */
  private missingAnswer(key: keyof InitAnswers, what: string): typeof MISSING {
    this.missing.push({ flag: FLAG_OF[key], what });
    return MISSING;
  }
}

function show(v: unknown): string {
  return Array.isArray(v) ? v.join(',') : String(v);
}

function flavorChoice(f: FlavorItem): Choice {
  const ram = f.ramMb >= 1024 ? `${+(f.ramMb / 1024).toFixed(1)} GiB` : `${f.ramMb} MiB`;
  return {
    value: f.name,
    name: `${f.name} — ${f.vcpus} vCPU, ${ram} RAM, ${f.diskGb} GB disk`,
    description: f.id,
  };
}

/** kubeadm's preflight refuses a control-plane node with fewer than 2 CPUs or less than 1700 MB of memory. */
const KUBEADM_CONTROL_PLANE_MINIMUM = { vcpus: 2, ramMb: 2048 };

/** The smallest flavor (by RAM, then vCPUs) that meets `min`: the wizard's suggestion, never a silent default. */
export function smallestFlavor(
  flavors: readonly FlavorItem[],
  min: { vcpus: number; ramMb: number },
): string | undefined {
  return [...flavors]
    .filter((f) => f.vcpus >= min.vcpus && f.ramMb >= min.ramMb)
    .sort((a, b) => a.ramMb - b.ramMb || a.vcpus - b.vcpus || a.name.localeCompare(b.name))[0]?.name;
}

/** The newest Ubuntu image by the version in its name (viok's node scripts use apt). */
export function suggestedImage(images: readonly Choice[]): string | undefined {
  const version = (name: string): number[] => (name.match(/\d+/g) ?? []).map(Number);
  const newer = (a: number[], b: number[]): number => {
    for (let i = 0; i < Math.max(a.length, b.length); i++)
      if ((a[i] ?? 0) !== (b[i] ?? 0)) return (b[i] ?? 0) - (a[i] ?? 0);
    return 0;
  };
  return images
    .filter((i) => /ubuntu/i.test(i.value))
    .sort((a, b) => newer(version(a.value), version(b.value)))[0]?.value;
}
