// Shared vitest settings for every package: workspace packages resolve each other from source
// (the "@minidl/source" export condition), so tests never need a prior `tsc` build of a sibling.
import { defineConfig } from 'vitest/config';

const sourceConditions = ['@minidl/source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
