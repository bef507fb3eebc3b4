import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ResolvedConfig } from '../../config/config.ts';

/** A throw-away project folder under the OS temp folder, with the default config. */
export class TempProject {
  readonly root: string;
  readonly config: ResolvedConfig;

  constructor(prefix = 'es-gen-project-') {
    this.root = mkdtempSync(join(tmpdir(), prefix));
    this.config = {
      projectRoot: this.root,
      schemasDir: 'schemas',
      outputDir: 'src/generated',
      domainDir: 'src/domain',
      runtimeImport: '@es-gen/runtime',
      importExtension: 'auto',
    };
  }

  write(path: string, content: string): void {
    mkdirSync(dirname(join(this.root, path)), { recursive: true });
    writeFileSync(join(this.root, path), content);
  }

  read(path: string): string {
    return readFileSync(join(this.root, path), 'utf8');
  }

  mtime(path: string): number {
    return statSync(join(this.root, path)).mtimeMs;
  }

  remove(path: string): void {
    rmSync(join(this.root, path), { recursive: true, force: true });
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** A small valid aggregate schema. */
export function aggregateYaml(name: string, commands: readonly string[] = []): string {
  const lines = [`kind: aggregate`, `name: ${name}`, 'events:', `  ${name}Created: {}`];
  if (commands.length > 0)
    lines.push('commands:', ...commands.map((c) => `  ${c}: { emits: [${name}Created] }`));
  return `${lines.join('\n')}\n`;
}
