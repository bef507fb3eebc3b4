import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['es-gen-source'] },
  ssr: { resolve: { conditions: ['es-gen-source'] } },
  test: {
    include: ['runtime/**/*.test.ts', 'generator/**/*.test.ts', 'examples/**/*.test.ts', 'scripts/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/fixtures/**', '**/.tmp/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: true,
  },
});
