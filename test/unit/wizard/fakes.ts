import { AbortError } from '../../../src/core/errors';
import { RecordingOutput } from '../../../src/core/io';
import type {
  Choice,
  CloudInventory,
  NsxtConnectionAnswers,
  WizardConnectors,
  WizardPrompts,
} from '../../../src/wizard';
import type { WizardOptions } from '../../../src/wizard/flow';

/** One scripted answer: the question must match `ask`; a list is typed in turn until one passes validation. */
export interface Step {
  ask: string | RegExp;
  answer: string | number | boolean | Array<string | number> | typeof CTRL_C;
}

export const CTRL_C = Symbol('ctrl-c');

/** A user at a keyboard, following a script: every question asked, and every message shown while typing. */
export class ScriptedPrompts implements WizardPrompts {
  readonly asked: string[] = [];
  /** Validation messages shown for rejected answers, as the user would see them under the prompt. */
  readonly rejected: string[] = [];
  /** The choices each select offered, by message. */
  readonly offered = new Map<string, Choice[]>();
  /** The choice each select highlighted as its default, by message. */
  readonly highlighted = new Map<string, string | undefined>();
  private readonly script: Step[];

  constructor(script: Step[]) {
    this.script = [...script];
  }

  get remaining(): Step[] {
    return this.script;
  }

  private next(message: string): Step['answer'] {
    this.asked.push(message);
    const step = this.script.shift();
    if (!step) throw new Error(`unscripted question: ${message}`);
    const matches = typeof step.ask === 'string' ? message.includes(step.ask) : step.ask.test(message);
    if (!matches) throw new Error(`expected a question like ${String(step.ask)}, got: ${message}`);
    if (step.answer === CTRL_C) throw new AbortError('interrupted: nothing written');
    return step.answer;
  }

  private typed<T>(answer: Step['answer'], validate: ((v: T) => true | string) | undefined): T {
    const tries = (Array.isArray(answer) ? answer : [answer]) as T[];
    for (const t of tries) {
      const ok = validate ? validate(t) : true;
      if (ok === true) return t;
      this.rejected.push(ok);
    }
    throw new Error(`every scripted answer was rejected: ${this.rejected.join(' | ')}`);
  }

  async select<T extends string>(q: { message: string; choices: Choice<T>[]; default?: T }): Promise<T> {
    this.offered.set(q.message, q.choices);
    this.highlighted.set(q.message, q.default);
    const answer = this.next(q.message);
    const hit = q.choices.find((c) => c.value === answer);
    if (!hit)
      throw new Error(
        `${String(answer)} is not offered for "${q.message}": ${q.choices.map((c) => c.value).join(', ')}`,
      );
    return hit.value;
  }
  async input(q: {
    message: string;
    default?: string;
    validate?: (v: string) => true | string;
  }): Promise<string> {
    const answer = this.next(q.message);
    // an empty answer takes the default, as at the terminal
    const withDefault = (v: string): string => (v === '' && q.default !== undefined ? q.default : v);
    const tries = (Array.isArray(answer) ? answer : [answer]).map((v) => withDefault(String(v)));
    return this.typed<string>(tries, q.validate);
  }
  async number(q: {
    message: string;
    default?: number;
    validate?: (v: number) => true | string;
  }): Promise<number> {
    return this.typed<number>(this.next(q.message), q.validate);
  }
  async confirm(q: { message: string }): Promise<boolean> {
    return Boolean(this.next(q.message));
  }
  async password(q: { message: string }): Promise<string> {
    return String(this.next(q.message));
  }
}

export const fakeInventory: CloudInventory = {
  externalNetworks: async () => [{ id: 'net-pub', name: 'public' }],
  providerNetworks: async () => [
    { id: 'net-prov', name: 'provider' },
    { id: 'net-other', name: 'lab' },
  ],
  flavors: async () => [
    { id: 'f1', name: 'm1.small', vcpus: 1, ramMb: 2048, diskGb: 20 },
    { id: 'f2', name: 'm1.medium', vcpus: 2, ramMb: 4096, diskGb: 40 },
    { id: 'f3', name: 'm1.large', vcpus: 4, ramMb: 8192, diskGb: 80 },
  ],
  images: async () => [
    { id: '11111111-2222-3333-4444-555555555555', name: 'ubuntu-22.04' },
    { id: 'img-cirros', name: 'cirros' },
  ],
  keyPairs: async () => [{ id: 'viok', name: 'viok' }],
  availabilityZones: async () => ['nova', 'zone-b'],
};

export interface FakeWorld {
  connectors: WizardConnectors;
  opened: Array<{ name: string } | { newCloud: unknown }>;
  nsxtConnections: NsxtConnectionAnswers[];
}

export function fakeWorld(env: Record<string, string> = {}, cloudNames = ['vio', 'lab']): FakeWorld {
  const opened: FakeWorld['opened'] = [];
  const nsxtConnections: NsxtConnectionAnswers[] = [];
  return {
    opened,
    nsxtConnections,
    connectors: {
      cloudNames,
      cloudsFile: '/home/u/.config/openstack/clouds.yaml',
      secureFile: '/home/u/.config/openstack/secure.yaml',
      openCloud: async (target) => {
        opened.push(target);
        return fakeInventory;
      },
      openNsxt: async (c) => {
        nsxtConnections.push(c);
        return {
          tier0Routers: async () => [{ id: 't0-id', name: 'tier0-router' }],
          overlayTransportZones: async () => [{ id: 'tz-id', name: 'overlay-tz' }],
        };
      },
      env: (name) => env[name],
    },
  };
}

export function wizardOptions(
  prompts: WizardPrompts,
  world: FakeWorld,
  extra: Partial<WizardOptions> = {},
): WizardOptions & { out: RecordingOutput } {
  return {
    answers: {},
    interactive: true,
    yes: false,
    prompts,
    connectors: world.connectors,
    out: new RecordingOutput(),
    ...extra,
  } as WizardOptions & { out: RecordingOutput };
}
