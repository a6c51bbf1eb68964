/** Reads a stream's events until one matches (the stream's own events are the synchronisation). */
export async function nextEvent<T>(it: AsyncGenerator<T>, pred: (e: T) => boolean): Promise<T> {
  for (;;) {
    const { value, done } = await it.next();
    if (done) throw new Error('stream ended');
    if (pred(value)) return value;
  }
}
