/**
 * Helpers that keep generated Mermaid text valid whatever the schema names and values hold.
 * Node ids are generated (`C0`, `E1`, ...), never taken from names, so no name can collide
 * with a keyword such as `end` or start an `o`/`x` edge; labels are always quoted, and the
 * characters Mermaid reads inside quotes are written as its entity codes.
 */

const ENTITIES: Readonly<Record<string, string>> = {
  '#': '#35;',
  '"': '#quot;',
  '<': '#lt;',
  '>': '#gt;',
  '&': '#amp;',
  '`': '#96;',
  '|': '#124;',
  '[': '#91;',
  ']': '#93;',
  '{': '#123;',
  '}': '#125;',
  '(': '#40;',
  ')': '#41;',
  ';': '#59;',
};

/**
 * A quoted Mermaid label: `"..."` with quotes, brackets, `#`, `<`, `>`, `&`, backticks, pipes and
 * semicolons written as entity codes, and line breaks as spaces.
 *
 * @example
 * mermaidLabel('add currency = "USD"'); // '"add currency = #quot;USD#quot;"'
 */
export function mermaidLabel(text: string): string {
  const escaped = text.replace(/\r?\n/g, ' ').replace(/[#"<>&`|[\]{}();]/g, (c) => ENTITIES[c] ?? c);
  return `"${escaped}"`;
}

/** A Mermaid diagram: its source text, without the fence. */
export interface MermaidDiagram {
  /** What the diagram shows, used as its accessible title and in the HTML site. */
  readonly title: string;
  readonly source: string;
}

/** The same class styles in every diagram, so the catalog reads one way. */
const CLASS_STYLES: Readonly<Record<string, string>> = {
  command: 'fill:#e0ecff,stroke:#2f5fb3,color:#10264d',
  event: 'fill:#fff1cc,stroke:#b7791f,color:#4a3000',
  retired: 'fill:#eeeeee,stroke:#888888,color:#555555,stroke-dasharray:4 3',
  state: 'fill:#e6f6ea,stroke:#2f855a,color:#123d24',
  projection: 'fill:#f3e8ff,stroke:#7b3fc4,color:#2e1052',
};

/** Node classes a diagram may use (`:::event`); each gets the same style in every diagram. */
export type NodeClass = 'command' | 'event' | 'retired' | 'state' | 'projection';

/**
 * Assembles a flowchart's lines: the title as `accTitle`, the direction, the body indented, then
 * the `classDef` of each node class the body uses. Deterministic: lines stay in the order given.
 */
export function flowchart(title: string, body: readonly string[]): MermaidDiagram {
  const used = Object.keys(CLASS_STYLES).filter((name) => body.some((line) => line.endsWith(`:::${name}`)));
  const source = [
    'flowchart LR',
    `  accTitle: ${title.replace(/[\r\n]/g, ' ')}`,
    ...body.map((line) => `  ${line}`),
    ...used.map((name) => `  classDef ${name} ${CLASS_STYLES[name]}`),
  ].join('\n');
  return { title, source };
}
