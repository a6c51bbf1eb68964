/**
 * `npm run bench`: runs every bench on real parts (its own Temporal dev server and embedded
 * PostgreSQL on random ports), writes the figures to bench/results.json with the machine they
 * came from, and prints a summary. Select benches by name: `npm run bench -- intent-roundtrip`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchAdapterRoundTrip } from './adapter-roundtrip';
import { benchBookDeltas } from './book-deltas';
import { benchFailover } from './failover';
import { benchIntentRoundTrip } from './intent-roundtrip';
import { benchPaperRunMemory } from './paper-run-memory';
import { benchSignalPath } from './signal-path';
import { withBenchStack, type BenchStack } from './stack';

type Bench = (stack: BenchStack) => Promise<Record<string, unknown>>;
const BENCHES: Record<string, Bench> = {
  'intent-roundtrip': benchIntentRoundTrip,
  'adapter-roundtrip': () => benchAdapterRoundTrip(),
  'book-deltas': () => benchBookDeltas(),
  'signal-path': () => benchSignalPath(),
  failover: benchFailover,
  'paper-run-memory': benchPaperRunMemory,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const names = wanted.length ? wanted : Object.keys(BENCHES);
  const unknown = names.filter((n) => !BENCHES[n]);
  if (unknown.length) throw new Error(`unknown bench ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);

  const file = path.join(__dirname, 'results.json');
  const previous = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { benches?: Record<string, unknown> }) : {};
  const results: Record<string, unknown> = { ...(previous.benches ?? {}) };
  await withBenchStack(async (stack) => {
    for (const name of names) {
      process.stderr.write(`[bench] ${name} ...\n`);
      results[name] = { ...(await BENCHES[name]!(stack)), measuredAt: new Date().toISOString() };
      process.stderr.write(`[bench] ${name}: ${JSON.stringify(results[name])}\n`);
    }
  });
  const cpus = os.cpus();
  const report = {
    machine: { cpus: cpus.length, cpuModel: cpus[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` },
    benches: results,
  };
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\nwritten to ${path.relative(process.cwd(), file)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
