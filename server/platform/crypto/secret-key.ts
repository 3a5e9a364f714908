/**
 * The key that seals secrets at rest (certificate keys, the ACME account key): SECRET_KEY
 * from the environment, or else a key Portico makes once and keeps in DATA_DIR/secret.key
 * (mode 0600). Several processes sharing one PostgreSQL database must share SECRET_KEY:
 * each would otherwise make its own and could not open what another sealed.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config.ts';
import { newSecretKey, parseSecretKey } from './sealed.ts';

const resolved = new WeakMap<Config, Promise<Buffer>>();

export function secretKey(config: Config): Promise<Buffer> {
  let key = resolved.get(config);
  if (!key) {
    key = config.secretKey ? Promise.resolve(parseSecretKey(config.secretKey)) : keyFile(config.dataDir);
    resolved.set(config, key);
  }
  return key;
}

async function keyFile(dataDir: string): Promise<Buffer> {
  const file = path.join(dataDir, 'secret.key');
  try {
    return parseSecretKey(await readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dataDir, { recursive: true });
  // 'wx': if another start made it meanwhile, use theirs.
  await writeFile(file, `${newSecretKey()}\n`, { mode: 0o600, flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  return parseSecretKey(await readFile(file, 'utf8'));
}
