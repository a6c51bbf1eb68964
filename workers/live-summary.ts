/**
 * The supervisor's live terminal summary: every few seconds one line with what the paper run is
 * doing — the feeds' modes, opportunities seen and taken, intents by state, exposure (capital
 * still reserved, per asset) and realized PnL. Money comes from the ledger (the source operators
 * trust), opportunities from the signal loop's scan file (read incrementally: only what was
 * appended since the last line), feed modes from the feed activities' heartbeats.
 */
import fs from 'node:fs';
import { dec, decStr, sumDec, ZERO } from '../domain/money';
import { createLedgerClient } from '../ledger';

export interface LiveSummaryOptions {
  databaseUrl: string;
  /** The signal loop's scan records (JSONL); counted as they are appended. */
  scansFile?: string;
  /** Each venue's feed mode now (stream, hybrid, poll), when feeds run. */
  feedModes?: () => Promise<Record<string, string>>;
  everyMs?: number;
}

/** Counts of scan records by decision, read from a growing JSONL file from where it left off. */
export function scanCounter(file: string): { read(): { seen: number; taken: number } } {
  let offset = 0;
  let partial = '';
  const counts = { seen: 0, taken: 0 };
  return {
    read() {
      let size: number;
      try {
        size = fs.statSync(file).size;
      } catch {
        return counts; // no scans yet
      }
      if (size < offset) {
        offset = 0; // truncated or replaced: start over
        partial = '';
      }
      if (size > offset) {
        const fd = fs.openSync(file, 'r');
        try {
          const buf = Buffer.alloc(size - offset);
          fs.readSync(fd, buf, 0, buf.length, offset);
          offset = size;
          const lines = (partial + buf.toString('utf8')).split('\n');
          partial = lines.pop() ?? ''; // a line still being written
          for (const line of lines) {
            if (!line) continue;
            counts.seen += 1;
            // The decision field is all a count needs; a full parse per line would cost far more.
            if (line.includes('"decision":"take"')) counts.taken += 1;
          }
        } finally {
          fs.closeSync(fd);
        }
      }
      return counts;
    },
  };
}

export function startLiveSummary(opts: LiveSummaryOptions, out: (line: string) => void): { stop(): Promise<void> } {
  const db = createLedgerClient(opts.databaseUrl);
  const scans = opts.scansFile ? scanCounter(opts.scansFile) : undefined;
  let last = '';
  const tick = async () => {
    const [byState, pnl, reserved, feeds] = await Promise.all([
      db.intent.groupBy({ by: ['state'], _count: { _all: true } }),
      db.pnlEvent.aggregate({ _sum: { amount: true } }),
      db.capitalReservation.findMany({ where: { state: 'RESERVED' }, select: { asset: true, amount: true } }),
      opts.feedModes?.().catch(() => undefined),
    ]);
    const states = byState.map((r) => `${r.state} ${r._count._all}`).sort().join(', ') || 'none yet';
    const realized = pnl._sum.amount ? decStr(dec(pnl._sum.amount.toFixed())) : decStr(ZERO);
    const assets = [...new Set(reserved.map((r) => r.asset))].sort();
    const exposure = assets.map((a) => `${decStr(sumDec(reserved.filter((r) => r.asset === a).map((r) => dec(r.amount.toFixed()))))} ${a}`).join(', ') || '0';
    const parts = [
      ...(feeds && Object.keys(feeds).length ? [`feeds ${Object.entries(feeds).map(([v, m]) => `${v} ${m}`).join(', ')}`] : []),
      ...(scans ? [(({ seen, taken }) => `opportunities ${seen} seen, ${taken} taken`)(scans.read())] : []),
      `intents: ${states}`,
      `exposure ${exposure}`,
      `realized PnL ${realized}`,
    ];
    const line = parts.join(' | ');
    if (line !== last) out(line); // quiet while nothing changes
    last = line;
  };
  const timer = setInterval(() => void tick().catch(() => undefined), opts.everyMs ?? 10_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await db.$disconnect();
    },
  };
}
