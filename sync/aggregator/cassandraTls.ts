import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { HallgateError } from '../../kernel/errors.ts';

/** TLS from the aggregator to Cassandra (the nodes' client_encryption_options). */
export interface CassandraTls {
  /** CA certificate(s) that signed the nodes' certificates (PEM); default: the system's CAs. */
  caFile?: string;
  /** Client certificate and key (PEM), when the nodes require client authentication. */
  certFile?: string;
  keyFile?: string;
  /** Check the node's certificate against its address (default true). */
  checkHostname?: boolean;
}

/** The driver's sslOptions; a file that cannot be read is a CONFIG_INVALID error naming it. */
export function cassandraSslOptions(tls: CassandraTls): ConnectionOptions {
  const read = (what: string, path: string | undefined) => {
    if (path === undefined) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      throw new HallgateError('CONFIG_INVALID', `cannot read Cassandra TLS ${what} '${path}'`, {
        cause: err,
      });
    }
  };
  const ca = read('CA file', tls.caFile);
  const cert = read('certificate file', tls.certFile);
  const key = read('key file', tls.keyFile);
  return {
    rejectUnauthorized: true,
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(tls.checkHostname === false ? { checkServerIdentity: () => undefined } : {}),
  };
}
