import {
  type AggregateModel,
  currentVersion,
  type EventModel,
  type ProjectionModel,
  type SchemaModel,
} from '../model/ir.ts';
import { upcastOp } from '../upcast/upcast-ops.ts';
import { flowchart, type MermaidDiagram, mermaidLabel, type NodeClass } from './mermaid.ts';

/**
 * What the aggregate diagram's note says: the schemas name each command's events, but not the
 * state fields an event changes (the aggregate's apply code decides that).
 */
export const STATE_NOTE =
  'The schemas do not record which state fields an event changes (the aggregate applies it in code). ' +
  'A dotted arrow leads from each event to the state and names the payload fields that share a name ' +
  'with a state field: a hint, not a guarantee.';

function eventClass(event: EventModel): NodeClass {
  return event.retired ? 'retired' : 'event';
}

/**
 * Commands and the events they emit, and each event's dotted link to the state, labelled with
 * the fields of its current payload that have the name of a state field.
 */
export function aggregateDiagram(aggregate: AggregateModel): MermaidDiagram {
  const eventId = new Map(aggregate.events.map((e, i) => [e.name, `E${i}`]));
  const stateNames = new Set(aggregate.state.map((f) => f.name));
  const body: string[] = [];
  aggregate.commands.forEach((c, i) => {
    body.push(`C${i}[${mermaidLabel(c.name)}]:::command`);
  });
  aggregate.events.forEach((e, i) => {
    body.push(`E${i}([${mermaidLabel(`${e.name} v${e.versions.length}`)}]):::${eventClass(e)}`);
  });
  body.push(`S[(${mermaidLabel(`${aggregate.name} state`)})]:::state`);
  aggregate.commands.forEach((c, i) => {
    for (const emitted of c.emits) body.push(`C${i} --> ${eventId.get(emitted)}`);
  });
  aggregate.events.forEach((e, i) => {
    const shared = currentVersion(e)
      .fields.map((f) => f.name)
      .filter((name) => stateNames.has(name));
    body.push(shared.length > 0 ? `E${i} -.->|${mermaidLabel(shared.join(', '))}| S` : `E${i} -.-> S`);
  });
  return flowchart(`${aggregate.name}: commands, the events they emit, and the state`, body);
}

/**
 * An event's versions, oldest first, each arrow labelled with the upcast that reads the older
 * version as the newer one. Undefined for an event with a single version (no lineage to draw).
 */
export function eventLineageDiagram(event: EventModel): MermaidDiagram | undefined {
  if (event.versions.length < 2) return undefined;
  const cls = eventClass(event);
  const body = event.versions.map(
    (v) => `V${v.version}([${mermaidLabel(`${event.name} v${v.version}`)}]):::${cls}`,
  );
  for (const v of event.versions.slice(1)) {
    const label = v.upcast.map((op) => upcastOp(op).label(op)).join('; ') || 'no change';
    body.push(`V${v.version - 1} -->|${mermaidLabel(label)}| V${v.version}`);
  }
  return flowchart(`${event.name}: version lineage and upcasts`, body);
}

/** Node ids of every event, `A<aggregate index>E<event index>`, by `aggregate/event`. */
function eventIds(model: SchemaModel): Map<string, string> {
  const ids = new Map<string, string>();
  model.aggregates.forEach((a, ai) => {
    a.events.forEach((e, ei) => {
      ids.set(`${a.name}/${e.name}`, `A${ai}E${ei}`);
    });
  });
  return ids;
}

/** The whole system: each aggregate with its events, and the projections that consume them. */
export function systemDiagram(model: SchemaModel): MermaidDiagram {
  const ids = eventIds(model);
  const body: string[] = [];
  model.aggregates.forEach((a, ai) => {
    body.push(`subgraph A${ai}[${mermaidLabel(a.name)}]`);
    a.events.forEach((e, ei) => {
      body.push(`  A${ai}E${ei}([${mermaidLabel(e.name)}]):::${eventClass(e)}`);
    });
    body.push('end');
  });
  model.projections.forEach((p, pi) => {
    body.push(`P${pi}[[${mermaidLabel(p.name)}]]:::projection`);
  });
  model.projections.forEach((p, pi) => {
    for (const h of p.handles) body.push(`${ids.get(`${h.aggregate}/${h.event}`)} --> P${pi}`);
  });
  return flowchart('The system: aggregates, their events, and the projections that consume them', body);
}

/** The events one projection handles, grouped by the aggregate they come from. */
export function projectionDiagram(projection: ProjectionModel): MermaidDiagram {
  const aggregates = [...new Set(projection.handles.map((h) => h.aggregate))].sort();
  const body: string[] = [];
  let next = 0;
  const edges: string[] = [];
  aggregates.forEach((aggregate, ai) => {
    body.push(`subgraph A${ai}[${mermaidLabel(aggregate)}]`);
    for (const h of projection.handles.filter((x) => x.aggregate === aggregate)) {
      body.push(`  H${next}([${mermaidLabel(h.event)}]):::event`);
      edges.push(`H${next} --> P`);
      next++;
    }
    body.push('end');
  });
  return flowchart(`${projection.name}: the events it handles and their aggregates`, [
    `P[[${mermaidLabel(projection.name)}]]:::projection`,
    ...body,
    ...edges,
  ]);
}
