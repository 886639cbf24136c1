#!/usr/bin/env node
'use strict';
// Writes dist/build-info.json after tsc: the version and the git commit viok was built from, for
// `viok --version` and `viok version -o json`. A build outside a git checkout records no commit.
const { execFileSync } = require('node:child_process');
const { writeFileSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
let commit = null;
try {
  commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
  const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  if (dirty.trim() !== '') commit += '-dirty';
} catch {
  // not a git checkout (an unpacked tarball): no commit to record
}
const { version } = require(path.join(root, 'package.json'));
writeFileSync(
  path.join(root, 'dist', 'build-info.json'),
  `${JSON.stringify({ version, commit }, null, 2)}\n`,
);
