import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { saveCloud } from '../../../src/wizard';
import type { NewCloud } from '../../../src/wizard';

const cloud: NewCloud = {
  name: 'prod',
  authUrl: 'https://vio.example.com:5000/v3',
  username: 'alice',
  password: 's3cret',
  projectName: 'k8s',
  userDomainName: 'Default',
  projectDomainName: 'Default',
};

describe('saveCloud', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'viok-save-cloud-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('adds the cloud to clouds.yaml and the password to secure.yaml, both 0600, keeping other clouds', () => {
    const cloudsFile = path.join(dir, 'clouds.yaml');
    const secureFile = path.join(dir, 'secure.yaml');
    fs.writeFileSync(cloudsFile, '# mine\nclouds:\n  lab:\n    auth: { auth_url: http://lab }\n');
    saveCloud({ cloud, store: 'secure-yaml', cloudsFile, secureFile });

    const clouds = fs.readFileSync(cloudsFile, 'utf8');
    expect(clouds).toContain('# mine');
    expect(clouds).not.toContain('s3cret');
    expect(parse(clouds).clouds).toMatchObject({
      lab: { auth: { auth_url: 'http://lab' } },
      prod: { auth: { auth_url: cloud.authUrl, username: 'alice', project_name: 'k8s' } },
    });
    expect(parse(fs.readFileSync(secureFile, 'utf8'))).toEqual({
      clouds: { prod: { auth: { password: 's3cret' } } },
    });
    expect(fs.statSync(cloudsFile).mode & 0o777).toBe(0o600);
    expect(fs.statSync(secureFile).mode & 0o777).toBe(0o600);
  });

  it('keeps the password in clouds.yaml when asked, and never overwrites a cloud of the same name', () => {
    const cloudsFile = path.join(dir, 'new', 'clouds.yaml');
    const secureFile = path.join(dir, 'new', 'secure.yaml');
    saveCloud({ cloud, store: 'clouds-yaml', cloudsFile, secureFile });
    expect(parse(fs.readFileSync(cloudsFile, 'utf8')).clouds.prod.auth.password).toBe('s3cret');
    expect(fs.existsSync(secureFile)).toBe(false);
    expect(() => saveCloud({ cloud, store: 'clouds-yaml', cloudsFile, secureFile })).toThrow(
      'already defines clouds.prod',
    );
  });
});
