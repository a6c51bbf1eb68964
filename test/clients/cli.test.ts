/** `legwork intent submit|show|cancel` and `legwork stuck` as an operator runs them: real processes against the real servers. */
import fs from 'node:fs';
import path from 'node:path';
import { intentIdFor } from '../../domain/intent';
import { testEnv } from '../harness/env';
import { legwork } from '../helpers/cli';
import { countRows, eventually } from '../helpers/db';
import { sampleIntent } from '../helpers/intents';
import { withTestWorker } from '../helpers/temporal';


function writeIntent(name: string, value: unknown): string {
  const file = path.join(testEnv().scratch, `${name}-${process.pid}.json`);
  fs.writeFileSync(file, JSON.stringify(value));
  return file;
}

describe('legwork intent', () => {
  it('submit prints the completed intent as JSON; show queries it; a second submit is a duplicate (exit 3)', async () => {
    const input = sampleIntent('cli');
    const file = writeIntent('cli-good', input);
    await withTestWorker('cli', async ({ taskQueue }) => {
      const env = { ...process.env, LEGWORK_TASK_QUEUE: taskQueue };
      const submitted = await legwork(['intent', 'submit', file, '--json'], env);
      expect(submitted.stderr).toBe('');
      expect(submitted.code).toBe(0);
      const view = JSON.parse(submitted.stdout) as { phase: string; intentId: string };
      expect(view).toMatchObject({ phase: 'COMPLETED', intentId: intentIdFor(input.opportunityId) });

      const shown = await legwork(['intent', 'show', input.opportunityId], env);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toContain(`intent ${intentIdFor(input.opportunityId)} (xvenue-binary-arb) — COMPLETED`);
      expect(shown.stdout).toContain(`leg A: buy 25 kalshi:FED-25DEC-T4.25 yes @ ${input.legs[0]!.limitPrice} — filled, filled 25`);

      const again = await legwork(['intent', 'submit', file], env);
      expect(again.code).toBe(3);
      expect(again.stderr).toMatch(/already exists/);
    });
    expect(await countRows('intents', 'opportunity_id = $1', [input.opportunityId])).toBe(1);
  });

  it('a bad intent file exits 2 naming every bad field, and nothing is started or written', async () => {
    const input = sampleIntent('cli-bad');
    const file = writeIntent('cli-bad', { ...input, strategy: '', legs: [{ ...input.legs[0]!, quantity: 25 }] });
    const result = await legwork(['intent', 'submit', file, '--json'], { ...process.env, LEGWORK_TASK_QUEUE: 'cli-bad-unused' });
    expect(result.code).toBe(2);
    const body = JSON.parse(result.stdout) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('ValidationError');
    expect(body.error.message).toMatch(/^strategy: /m);
    expect(body.error.message).toMatch(/^legs\.0\.quantity: /m);
    expect(await countRows('intents', 'opportunity_id = $1', [input.opportunityId])).toBe(0);
  });

  it('a missing file or non-JSON file exits 2 with the reason', async () => {
    const missing = await legwork(['intent', 'submit', '/nonexistent/intent.json'], process.env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/ENOENT/);
    const notJson = writeIntent('cli-notjson', 'x');
    fs.writeFileSync(notJson, '{ nope');
    const bad = await legwork(['intent', 'submit', notJson], process.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not JSON/);
  });
});

describe('legwork stuck and legwork intent cancel', () => {
  it('lists a resting leg as stuck, cancels it at the venue, and rejects bad input with exit 2', async () => {
    // Nothing offered at 43¢ or below: leg A rests for its whole (long) window.
    const input = sampleIntent('cli-stuck', { entryWindowMs: 120_000, maxReprices: 0 });
    const intentId = intentIdFor(input.opportunityId);
    const file = writeIntent('cli-stuck', input);
    await withTestWorker(
      'cli-stuck',
      async ({ taskQueue, sim }) => {
        const env = { ...process.env, LEGWORK_TASK_QUEUE: taskQueue };
        expect((await legwork(['intent', 'submit', file, '--no-wait'], env)).code).toBe(0);

        const stuck = await eventually('the resting leg to be listed as stuck', async () => {
          const r = await legwork(['stuck', '--older-than', '0s', '--json'], env);
          expect(r.code).toBe(0);
          const parsed = JSON.parse(r.stdout) as { legs: { workflowId: string; legAState?: string; stuckSince: string }[] };
          return parsed.legs.find((l) => l.workflowId === intentId);
        });
        expect(stuck).toMatchObject({ legAState: 'open', stuckSince: expect.any(String) });
        // Not stuck for an hour yet.
        const older = await legwork(['stuck', '--older-than', '1h', '--json'], env);
        expect((JSON.parse(older.stdout) as { legs: { workflowId: string }[] }).legs.map((l) => l.workflowId)).not.toContain(intentId);

        expect((await legwork(['stuck', '--older-than', 'soon'], env)).code).toBe(2);
        const noOperator = await legwork(['intent', 'cancel', input.opportunityId, '--reason', 'x', '--operator', ' '], env);
        expect(noOperator.code).toBe(2);
        expect(noOperator.stderr).toMatch(/operator: name the operator/);

        const cancelled = await legwork(['intent', 'cancel', input.opportunityId, '--reason', 'edge gone', '--operator', 'alice', '--json'], env);
        expect(cancelled.code).toBe(0);
        expect(JSON.parse(cancelled.stdout)).toMatchObject({ phase: 'COMPLETED', outcome: 'CANCELLED', reason: expect.stringMatching(/cancelled by alice: edge gone/) });
        expect(sim.kalshi.orderLog.map((o) => o.status)).toEqual(['canceled']);
      },
      { simulator: { books: { kalshi: { 'FED-25DEC-T4.25': { yes: [[40, 100]], no: [[55, 100]] } } } } },
    );
    expect(await countRows('capital_reservations', `intent_id = $1 AND state = 'RESERVED'`, [intentId])).toBe(0);
  });
});
