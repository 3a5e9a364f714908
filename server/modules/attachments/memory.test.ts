/**
 * Uploads are streamed: ten 10 MB files arriving at once must not grow the server's
 * resident memory by anything like their 100 MB. (Figures: `node --import tsx
 * bench/upload-memory.ts`; measured ~2 MB embedded, ~26 MB on PostgreSQL.)
 */
import { expect, it } from 'vitest';
import { measureUploadMemory } from '../../../bench/upload-memory.ts';

it('grows resident memory by far less than the 100 MB received', async () => {
  const r = await measureUploadMemory(10, 10);
  console.log(`upload memory: ${JSON.stringify(r)}`);
  expect(r.growthMb).toBeLessThan(50);
}, 120_000);
