import { describe, expect, it } from 'vitest';
import { AppendGrouper, MAX_GROUP_BATCHES, MAX_GROUP_EVENTS, MIN_GROUP_SHARE } from './append-grouper.ts';
import { type FakeAppend, FakeAppendWriters, fakeAppend, nextTurns } from './test/fake-append-writers.ts';

function grouper(writers: FakeAppendWriters, concurrency: number): AppendGrouper<FakeAppend, string> {
  return new AppendGrouper({ ...fakeWriters(writers), concurrency });
}

function fakeWriters(writers: FakeAppendWriters) {
  const { appendOne, appendGroup, streamOf, eventCount } = writers;
  return { appendOne, appendGroup, streamOf, eventCount };
}

/** What each caller got so far: `written <name>`, `error <message>`, or nothing yet. */
function outcomes(promises: Record<string, Promise<string>>): Record<string, string> {
  const seen: Record<string, string> = {};
  for (const [name, promise] of Object.entries(promises)) {
    promise.then(
      (result) => {
        seen[name] = result;
      },
      (error: Error) => {
        seen[name] = `error ${error.message}`;
      },
    );
  }
  return seen;
}

/** Starts an append that finds the grouper idle and stays in flight until `first` is settled. */
function occupy(g: AppendGrouper<FakeAppend, string>): Promise<string> {
  return g.append(fakeAppend('busy', 'first'));
}

