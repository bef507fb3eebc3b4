import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import Handlebars from 'handlebars';
import { assetDir } from '../../package-info.ts';

/**
 * The folder of the handlebars templates of user-owned files: `templates/` at the package root,
 * found the same way from the sources and from a compiled `dist/`.
 */
export const TEMPLATES_DIR = pathToFileURL(`${assetDir('templates')}/`);

const compiled = new Map<string, HandlebarsTemplateDelegate>();

/**
 * Renders `templates/<name>` with `context`. Values are inserted as written (no HTML escaping);
 * templates are read and compiled once per process.
 *
 * @example
 * renderTemplate('stubs/event-applier.ts.hbs', { method: 'applyOrderPlaced', ... });
 */
export function renderTemplate(name: string, context: Readonly<Record<string, unknown>>): string {
  let template = compiled.get(name);
  if (!template) {
    const source = readFileSync(new URL(name, TEMPLATES_DIR), 'utf8');
    template = Handlebars.compile(source, { noEscape: true, strict: true });
    compiled.set(name, template);
  }
  return template(context);
}
