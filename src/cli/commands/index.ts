import type { Command } from 'commander';
import type { Act } from '../main';
import { register as validate } from './validate';
import { register as schema } from './schema';

/** Every command module registers its flags and help here; implementations load lazily. */
export type Register = (program: Command, act: Act) => void;

export const commandModules: Register[] = [validate, schema];
