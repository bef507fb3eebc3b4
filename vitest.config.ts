import { transform } from 'esbuild';
import { defineConfig, type Plugin } from 'vitest/config';

/**
 * Vite's own TypeScript transform only knows legacy `experimentalDecorators`; es-gen uses
 * TC39 standard decorators (`@handles`). Files that use decorators go through esbuild, which
 * lowers standard decorators, before Vite sees them.
 */
function standardDecorators(): Plugin {
  return {
    name: 'es-gen:standard-decorators',
    enforce: 'pre',
    async transform(code, id) {
      if (!id.endsWith('.ts') || id.includes('/node_modules/') || !/^\s*@[A-Za-z_]/m.test(code)) return null;
      const out = await transform(code, {
        loader: 'ts',
        target: 'es2022',
        format: 'esm',
        sourcemap: true,
        sourcefile: id,
        tsconfigRaw: { compilerOptions: { experimentalDecorators: false, verbatimModuleSyntax: true } },
      });
      return { code: out.code, map: out.map };
    },
  };
}

export default defineConfig({
  plugins: [standardDecorators()],
  resolve: { conditions: ['es-gen-source'] },
  ssr: { resolve: { conditions: ['es-gen-source'] } },
  test: {
    include: [
      'runtime/**/*.test.ts',
      'generator/**/*.test.ts',
      'examples/**/*.test.ts',
      'scripts/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/fixtures/**', '**/.tmp/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: true,
  },
});
