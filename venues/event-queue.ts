/**
 * The consumer side of every venue stream: events pushed by socket handlers, read as an async
 * iterator, ended by `close()`. Bounded: past `limit` queued events the oldest are dropped and
 * counted, so a consumer that stalls cannot grow memory without end.
 */
export function createEventQueue<T>(opts: { limit?: number; onClose?: () => void } = {}) {
  const limit = opts.limit ?? 10_000;
  const queue: T[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  let dropped = 0;
  return {
    get closed() {
      return closed;
    },
    get dropped() {
      return dropped;
    },
    push(event: T) {
      if (queue.length >= limit) {
        queue.shift();
        dropped += 1;
      }
      queue.push(event);
      wake?.();
    },
    async *events(): AsyncGenerator<T> {
      while (!closed) {
        const next = queue.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    },
    close() {
      closed = true;
      opts.onClose?.();
      wake?.();
    },
  };
}
