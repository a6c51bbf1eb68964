import { createEventQueue } from '../../venues/event-queue';

describe('stream event queue', () => {
  it('delivers in order to a waiting reader and ends on close', async () => {
    const q = createEventQueue<number>();
    const it = q.events();
    const first = it.next();
    q.push(1);
    q.push(2);
    expect(await first).toEqual({ value: 1, done: false });
    expect(await it.next()).toEqual({ value: 2, done: false });
    const pending = it.next();
    q.close();
    expect(await pending).toEqual({ value: undefined, done: true });
  });

  it('stays bounded when nobody reads: the oldest are dropped and counted', async () => {
    const q = createEventQueue<number>({ limit: 100 });
    for (let i = 0; i < 10_000; i++) q.push(i);
    expect(q.dropped).toBe(9_900);
    expect((await q.events().next()).value).toBe(9_900);
  });
});
