import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the zones are a CommonJS config module
const { zones } = require('../../../eslint.zones.js') as { zones: object[] };

const root = path.resolve(__dirname, '../../..');

/** Lints `code` as if it were the file `file` of src/, against the layering zones alone. */
async function problems(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...zones],
  });
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layering zones (eslint.zones.js)', () => {
  it.each([
    ['src/core/clock.ts', "import { x } from '../clients/http';", /core imports only util/],
    ['src/core/clock.ts', "import type { X } from '../provision/context';", /core imports only util/],
    [
      'src/clients/nova/servers.ts',
      "import { y } from '../../config/resolved-cloud';",
      /clients import only/,
    ],
    ['src/clients/nova/servers.ts', "import { y } from '../../provision/create';", /clients import only/],
    ['src/sim/neutron/ports.ts', "import { z } from '../../provision/create';", /simulator never uses/],
    ['src/sim/server.ts', "const c = require('../cli/main');", /simulator never uses/],
    ['src/provision/create.ts', "import chalk from 'chalk';", /only src\/cli talks to the terminal/],
    ['src/wizard/flow.ts', "import { select } from '@inquirer/prompts';", /only src\/cli talks/],
    ['src/app/create.ts', "import { Command } from 'commander';", /only src\/cli talks/],
    ['src/provision/create.ts', 'process.exit(1);', /only src\/cli ends the process/],
  ])('%s: %s is refused', async (file, code, expected) => {
    const found = await problems(file, code);
    expect(found.join('\n')).toMatch(expected);
  });

  it.each([
    ['src/clients/nova/servers.ts', "import { ApiError } from '../../core/errors';"],
    ['src/clients/nova/servers.ts', "import { HttpClient } from '../http/client';"],
    ['src/provision/create.ts', "import { ApiError } from '../core/errors';"],
    ['src/sim/server.ts', "import { ApiError } from '../core/errors';"],
    ['src/cli/main.ts', "import chalk from 'chalk';\nprocess.exit(0);"],
    ['src/cli/commands/create.ts', "const p = require('../../provision');"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });
});
