// @ts-check
/**
 * Layering of src/, enforced by lint: which folder may import which. Kept apart from eslint.config.js
 * so that a test can lint a deliberately wrong import against these zones alone.
 *
 * Layers, bottom up: core and util (no dependencies of ours) → clients (one folder per API) → the rest
 * (config, spec, state, pki, render, engine, provision, report, app) → cli (the only adapter to the
 * terminal and the process). The simulator stands beside the clients: a fake cloud, never a user of
 * viok's own provisioning.
 */

/** Every top-level folder of src/, for patterns that name them. */
const FOLDERS = [
  'app',
  'cli',
  'clients',
  'config',
  'core',
  'engine',
  'kube',
  'kubeconfig',
  'pki',
  'provision',
  'render',
  'report',
  'sim',
  'spec',
  'state',
  'util',
  'wizard',
];

/** A relative import reaching, from any depth, one of `folders` of src/. */
function reaching(folders) {
  return `^(\\.\\./)+(${folders.join('|')})(/|$)`;
}

/**
 * What each folder may not import, with the reason. Flat config replaces a rule's options wholesale
 * when two blocks match one file, so each folder gets exactly one block with all of its limits.
 */
const LAYERS = {
  // RATIONALE: core holds errors, the output seam, time and waiting; everything depends on it, so it
  // depends on nothing of ours (a cycle through core would tie every layer to every other).
  core: { forbidden: FOLDERS.filter((f) => f !== 'core' && f !== 'util'), why: 'core imports only util' },
  util: { forbidden: FOLDERS.filter((f) => f !== 'util'), why: 'util imports nothing of ours' },
  // RATIONALE: an API client is usable on its own (tests, the wizard, contract checks); it knows HTTP
  // and the API's shapes, never how viok provisions or presents.
  clients: {
    forbidden: FOLDERS.filter((f) => !['clients', 'core', 'util'].includes(f)),
    why: 'clients import only clients, core and util',
  },
  // RATIONALE: the Kubernetes API client is a client like those of src/clients: it answers questions
  // about a cluster through a kubeconfig, and knows nothing of clouds, provisioning or presentation.
  kube: {
    forbidden: FOLDERS.filter((f) => !['kube', 'core', 'util'].includes(f)),
    why: 'kube imports only kube, core and util',
  },
  // RATIONALE: the simulator stands in for the cloud; if it used viok's provisioning or CLI it would
  // agree with viok by construction instead of with the vendor's documented API.
  sim: {
    forbidden: ['provision', 'app', 'cli', 'report', 'wizard'],
    why: 'the simulator never uses provision, app, report, wizard or cli',
  },
};

// RATIONALE: only the CLI talks to the terminal and ends the process; the core reports through the
// injected output seam, so the library entry point and the tests drive the same code.
const TERMINAL = 'only src/cli talks to the terminal (commander, chalk, inquirer)';

function blockFor(folder) {
  const layer = LAYERS[folder];
  const why = (text) => `${text} (layering: see eslint.zones.js).`;
  const rules = {
    'no-restricted-imports': [
      'error',
      {
        paths: ['commander', 'chalk', 'inquirer'].map((name) => ({ name, message: why(TERMINAL) })),
        patterns: [
          { group: ['@inquirer/*'], message: why(TERMINAL) },
          ...(layer ? [{ regex: reaching(layer.forbidden), message: why(layer.why) }] : []),
        ],
      },
    ],
    'no-restricted-properties': [
      'error',
      { object: 'process', property: 'exit', message: why('only src/cli ends the process') },
    ],
  };
  if (layer) {
    // a lazy require() is an import too
    rules['no-restricted-syntax'] = [
      'error',
      {
        selector: `CallExpression[callee.name='require'] > Literal[value=/${reaching(layer.forbidden).replace(/\//g, '\\/')}/]`,
        message: why(layer.why),
      },
    ];
  }
  return { files: [`src/${folder}/**/*.ts`], rules };
}

/** One flat-config block per folder of src/ but cli, which may use the terminal and the process. */
const zones = FOLDERS.filter((f) => f !== 'cli').map(blockFor);

module.exports = { zones, FOLDERS };
