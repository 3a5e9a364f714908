import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'contracts/**/*.test.ts'],
    globalSetup: ['server/test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file opens its own embedded database (~300 MB); two at a time suits 2 cores.
    maxWorkers: 2,
    // Under CI each run also writes a JSON report that .ci/run sums into one closing line.
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: `test-results/vitest-${process.env.RESULTS_TAG ?? 'run'}.json` }]]
      : ['default'],
  },
});
