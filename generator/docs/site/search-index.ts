import type { EventModel, FieldModel, SchemaModel } from '../../model/ir.ts';
import { anchor } from '../markdown.ts';
import { ASSET_MARKER } from './html.ts';
import { aggregatePage, PROJECTIONS_PAGE, TYPES_PAGE } from './site-paths.ts';

/** One thing the site's search finds: its kind, name, where it belongs and its page (from the site root). */
export interface SearchEntry {
  readonly kind: 'aggregate' | 'command' | 'event' | 'field' | 'projection' | 'read model' | 'type';
  readonly name: string;
  readonly detail: string;
  readonly href: string;
}

/** The search variable the index file defines (a script, so it loads from file:// where fetch cannot). */
export const SEARCH_GLOBAL = 'ES_GEN_SEARCH';

/** One entry per field name of an event, with the versions that have it, linking to the newest. */
function eventFieldEntries(event: EventModel, page: string): SearchEntry[] {
  const versions = new Map<string, number[]>();
  for (const v of event.versions) {
    for (const f of v.fields) versions.set(f.name, [...(versions.get(f.name) ?? []), v.version]);
  }
  return [...versions].map(([name, list]) => ({
    kind: 'field',
    name,
    detail: `${event.name} ${list.map((n) => `v${n}`).join(', ')}`,
    href: `${page}#${anchor(`${event.name} v${list[list.length - 1]}`)}`,
  }));
}

function fieldEntries(fields: readonly FieldModel[], detail: string, href: string): SearchEntry[] {
  return fields.map((f) => ({ kind: 'field', name: f.name, detail, href }));
}

/** Every aggregate, command, event, field, projection, read model (with its columns) and named type of the model, in model order. */
export function searchEntries(model: SchemaModel): SearchEntry[] {
  const entries: SearchEntry[] = [];
  for (const a of model.aggregates) {
    const page = aggregatePage(a.name);
    entries.push({ kind: 'aggregate', name: a.name, detail: a.description ?? 'aggregate', href: page });
    entries.push(...fieldEntries(a.state, `${a.name} state`, `${page}#state`));
    for (const c of a.commands) {
      const href = `${page}#${anchor(c.name)}`;
      entries.push({ kind: 'command', name: c.name, detail: `${a.name} command`, href });
      entries.push(...fieldEntries(c.fields, `${c.name} command`, href));
    }
    for (const e of a.events) {
      const detail = `${a.name} event, v${e.versions.length}${e.retired ? ', retired' : ''}`;
      entries.push({ kind: 'event', name: e.name, detail, href: `${page}#${anchor(e.name)}` });
      entries.push(...eventFieldEntries(e, page));
    }
  }
  for (const p of model.projections) {
    const detail = `projection of ${p.handles.map((h) => h.event).join(', ')}`;
    entries.push({ kind: 'projection', name: p.name, detail, href: `${PROJECTIONS_PAGE}#${anchor(p.name)}` });
    const readModel = p.readModel;
    if (readModel) {
      const href = `${PROJECTIONS_PAGE}#${anchor(`Read model \`${readModel.name}\``)}`;
      entries.push({ kind: 'read model', name: readModel.name, detail: `read model of ${p.name}`, href });
      entries.push(...fieldEntries(readModel.columns, `${readModel.name} read model`, href));
    }
  }
  for (const t of model.types) {
    const href = `${TYPES_PAGE}#${anchor(t.name)}`;
    entries.push({ kind: 'type', name: t.name, detail: `${t.kind} type`, href });
    if (t.kind === 'object') entries.push(...fieldEntries(t.fields, `${t.name} type`, href));
  }
  return entries;
}

/** The search index as a script that sets `window.ES_GEN_SEARCH`, one entry a line. */
export function renderSearchIndex(model: SchemaModel): string {
  const lines = searchEntries(model).map((e) => `  ${JSON.stringify(e)},`);
  return `${ASSET_MARKER}\nwindow.${SEARCH_GLOBAL} = [\n${lines.join('\n')}\n];\n`;
}
