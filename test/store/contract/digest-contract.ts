import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Json } from '../../../src/events/event.js';
import type { StoredDigestItem } from '../../../src/store/digest-store.js';
import type { PlannedJob } from '../../../src/store/planner-store.js';
import type { Store } from '../../../src/store/store.js';
import { freshStores, storedEvent, type OpenFreshStore } from './fresh-store.js';

const HOUR = 3_600_000;

/** The digest windows (src/store/digest-store.ts): items buffered by plans, each window flushed once. */
export function digestContract(openFresh: OpenFreshStore): void {
  describe('digests', () => {
    const stores = freshStores(openFresh);
    let store: Store;

    beforeEach(async () => {
      store = (await stores.open({ now: () => 0 })).store;
    });
    afterEach(() => stores.closeAll());

    /** Stores and plans events, each buffering one item `{ name }` into window `key` [0, 1 h) of rule `digest`. */
    async function buffer(items: readonly { id: string; key: string; name: string; at: number }[]): Promise<void> {
      for (const i of items) await store.accept(storedEvent(i.id, i.at));
      const rows = await store.planner.unplanned(100);
      await store.planner.commitPlans({
        events: rows.map((r) => {
          const i = items.find((x) => x.id === r.id)!;
          return { seq: r.seq, eventId: r.id, decision: { rulesVersion: 'v', plannedAt: 0, summary: 'matched digest', rules: [] }, jobs: [], digestItems: [{ rule: 'digest', key: i.key, windowStart: 0, windowEnd: HOUR, item: { name: i.name } }] };
        }),
        state: [],
        now: 0,
      });
    }

    const render = (seen: StoredDigestItem[][]) => (items: readonly StoredDigestItem[]): PlannedJob[] => {
      seen.push([...items]);
      const newest = items.at(-1)!;
      return [{ id: `${newest.eventId}:digest:0`, eventId: newest.eventId, rule: 'digest', actionIndex: 0, destination: 'alerts', kind: 'fake', request: { text: items.map((i) => (i.item as { name: Json }).name).join(', ') } }];
    };

    it('lists the windows that closed, and flushes each once into a job hung on its newest item', async () => {
      await buffer([{ id: 'e1', key: 'a', name: 'Ann', at: 10 }, { id: 'e2', key: 'b', name: 'Bob', at: 20 }, { id: 'e3', key: 'a', name: 'Cy', at: 30 }]);
      expect(await store.digests.closedWindows(HOUR - 1, 10)).toEqual([]);
      const windows = await store.digests.closedWindows(HOUR, 10);
      expect(windows).toEqual([{ rule: 'digest', key: 'a', windowStart: 0, windowEnd: HOUR }, { rule: 'digest', key: 'b', windowStart: 0, windowEnd: HOUR }]);
      expect(await store.digests.closedWindows(HOUR, 1)).toEqual([windows[0]]);
      const seen: StoredDigestItem[][] = [];
      expect(await store.digests.flushWindow(windows[0]!, render(seen), HOUR + 5)).toEqual({ items: 2, jobs: 1 });
      expect(seen).toEqual([[{ eventId: 'e1', item: { name: 'Ann' } }, { eventId: 'e3', item: { name: 'Cy' } }]]);
      expect((await store.deliveries.jobsForEvent('e3')).map((j) => [j.id, j.request, j.status, j.nextAt])).toEqual([['e3:digest:0', { text: 'Ann, Cy' }, 'pending', HOUR + 5]]);
      // Flushed once: the window holds nothing now, and flushing it again sends nothing.
      expect(await store.digests.flushWindow(windows[0]!, render(seen), HOUR + 6)).toEqual({ items: 0, jobs: 0 });
      expect(seen).toHaveLength(1);
      expect(await store.digests.closedWindows(HOUR, 10)).toEqual([windows[1]]);
    });

    it('a flush whose render fails stores nothing of it; the next flushes the whole window', async () => {
      await buffer([{ id: 'e1', key: 'a', name: 'Ann', at: 10 }]);
      const [w] = await store.digests.closedWindows(HOUR, 10);
      await expect(store.digests.flushWindow(w!, () => {
        throw new Error('crashed mid-flush');
      }, HOUR)).rejects.toThrow('crashed mid-flush');
      expect(await store.digests.closedWindows(HOUR, 10)).toEqual([w]);
      expect(await store.digests.flushWindow(w!, render([]), HOUR)).toEqual({ items: 1, jobs: 1 });
    });

    it('keeps a job id already stored instead of doubling it', async () => {
      await buffer([{ id: 'e1', key: 'a', name: 'Ann', at: 10 }]);
      const [w] = await store.digests.closedWindows(HOUR, 10);
      const twice = (items: readonly StoredDigestItem[]): PlannedJob[] => [...render([])(items), ...render([])(items)];
      expect(await store.digests.flushWindow(w!, twice, HOUR)).toEqual({ items: 1, jobs: 1 });
      expect((await store.deliveries.jobsForEvent('e1')).map((j) => j.id)).toEqual(['e1:digest:0']);
    });

    it('knows when the oldest event waiting for the planner was received', async () => {
      expect(await store.digests.oldestUnplannedAt()).toBeUndefined();
      await store.accept(storedEvent('e1', 50));
      await store.accept(storedEvent('e2', 40));
      expect(await store.digests.oldestUnplannedAt()).toBe(40);
    });
  });
}
