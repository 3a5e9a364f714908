/**
 * How much the server's resident memory grows while it receives ten 10 MB files at once
 * (ten concurrent uploads over loopback): streamed uploads should cost buffers, not files.
 *
 *   node --import tsx bench/upload-memory.ts            (embedded database)
 *   DATABASE_URL=postgres://… node --import tsx bench/upload-memory.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { upload } from '../server/test/multipart.ts';
import { freePort, killAll, portalSignInOver, rssMb, startProcess, waitHealthy } from '../server/test/process.ts';

export type UploadMemory = { baselineMb: number; peakMb: number; growthMb: number; uploadedMb: number; seconds: number };

export async function measureUploadMemory(files = 10, sizeMb = 10): Promise<UploadMemory> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'portico-bench-upload-'));
  try {
    const port = await freePort();
    const env: Record<string, string> = { DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' };
    if (process.env.DATABASE_URL) Object.assign(env, { DATABASE_URL: process.env.DATABASE_URL, SEED_DEMO: 'true' });
    const proc = startProcess(env);
    await waitHealthy(port, proc.exited);
    const url = `http://127.0.0.1:${port}`;
    const pid = proc.child.pid!;
    const contact = await portalSignInOver(url, 'brightline', 'tom@harbordental.example', 'demo-password');
    const size = sizeMb * 1024 * 1024;
    // Warm up code paths and pools with one upload, then let the heap settle.
    await upload(url, contact, [{ name: 'warm-up.bin', size }]);
    await new Promise((r) => setTimeout(r, 1500));
    const baselineMb = await rssMb(pid);
    let peakMb = baselineMb;
    const sampler = setInterval(() => {
      rssMb(pid).then((mb) => (peakMb = Math.max(peakMb, mb)), () => undefined);
    }, 10);
    const t0 = Date.now();
    const results = await Promise.all(
      Array.from({ length: files }, (_, i) => upload(url, contact, [{ name: `file-${i}.bin`, size }])),
    );
    const seconds = (Date.now() - t0) / 1000;
    clearInterval(sampler);
    peakMb = Math.max(peakMb, await rssMb(pid));
    const failed = results.filter((r) => r.status !== 201);
    if (failed.length) throw new Error(`uploads failed: ${failed.map((f) => f.status).join(', ')}`);
    proc.child.kill('SIGTERM');
    await proc.exited;
    return { baselineMb, peakMb, growthMb: peakMb - baselineMb, uploadedMb: files * sizeMb, seconds };
  } finally {
    killAll();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await measureUploadMemory();
  console.log('| uploaded | seconds | RSS before | RSS peak | growth |');
  console.log('|---|---|---|---|---|');
  console.log(
    `| ${r.uploadedMb} MB (10 × 10 MB at once) | ${r.seconds.toFixed(2)} | ${r.baselineMb.toFixed(0)} MB | ${r.peakMb.toFixed(0)} MB | ${r.growthMb.toFixed(1)} MB |`,
  );
}
