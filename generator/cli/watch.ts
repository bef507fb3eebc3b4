import { relative, resolve, sep } from 'node:path';
import { watch } from 'chokidar';
import type { ResolvedConfig } from '../config/config.ts';

/** A running watcher. */
export interface WatchHandle {
  /** Resolves once the initial scan is done and changes are being reported. */
  readonly ready: Promise<void>;
  /** Stops watching; a rebuild in progress finishes first. */
  close(): Promise<void>;
}

/** Options of `watchSchemas`. */
export interface WatchOptions {
  readonly config: ResolvedConfig;
  /** Runs one rebuild; must not throw (report errors itself). `changed` lists root-relative paths. */
  readonly rebuild: (changed: readonly string[]) => Promise<void>;
  /** Quiet period after the last change before rebuilding (default 100 ms). */
  readonly debounceMs?: number;
}

/**
 * Watches the schema folder and the config file and calls `rebuild` after changes, debounced:
 * a burst of changes gives one rebuild, and changes during a rebuild give exactly one more.
 * The schema folder may not exist yet; it is picked up when created.
 *
 * @example
 * const handle = watchSchemas({ config, rebuild: async () => { ... } });
 * await handle.ready;
 */
export function watchSchemas(options: WatchOptions): WatchHandle {
  const root = options.config.projectRoot;
  const schemas = resolve(root, options.config.schemasDir);
  const configFile = options.config.configFile;
  const wanted = (path: string) =>
    path === root ||
    path === configFile ||
    path === schemas ||
    path.startsWith(`${schemas}${sep}`) ||
    schemas.startsWith(`${path}${sep}`);
  const watcher = watch(root, { ignoreInitial: true, ignored: (path) => !wanted(resolve(path)) });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let pending = new Set<string>();
  let closed = false;

  const flush = async (): Promise<void> => {
    while (pending.size > 0 && !closed) {
      const changed = [...pending].sort();
      pending = new Set();
      await options.rebuild(changed);
    }
  };
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (running) return;
      running = flush().finally(() => {
        running = undefined;
        if (pending.size > 0 && !closed) schedule();
      });
    }, options.debounceMs ?? 100);
  };
  watcher.on('all', (event, path) => {
    if (!isRelevant(event, resolve(path), schemas, configFile)) return;
    const absolute = resolve(path);
    pending.add(relative(root, absolute).split(sep).join('/'));
    schedule();
  });
  const ready = new Promise<void>((done) => watcher.once('ready', () => done()));
  return {
    ready,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await running;
      await watcher.close();
    },
  };
}

/** Schema files and the config file count; a removed folder under the schemas may hide removed files. */
function isRelevant(
  event: string,
  absolute: string,
  schemas: string,
  configFile: string | undefined,
): boolean {
  const underSchemas = absolute === schemas || absolute.startsWith(`${schemas}${sep}`);
  if (event === 'unlinkDir') return underSchemas;
  if (event === 'addDir') return false;
  return absolute === configFile || (underSchemas && /\.ya?ml$/i.test(absolute));
}
