import { eventVersionSchema } from '../../json-schema/index.ts';
import type {
  AggregateModel,
  EventModel,
  EventVersionModel,
  FieldModel,
  SchemaModel,
  TypeRef,
} from '../../model/ir.ts';
import { upcastOp } from '../../upcast/upcast-ops.ts';
import { anchor } from '../markdown.ts';
import { escapeHtml } from './html.ts';

function typeText(ref: TypeRef): string {
  if (ref.kind === 'array') return `${typeText(ref.items)}[]`;
  return ref.name;
}

/** A field's type and optionality in one line, e.g. `string?`, `number = 0`. */
function fieldSummary(field: FieldModel): string {
  const optional = field.optional && !field.hasDefault ? '?' : '';
  const fallback = field.hasDefault ? ` = ${JSON.stringify(field.default)}` : '';
  return `${typeText(field.type)}${optional}${fallback}`;
}

/** The JSON Schema of one event version, collapsed under its table. */
function schemaHtml(model: SchemaModel, event: EventModel, version: EventVersionModel): string {
  const schema = JSON.stringify(eventVersionSchema(model, event, version), null, 2);
  return [
    '<details class="json-schema">',
    `<summary>JSON Schema of ${escapeHtml(event.name)} v${version.version}</summary>`,
    `<pre><code>${escapeHtml(schema)}</code></pre>`,
    '</details>\n',
  ].join('\n');
}

type RowStatus = 'added' | 'removed' | 'changed' | 'same';

function compareRows(left: EventVersionModel, right: EventVersionModel): string[] {
  const names = [...left.fields.map((f) => f.name)];
  for (const f of right.fields) if (!names.includes(f.name)) names.push(f.name);
  return names.map((name) => {
    const a = left.fields.find((f) => f.name === name);
    const b = right.fields.find((f) => f.name === name);
    const before = a ? fieldSummary(a) : '';
    const after = b ? fieldSummary(b) : '';
    const status: RowStatus = !a ? 'added' : !b ? 'removed' : before === after ? 'same' : 'changed';
    return `<tr class="${status}"><td><code>${escapeHtml(name)}</code></td><td>${escapeHtml(before)}</td><td>${escapeHtml(after)}</td><td>${status}</td></tr>`;
  });
}

/** The comparison of two versions `from` < `to`: fields side by side, and the upcasts between them. */
function pairHtml(event: EventModel, from: EventVersionModel, to: EventVersionModel, shown: boolean): string {
  const steps = event.versions
    .filter((v) => v.version > from.version && v.version <= to.version)
    .map(
      (v) =>
        `<li>v${v.version - 1} to v${v.version}: ${escapeHtml(v.upcast.map((op) => upcastOp(op).label(op)).join('; ') || 'no change')}</li>`,
    );
  return [
    `<div class="compare-pair" data-from="${from.version}" data-to="${to.version}"${shown ? '' : ' hidden'}>`,
    '<table class="compare-table">',
    `<thead><tr><th>Field</th><th>v${from.version}</th><th>v${to.version}</th><th>Change</th></tr></thead>`,
    `<tbody>${compareRows(from, to).join('')}</tbody>`,
    '</table>',
    `<p>Upcasts from v${from.version} to v${to.version}:</p>`,
    `<ul>${steps.join('')}</ul>`,
    '</div>',
  ].join('\n');
}

function versionSelect(event: EventModel, side: 'from' | 'to', selected: number): string {
  const options = event.versions.map(
    (v) => `<option value="${v.version}"${v.version === selected ? ' selected' : ''}>v${v.version}</option>`,
  );
  const label = side === 'from' ? 'Compare' : 'with';
  return `<label>${label} <select data-side="${side}" aria-label="${side} version">${options.join('')}</select></label>`;
}

/**
 * Two versions of an event side by side: every pair is rendered (the newest pair shown), and
 * the page script shows the pair the two selects name.
 */
function compareHtml(event: EventModel): string {
  const last = event.versions.length;
  const pairs: string[] = [];
  for (const from of event.versions) {
    for (const to of event.versions.filter((v) => v.version > from.version)) {
      pairs.push(pairHtml(event, from, to, from.version === last - 1 && to.version === last));
    }
  }
  return [
    `<section class="compare" id="${anchor(event.name)}-compare" aria-label="Compare versions of ${escapeHtml(event.name)}">`,
    `<h5>Compare versions of ${escapeHtml(event.name)}</h5>`,
    `<p class="compare-controls">${versionSelect(event, 'from', last - 1)} ${versionSelect(event, 'to', last)}</p>`,
    '<p class="compare-same" hidden>Choose two different versions.</p>',
    ...pairs,
    '</section>\n',
  ].join('\n');
}

/**
 * What the site adds to an aggregate's page, by heading anchor: the JSON Schema of every event
 * version (end of its section) and, for events with several versions, the side-by-side view.
 */
export function eventExtras(model: SchemaModel, aggregate: AggregateModel): Map<string, string> {
  const extras = new Map<string, string>();
  for (const event of aggregate.events) {
    if (event.versions.length > 1) extras.set(anchor(event.name), compareHtml(event));
    for (const version of event.versions) {
      extras.set(anchor(`${event.name} v${version.version}`), schemaHtml(model, event, version));
    }
  }
  return extras;
}