describe('AppendGrouper', () => {
  it('writes an append made while idle alone, at once', async () => {
    const writers = new FakeAppendWriters();
    const g = grouper(writers, 4);
    const result = g.append(fakeAppend('a', 'a1'));
    expect(writers.log).toEqual(['one a1']);
    expect(g.inFlight).toBe(1);
    writers.call('one a1').resolve();
    expect(await result).toBe('written a1');
    expect(g.inFlight).toBe(0);
  });

  it('writes appends made one after another alone, never in groups', async () => {
    const writers = new FakeAppendWriters({ auto: { delayMs: 0 } });
    const g = grouper(writers, 2);
    for (const name of ['a1', 'b1', 'a2']) await g.append(fakeAppend(name.slice(0, 1), name));
    expect(writers.log).toEqual(['one a1', 'one b1', 'one a2']);
  });

  it('groups the appends made while a slot is busy, after the current turn', async () => {
    const writers = new FakeAppendWriters();
    const g = grouper(writers, 2);
    const first = occupy(g);
    const later = ['a', 'b', 'c'].map((s) => g.append(fakeAppend(s, `${s}1`)));
    expect(g.waiting).toBe(3);
    expect(writers.log).toEqual(['one first']);
    await nextTurns();
    // A slot was free: the three waiting appends went together into it.
    expect(writers.log).toEqual(['one first', 'group a1 b1 c1']);
    writers.call('group a1 b1 c1').resolve();
    expect(await Promise.all(later)).toEqual(['written a1', 'written b1', 'written c1']);
    writers.call('one first').resolve();
    expect(await first).toBe('written first');
  });

  it('never has more appends or groups in flight than its concurrency', async () => {
    const writers = new FakeAppendWriters({ auto: { delayMs: 2 } });
    const g = grouper(writers, 3);
    const results: Promise<string>[] = [];
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 20; i++) results.push(g.append(fakeAppend(`s${i % 7}`, `r${round}-${i}`, 40)));
      expect(g.inFlight).toBeLessThanOrEqual(3);
      await nextTurns(1);
    }
    const written = await Promise.all(results);
    expect(written).toEqual(results.map((_, n) => `written r${Math.floor(n / 20)}-${n % 20}`));
    expect(writers.maxPending).toBe(3);
    expect(writers.log.some((line) => line.startsWith('group '))).toBe(true);
  });

  it('puts one append per stream in a group and keeps each stream in order', async () => {
    const writers = new FakeAppendWriters();
    const g = grouper(writers, 1);
    const first = occupy(g);
    const names = ['a1', 'a2', 'b1', 'a3', 'c1', 'b2'];
    const seen = outcomes(Object.fromEntries(names.map((n) => [n, g.append(fakeAppend(n[0]!, n))])));
    await nextTurns();
    expect(writers.log).toEqual(['one first']); // no free slot yet
    writers.call('one first').resolve();
    await first;
    await nextTurns();
    expect(writers.log.slice(1)).toEqual(['group a1 b1 c1']);
    writers.call('group a1 b1 c1').resolve();
    await nextTurns();
    expect(writers.log.slice(2)).toEqual(['group a2 b2']);
    writers.call('group a2 b2').resolve();
    await nextTurns();
    expect(writers.log.slice(3)).toEqual(['one a3']); // a group of one is written alone
    writers.call('one a3').resolve();
    await nextTurns();
    expect(seen).toEqual(Object.fromEntries(names.map((n) => [n, `written ${n}`])));
  });

  it('keeps a stream in order when its oldest waiting append did not fit in the group', async () => {
    const writers = new FakeAppendWriters({ auto: { delayMs: 0 } });
    const g = grouper(writers, 1);
    const first = occupy(g);
    const rest = [
      g.append(fakeAppend('a', 'a1', MAX_GROUP_EVENTS - 500)),
      g.append(fakeAppend('x', 'x1', 600)), // too large for a1's group
      g.append(fakeAppend('x', 'x2', 1)), // would fit, but must not pass x1
    ];
    writers.call('one first').resolve();
    await Promise.all([first, ...rest]);
    expect(writers.log).toEqual(['one first', 'one a1', 'one x1', 'one x2']);
  });

  it(`writes at most ${MAX_GROUP_BATCHES} appends in one group`, async () => {
    const writers = new FakeAppendWriters({ auto: { delayMs: 0 } });
    const g = grouper(writers, 1);
    const first = occupy(g);
    const rest = Array.from({ length: 100 }, (_, i) => g.append(fakeAppend(`s${i}`, `s${i}`)));
    writers.call('one first').resolve();
    await Promise.all([first, ...rest]);
    const groups = writers.calls.filter((c) => c.kind === 'group').map((c) => c.names.length);
    expect(groups).toEqual([MAX_GROUP_BATCHES, 100 - MAX_GROUP_BATCHES]);
  });

  it('shares the waiting events evenly between the free slots', async () => {
    const writers = new FakeAppendWriters();
    const g = grouper(writers, 4);
    occupy(g);
    // 30 appends of 10 events and 3 free slots: 100 events, 10 appends, per slot.
    for (let i = 0; i < 30; i++) g.append(fakeAppend(`s${i}`, `s${i}`, 10));
    await nextTurns();
    const groups = writers.calls.filter((c) => c.kind === 'group');
    expect(groups.map((c) => c.names.length)).toEqual([10, 10, 10]);
    expect(groups.map((c) => c.names[0])).toEqual(['s0', 's10', 's20']);
    expect(g.inFlight).toBe(4);
  });

  it(`gives a slot at least ${MIN_GROUP_SHARE} events before using the next one`, async () => {
    const writers = new FakeAppendWriters();
    const g = grouper(writers, 4);
    occupy(g);
    for (let i = 0; i < 30; i++) g.append(fakeAppend(`s${i}`, `s${i}`, 3));
    await nextTurns();
    // 90 small events: 63 (21 appends) in one slot, the other 27 in a second, none in the third.
    expect(writers.calls.filter((c) => c.kind === 'group').map((c) => c.names.length)).toEqual([21, 9]);
    expect(g.inFlight).toBe(3);
  });

  it(`writes at most ${MAX_GROUP_EVENTS} events in a group, unless one append is larger`, async () => {
    const writers = new FakeAppendWriters({ auto: { delayMs: 0 } });
    const g = grouper(writers, 1);
    const first = occupy(g);
    const big = g.append(fakeAppend('big', 'big', MAX_GROUP_EVENTS + 1));
    const rest = Array.from({ length: 50 }, (_, i) => g.append(fakeAppend(`s${i}`, `s${i}`, 100)));
    writers.call('one first').resolve();
    await Promise.all([first, big, ...rest]);
    const sizes = writers.calls.slice(1).map((c) => c.names.length);
    expect(sizes).toEqual([1, 20, 20, 10]);
    expect(writers.log[1]).toBe('one big');
  });

  it('appends each member of a refused group alone, each with its own answer', async () => {
    const writers = new FakeAppendWriters();
    const g = grouper(writers, 1);
    const first = occupy(g);
    const seen = outcomes({
      a1: g.append(fakeAppend('a', 'a1')),
      b1: g.append(fakeAppend('b', 'b1')),
      c1: g.append(fakeAppend('c', 'c1')),
    });
    writers.call('one first').resolve();
    await first;
    await nextTurns();
    writers.call('group a1 b1 c1').reject(new Error('a batch does not match its stream'));
    await nextTurns();
    expect(writers.log.slice(2)).toEqual(['one a1', 'one b1', 'one c1']);
    expect(g.inFlight).toBe(1); // the fallback appends share the group's slot
    writers.call('one b1').reject(new Error('expected version 0 for b, found 3'));
    writers.call('one a1').resolve();
    writers.call('one c1').resolve();
    await nextTurns();
    expect(seen).toEqual({
      a1: 'written a1',
      b1: 'error expected version 0 for b, found 3',
      c1: 'written c1',
    });
    expect(g.inFlight).toBe(0);
  });

  it('delivers the error of an append alone to its caller and carries on', async () => {
    const writers = new FakeAppendWriters();
    const g = grouper(writers, 1);
    const failing = g.append(fakeAppend('a', 'a1'));
    const waiting = g.append(fakeAppend('b', 'b1'));
    writers.call('one a1').reject(new Error('connection lost'));
    await expect(failing).rejects.toThrow('connection lost');
    await nextTurns();
    writers.call('one b1').resolve();
    expect(await waiting).toBe('written b1');
    await g.whenIdle();
    const idle = g.append(fakeAppend('c', 'c1'));
    expect(writers.log.at(-1)).toBe('one c1');
    writers.call('one c1').resolve();
    expect(await idle).toBe('written c1');
  });

  it('whenIdle resolves at once when idle, else after every queued append is written', async () => {
    const writers = new FakeAppendWriters();
    const g = grouper(writers, 1);
    await g.whenIdle();
    const first = occupy(g);
    const queued = [g.append(fakeAppend('a', 'a1')), g.append(fakeAppend('a', 'a2'))];
    let idle = false;
    void g.whenIdle().then(() => {
      idle = true;
    });
    writers.call('one first').resolve();
    await first;
    await nextTurns();
    writers.call('one a1').resolve();
    await queued[0];
    await nextTurns();
    expect(idle).toBe(false); // a2 still waits for its turn
    writers.call('one a2').resolve();
    await queued[1];
    await nextTurns();
    expect(idle).toBe(true);
  });
});
