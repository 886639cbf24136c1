import {
  EtcdAuthenticationFailedError,
  EtcdInvalidAuthTokenError,
  EtcdPermissionDeniedError,
  GRPCDeadlineExceededError,
  GRPCUnauthenticatedError,
  GRPCUnavailableError,
} from 'etcd3';

/**
 * One sentence for a failed etcd call: which endpoint, what happened, what to do. Never a gRPC stack:
 * the raw error stays available as the OperationError's cause (shown under --debug).
 */
export function describeEtcdFailure(e: unknown, endpoints: string[], location: string): string {
  const where = endpoints.join(', ');
  const reason = shortReason(e);
  if (e instanceof GRPCUnavailableError || e instanceof GRPCDeadlineExceededError)
    return (
      `cannot reach etcd at ${where} (${reason}); check that etcd is running and serving clients there,` +
      ` and that --state names its client address (etcd://host:port/prefix, or etcds:// for TLS)`
    );
  if (
    e instanceof EtcdAuthenticationFailedError ||
    e instanceof EtcdInvalidAuthTokenError ||
    e instanceof GRPCUnauthenticatedError
  )
    return (
      `etcd at ${where} refused the credentials (${reason}); set VIOK_ETCD_USERNAME and` +
      ` VIOK_ETCD_PASSWORD to an etcd user`
    );
  if (e instanceof EtcdPermissionDeniedError)
    return `etcd at ${where} denied access (${reason}); grant the etcd user read/write on the keys of ${location}`;
  return `etcd at ${where} failed: ${reason}`;
}

/** The useful part of a gRPC message, e.g. `connect ECONNREFUSED 127.0.0.1:2379`. */
function shortReason(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const last = /Last error: (?:Error: )?(.*?)(?:\.\s*Resolution note:|$)/s.exec(message);
  const text = (last?.[1] ?? message).split('\n')[0] ?? '';
  return text.replace(/^\d+ [A-Z_]+: /, '').trim() || 'no detail';
}
