import { UserInputError } from '../core/errors';
import { kubeconfigNames, type Kubeconfig } from './kubeconfig';

/**
 * kubectl's exec credential plugins (client-go `pkg/apis/clientauthentication`): kubectl runs the
 * command of a kubeconfig user's `exec` entry, passes KUBERNETES_EXEC_INFO (an ExecCredential with the
 * apiVersion it expects, and `spec.interactive`), and reads an ExecCredential with `status.token` and
 * `status.expirationTimestamp` from its stdout, until which it reuses the token.
 * https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins
 */
export const EXEC_API_VERSIONS = [
  'client.authentication.k8s.io/v1',
  'client.authentication.k8s.io/v1beta1',
] as const;
export type ExecApiVersion = (typeof EXEC_API_VERSIONS)[number];

export interface ExecCredential {
  apiVersion: ExecApiVersion;
  kind: 'ExecCredential';
  status: { token: string; expirationTimestamp?: string };
}

/**
 * The apiVersion kubectl asked for in KUBERNETES_EXEC_INFO; v1 when the variable is absent (the
 * plugin run by hand). An unknown version is refused: answering in another one, kubectl would fail
 * with a decoding error that does not name viok.
 */
export function requestedExecApiVersion(execInfo: string | undefined): ExecApiVersion {
  if (execInfo === undefined || execInfo.trim() === '') return EXEC_API_VERSIONS[0];
  let apiVersion: unknown;
  try {
    apiVersion = (JSON.parse(execInfo) as { apiVersion?: unknown } | null)?.apiVersion;
  } catch {
    throw new UserInputError('KUBERNETES_EXEC_INFO is not JSON: kubectl sets it to an ExecCredential');
  }
  if (!EXEC_API_VERSIONS.includes(apiVersion as ExecApiVersion))
    throw new UserInputError(
      `KUBERNETES_EXEC_INFO asks for apiVersion ${JSON.stringify(apiVersion)}; viok answers ${EXEC_API_VERSIONS.join(' or ')}`,
    );
  return apiVersion as ExecApiVersion;
}

/** The answer to kubectl: the token and when it expires (kubectl asks again after that). */
export function execCredential(
  apiVersion: ExecApiVersion,
  token: string,
  expiresAt: string | undefined,
): ExecCredential {
  // Keystone writes microseconds (2026-12-05T10:00:00.000000Z); the field is an RFC 3339 time
  const expiry = expiresAt ? new Date(expiresAt) : undefined;
  return {
    apiVersion,
    kind: 'ExecCredential',
    status: {
      token,
      ...(expiry && !Number.isNaN(expiry.getTime())
        ? { expirationTimestamp: expiry.toISOString().replace(/\.\d{3}Z$/, 'Z') }
        : {}),
    },
  };
}

/**
 * The cluster's kubeconfig for Keystone users: the same cluster entry (server, CA) as the admin's, and
 * a user `viok-<cluster>-keystone` whose token comes from `viok auth token` with the user's own
 * clouds.yaml cloud (`cloud`; without it, OS_CLOUD or the OS_* variables of kubectl's environment).
 * No client certificate or key is in it: it can be handed to people.
 */
export function keystoneKubeconfig(
  admin: Kubeconfig,
  cluster: string,
  cloud: string | undefined,
): Kubeconfig {
  const names = kubeconfigNames(cluster);
  const user = `viok-${cluster}-keystone`;
  return {
    ...admin,
    users: [
      {
        name: user,
        user: {
          exec: {
            apiVersion: EXEC_API_VERSIONS[0],
            command: 'viok',
            args: ['auth', 'token', ...(cloud ? ['--os-cloud', cloud] : [])],
            interactiveMode: 'Never',
            provideClusterInfo: false,
            installHint:
              'viok signs in to Keystone for this cluster: install viok (npm install -g viok) and put your cloud in clouds.yaml or OS_* variables',
          },
        },
      },
    ],
    contexts: [{ name: names.context, context: { cluster: names.cluster, user } }],
  };
}
