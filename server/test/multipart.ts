/**
 * Multipart uploads over a real HTTP connection, built by hand so a test controls every
 * byte: huge files are generated as they are sent (never in memory), the connection can
 * be cut mid-body, and the response is read even when the server stops reading early.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { App } from '../app.ts';
import type { Session } from './harness.ts';

export type TestFile = { name: string; type?: string; data?: Buffer; size?: number };

/** The app listening on loopback; returns its base URL. */
export async function listen(app: App): Promise<string> {
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return address;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x61);

function* fileBytes(f: TestFile): Generator<Buffer> {
  if (f.data) {
    yield f.data;
    return;
  }
  let left = f.size ?? 0;
  while (left > 0) {
    const n = Math.min(left, CHUNK.length);
    yield n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n);
    left -= n;
  }
}

const sizeOf = (f: TestFile) => f.data?.length ?? f.size ?? 0;

export type UploadOptions = {
  manifest?: boolean;
  /** Stop sending after this many body bytes and destroy the socket. */
  abortAfter?: number;
  /** Send with a Content-Length (default) or chunked. */
  chunked?: boolean;
  extraFields?: Record<string, string>;
};

export type UploadResponse = { status: number; body: any; sent: number; total: number };

/** Where and as whom to upload: a harness Session, or a sign-in over HTTP (test/process.ts). */
export type UploadAs = Pick<Session, 'base' | 'cookie' | 'csrfToken'>;

export async function upload(base: string, session: UploadAs, files: TestFile[], opts: UploadOptions = {}): Promise<UploadResponse> {
  const boundary = `----portico${randomBytes(8).toString('hex')}`;
  const pieces: (Buffer | TestFile)[] = [];
  const field = (name: string, value: string) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  if (opts.manifest) pieces.push(field('manifest', JSON.stringify(files.map((f) => ({ name: f.name, size: sizeOf(f) })))));
  for (const [k, v] of Object.entries(opts.extraFields ?? {})) pieces.push(field(k, v));
  for (const f of files) {
    const name = f.name.replace(/"/g, '%22').replace(/\r|\n/g, ' ');
    pieces.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${f.type ?? 'application/octet-stream'}\r\n\r\n`,
      ),
    );
    pieces.push(f);
    pieces.push(Buffer.from('\r\n'));
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`));
  const total = pieces.reduce((n, p) => n + (Buffer.isBuffer(p) ? p.length : sizeOf(p)), 0);

  const url = new URL(`${base}${session.base}/uploads`);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let settled = false;
    const req = http.request(url, {
      method: 'POST',
      headers: {
        cookie: session.cookie,
        'x-csrf-token': session.csrfToken,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        ...(opts.chunked ? {} : { 'content-length': String(total) }),
      },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        settled = true;
        const text = Buffer.concat(chunks).toString();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode ?? 0, body, sent, total });
      });
    });
    req.on('error', (err) => {
      if (opts.abortAfter !== undefined && !settled) return resolve({ status: 0, body: null, sent, total });
      // The server may answer and close while we still write: wait for the response.
      setTimeout(() => !settled && reject(err), 2000);
    });
    const write = async () => {
      for (const p of pieces) {
        for (const chunk of Buffer.isBuffer(p) ? [p] : fileBytes(p)) {
          if (req.destroyed || settled) return;
          if (opts.abortAfter !== undefined && sent + chunk.length > opts.abortAfter) {
            req.write(chunk.subarray(0, opts.abortAfter - sent));
            sent = opts.abortAfter;
            await new Promise((r) => setTimeout(r, 50));
            req.destroy();
            return;
          }
          sent += chunk.length;
          if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
        }
      }
      req.end();
    };
    write().catch(() => undefined);
  });
}

/** A real 1×1 PNG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** A small multipart upload through `app.inject` (no socket), for permission checks. */
export function injectUpload(
  session: Session,
  files: { name: string; data: Buffer; type?: string }[],
  { method = 'POST', path = '/uploads' }: { method?: 'POST' | 'PUT'; path?: string } = {},
) {
  const boundary = `----portico${randomBytes(8).toString('hex')}`;
  const body = Buffer.concat([
    ...files.flatMap((f) => [
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name.replace(/"/g, '%22')}"\r\nContent-Type: ${f.type ?? 'application/octet-stream'}\r\n\r\n`,
      ),
      f.data,
      Buffer.from('\r\n'),
    ]),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
  return session.app.inject({
    method,
    url: `${session.base}${path}`,
    headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: body,
  });
}
