/**
 * A real ACME server for tests: Debian's `pebble`, started per test file on loopback ports.
 * Its own HTTPS listener gets a throwaway self-signed certificate made with `openssl`
 * (`caCertPem` trusts it); the certificates it issues chain to a root it generates at start
 * (`issuingRootPem()`, from the management interface). HTTP-01 validation resolves the
 * domain through `dnsServer` and connects to the resolved address on `httpPort`.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './smtp.ts';

export type TestPebble = {
  directoryUrl: string;
  /** Trust for pebble's own HTTPS (the ACME endpoints and the management interface). */
  caCertPem: string;
  /** The root pebble signs issued certificates under (new on every start). */
  issuingRootPem(): Promise<string>;
  /** Pebble's log so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
};

function onPath(command: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const file = join(dir, command);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

/** Whether pebble and openssl are installed (CI installs them; a developer may not have). */
export function pebbleAvailable(): boolean {
  return onPath('pebble') !== null && onPath('openssl') !== null;
}

function fetchText(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { ca, timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout fetching ${url}`)));
    req.on('error', reject);
  });
}

export async function startPebble(opts: { httpPort: number; dnsServer: string }): Promise<TestPebble> {
  const pebble = onPath('pebble');
  if (!pebble) throw new Error('pebble is not installed (apt-get install pebble)');
  const dir = await mkdtemp(join(tmpdir(), 'portico-pebble-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  await promisify(execFile)('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=pebble test listener',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ]);
  const caCertPem = await readFile(certFile, 'utf8');
  const [acmePort, managementPort, tlsPort] = [await freePort(), await freePort(), await freePort()];
  const configFile = join(dir, 'pebble-config.json');
  await writeFile(
    configFile,
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${acmePort}`,
        managementListenAddress: `127.0.0.1:${managementPort}`,
        certificate: certFile,
        privateKey: keyFile,
        httpPort: opts.httpPort,
        tlsPort,
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
      },
    }),
  );

  let log = '';
  const child: ChildProcess = spawn(pebble, ['-config', configFile, '-dnsserver', opts.dnsServer, '-strict=false'], {
    env: {
      ...process.env,
      PEBBLE_VA_NOSLEEP: '1', // validate at once instead of sleeping 0–15 s first
      PEBBLE_WFE_NONCEREJECT: '0', // do not reject 5% of good nonces
      PEBBLE_AUTHZREUSE: '0', // every order validates afresh
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  const directoryUrl = `https://127.0.0.1:${acmePort}/dir`;
  const deadline = Date.now() + 15_000;
  let ready = false;
  let stopped = false;
  void exited.then(() => (stopped = true));
  while (!ready) {
    if (stopped || Date.now() > deadline) {
      await stop();
      throw new Error(`pebble did not start (${stopped ? 'it exited' : 'no directory after 15 s'}):\n${log}`);
    }
    try {
      ready = (await fetchText(directoryUrl, caCertPem)).status === 200;
    } catch {
      // not listening yet
    }
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    directoryUrl,
    caCertPem,
    async issuingRootPem() {
      const { status, body } = await fetchText(`https://127.0.0.1:${managementPort}/roots/0`, caCertPem);
      if (status !== 200) throw new Error(`pebble /roots/0 answered ${status}`);
      return body;
    },
    output: () => log,
    stop,
  };
}
