import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Lists every `*.yaml` and `*.yml` file under `dir` (recursively), as paths relative to `dir`
 * with `/` separators, sorted by code unit so the order is the same on every machine. Hidden
 * folders and `node_modules` are skipped. A missing folder yields an empty list.
 *
 * @example
 * findSchemaFiles('/app/schemas'); // ['order.yaml', 'projections/order-summary.yaml']
 */
export function findSchemaFiles(dir: string): string[] {
  const found: string[] = [];
  walk(dir, '', found);
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function walk(root: string, relative: string, found: string[]): void {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(join(root, relative), { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) walk(root, path, found);
    else if (entry.isFile() && /\.ya?ml$/i.test(entry.name)) found.push(path);
  }
}
