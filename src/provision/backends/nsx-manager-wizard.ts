/** The questions both NSX backends ask in `viok init` about their manager. */
import { envVarName, httpsUrl } from '../../wizard/choices';
import type { WizardSteps } from '../../wizard/types';

export interface ManagerQuestions {
  /** 'NSX-T Manager', 'NSX Manager'. */
  manager: string;
  /** The user question: 'NSX-T user'. */
  user: string;
  /** 'NSX-T password'. */
  password: string;
  /**
   * Names the answers (`nsxtManager`, `nsxtUsername`, `nsxtPasswordEnv`, `nsxtCaFile`, `nsxtInsecure`)
   * and the variables that give the URL and user when no flag does (`VIOK_NSXT_URL`, `VIOK_NSXT_USERNAME`).
   */
  prefix: 'nsxt' | 'nsxv';
  defaults: { username: string; passwordEnv: string };
}

/** The manager's URL, user, the variable that holds the password, CA file; TLS checks off by flag only. */
export async function askManager(
  s: WizardSteps,
  q: ManagerQuestions,
): Promise<{ url: string; username: string; passwordEnv: string; caFile: string; insecure: boolean }> {
  const p = q.prefix;
  const envPrefix = `VIOK_${p.toUpperCase()}`;
  const url = await s.text(`${p}Manager`, `${q.manager} URL`, s.env(`${envPrefix}_URL`), httpsUrl);
  const username = await s.text(
    `${p}Username`,
    q.user,
    s.env(`${envPrefix}_USERNAME`) ?? q.defaults.username,
  );
  const passwordEnv = await s.text(
    `${p}PasswordEnv`,
    `Environment variable that will hold the ${q.password} (the spec names it, never the password)`,
    q.defaults.passwordEnv,
    envVarName,
  );
  const caFile = await s.text(
    `${p}CaFile`,
    `CA file of the ${q.manager} certificate (empty: system CAs)`,
    s.env('VIOK_NSX_CA_FILE') ?? '',
  );
  const insecure = s.given[`${p}Insecure`] ?? false;
  s.answers[`${p}Insecure`] = insecure;
  return { url, username, passwordEnv, caFile, insecure };
}
