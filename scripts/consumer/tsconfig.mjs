// Prints the tsconfig.json of one consumer setup. Usage: node tsconfig.mjs nodenext|bundler|strictest
const strict = {
  strict: true,
  skipLibCheck: false,
  target: 'ES2022',
  lib: ['ES2023'],
  types: ['node'],
};
const configs = {
  nodenext: {
    compilerOptions: {
      ...strict,
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      outDir: 'dist',
      rootDir: 'src',
    },
    include: ['src'],
  },
  bundler: {
    compilerOptions: { ...strict, module: 'ESNext', moduleResolution: 'bundler', noEmit: true },
    include: ['src'],
  },
  strictest: {
    extends: './tsconfig.json',
    compilerOptions: {
      noEmit: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      verbatimModuleSyntax: true,
      noUnusedLocals: true,
      noImplicitOverride: true,
      noImplicitReturns: true,
      noFallthroughCasesInSwitch: true,
      noPropertyAccessFromIndexSignature: true,
      useUnknownInCatchVariables: true,
    },
  },
};
const config = configs[process.argv[2]];
if (!config) throw new Error(`unknown setup ${process.argv[2]}: use nodenext, bundler or strictest`);
process.stdout.write(`${JSON.stringify(config, null, 2)}\n`);
