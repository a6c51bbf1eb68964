/**
 * The market mapping a replay's strategies run over. A recording holds book events only, not the
 * mapping, so it comes from `--mapping <file>` — a mapping file (venues/sim/world.ts
 * `readMappingFile`) or a run's simulator description (`simulator.json`, whose `world.mapping` is
 * the mapping the run traded) — or, without the flag, from the `simulator.json` of the run that
 * wrote the recording: the supervisor writes it into the data folder, and the recording into that
 * folder's `marketdata/` by default.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { formatZodError, ValidationError } from '../domain/validation';
import { marketMappingSchema, readMappingFile, type MarketMapping } from '../venues/sim/world';

/** Only the mapping of a simulator description is read (it also holds the paper credentials, which are not wanted here). */
const simulatorWorldSchema = z.object({ world: z.object({ mapping: z.unknown() }) });

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ValidationError('--mapping', `${file}: ${(err as Error).message}`);
  }
}

/** A mapping file, or a simulator description with a market world. */
export function readReplayMapping(file: string): MarketMapping {
  const raw = readJson(file);
  const described = simulatorWorldSchema.safeParse(raw);
  if (!described.success) {
    try {
      return readMappingFile(file);
    } catch (err) {
      throw new ValidationError('--mapping', (err as Error).message);
    }
  }
  const mapping = marketMappingSchema.safeParse(described.data.world.mapping);
  if (!mapping.success) throw new ValidationError('--mapping', `${file}: world.mapping: ${formatZodError(mapping.error)}`);
  return mapping.data;
}

/** `simulator.json` beside the recording, or in its parent (the run's data folder). */
export function mappingBesideRecording(recording: string): { file: string; mapping: MarketMapping } | undefined {
  const dir = fs.statSync(recording).isDirectory() ? recording : path.dirname(recording);
  for (const candidate of [path.join(dir, 'simulator.json'), path.join(path.dirname(dir), 'simulator.json')]) {
    if (!fs.existsSync(candidate)) continue;
    if (!simulatorWorldSchema.safeParse(readJson(candidate)).success) continue;
    return { file: candidate, mapping: readReplayMapping(candidate) };
  }
  return undefined;
}

export function resolveReplayMapping(recording: string, mappingFile: string | undefined): { file: string; mapping: MarketMapping } {
  if (mappingFile) return { file: mappingFile, mapping: readReplayMapping(mappingFile) };
  const found = mappingBesideRecording(recording);
  if (!found) throw new ValidationError('--mapping', `required: the recording holds no market mapping, and no simulator.json with one is next to ${recording}`);
  return found;
}
