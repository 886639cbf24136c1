import type { ViokCommand } from '../viok-command';
import type { Act } from '../main';
import { register as validate } from './validate';
import { register as schema } from './schema';
import { register as sim } from './sim';
import { register as plan } from './plan';
import { register as create } from './create';
import { register as deleteCommand } from './delete';
import { register as get } from './get';
import { register as describe } from './describe';
import { register as init } from './init';
import { register as scale } from './scale';
import { register as graph } from './graph';
import { register as completion } from './completion';
import { register as version } from './version';
import { register as auth } from './auth';
import { register as repair } from './repair';
import { register as upgrade } from './upgrade';

/** Every command module registers its flags and help here; implementations load lazily. */
export type Register = (program: ViokCommand, act: Act) => void;

export const commandModules: Register[] = [
  validate,
  schema,
  sim,
  plan,
  create,
  deleteCommand,
  get,
  describe,
  init,
  scale,
  repair,
  upgrade,
  graph,
  auth,
  completion,
  version,
];
