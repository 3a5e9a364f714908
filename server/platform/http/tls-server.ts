/**
 * The HTTPS listener for custom domains: the certificate is chosen per name (SNI) among the
 * domains in service; any other name gets no certificate and the handshake fails. Requests
 * and WebSocket upgrades go to the same Fastify app as the plain listener. The caller closes
 * it (a listening app takes no more hooks).
 */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { SecureContext } from 'node:tls';
import type { FastifyInstance } from 'fastify';

export type CertificateSource = { get(hostname: string): Promise<SecureContext | undefined> };

export async function listenTls(
  app: FastifyInstance,
  certificates: CertificateSource,
  opts: { port: number; host: string },
): Promise<{ port: number; close: () => Promise<void> }> {
  const server = https.createServer(
    {
      SNICallback: (servername, done) => {
        certificates
          .get(servername.toLowerCase().replace(/\.$/, ''))
          .then((ctx) => (ctx ? done(null, ctx) : done(new Error(`no certificate for ${servername}`))))
          .catch((err: Error) => done(err));
      },
      minVersion: 'TLSv1.2',
    },
    (req, res) => app.routing(req, res),
  );
  server.on('upgrade', (req, socket, head) => app.server.emit('upgrade', req, socket, head));
  // A client that names no host, or an unknown one, fails the handshake: nothing to log.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { port: (server.address() as AddressInfo).port, close };
}
