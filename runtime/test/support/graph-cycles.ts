/** A directed graph as adjacency sets. */
export type Digraph = ReadonlyMap<string, ReadonlySet<string>>;

/** Tarjan's strongly connected components, each listed in discovery order. */
function components(graph: Digraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) connect(next);
      if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, low.get(next) ?? index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    for (let top = stack.pop()!; ; top = stack.pop()!) {
      onStack.delete(top);
      component.push(top);
      if (top === node) break;
    }
    found.push(component.reverse());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node);
  return found;
}

/** A shortest path from `start` back to itself, staying inside `members`. */
function cycleThrough(graph: Digraph, start: string, members: ReadonlySet<string>): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  for (let node = queue.shift(); node !== undefined; node = queue.shift()) {
    for (const next of graph.get(node) ?? []) {
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(parent.get(path[0]!)!);
        return [...path, start];
      }
      if (members.has(next) && !parent.has(next)) {
        parent.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start];
}

/**
 * One cycle per strongly connected component of `graph` that has one (several nodes, or a node
 * importing itself), each as `[a, b, ..., a]` starting at the component's smallest node.
 *
 * @example
 * findCycles(new Map([['a', new Set(['b'])], ['b', new Set(['a'])]])) // [['a', 'b', 'a']]
 */
export function findCycles(graph: Digraph): string[][] {
  return components(graph)
    .filter((c) => c.length > 1 || graph.get(c[0]!)?.has(c[0]!))
    .map((c) => cycleThrough(graph, [...c].sort()[0]!, new Set(c)));
}

/**
 * Collapses a file graph into a graph of groups (e.g. folders): an edge a -> b between two
 * different groups for each file edge between them. Files whose group is undefined are left out.
 */
export function groupGraph(files: Digraph, groupOf: (file: string) => string | undefined): Digraph {
  const groups = new Map<string, Set<string>>();
  for (const [file, targets] of files) {
    const from = groupOf(file);
    if (from === undefined) continue;
    const out = groups.get(from) ?? new Set<string>();
    groups.set(from, out);
    for (const target of targets) {
      const to = groupOf(target);
      if (to !== undefined && to !== from) out.add(to);
    }
  }
  return groups;
}
