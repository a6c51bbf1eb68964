/**
 * Trade log lines: an intent run through a real worker (real Temporal, real simulator over
 * loopback, real ledger) whose activities log to a captured pino destination. Every line about its
 * orders — each leg's submit and the fills observed — names the intent, the leg, the client order
 * id and the workflow execution (workflow id and run id) it belongs to, and no credential appears.
 */
import { Writable } from 'node:stream';
import { NativeConnection } from '@temporalio/worker';
import { ensureGovernor } from '../../clients/governor';
import { startIntent } from '../../clients/intents';
import { createLogger } from '../../infra/logger';
import { startVenueSimulator } from '../../venues/sim';
import { closeExecutionVenues, executionVenuesForSimulator } from '../../venues/execution';
import { createLegworkWorker } from '../../workers/create-worker';
import { activityDependencies } from '../../workers/dependencies';
import { openIntentLedger } from '../../workers/ledger-wiring';
import { testEnv, uniqueTaskQueue } from '../harness/env';
import { sampleIntent } from '../helpers/intents';
import { connectTestClient } from '../helpers/temporal';

interface LogLine {
  msg: string;
  event?: string;
  intentId?: string;
  legId?: string;
  clientOrderId?: string;
  workflowId?: string;
  runId?: string;
  filledQuantity?: string;
}

describe('trade log lines', () => {
  it('submits and observed fills carry the intent, leg, client order id, workflow id and run id', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const env = testEnv();
    const taskQueue = uniqueTaskQueue('trade-log');
    const governorId = `governor-${taskQueue}`;
    const connection = await NativeConnection.connect({ address: env.temporalAddress });
    const ledger = openIntentLedger(env.databaseUrl);
    const { client, close } = await connectTestClient();
    // Deep enough at 43¢ (YES) that leg A fills in full, and leg B meets the default NO book.
    const sim = await startVenueSimulator({ books: { kalshi: { 'FED-25DEC-T4.25': { yes: [[40, 1000]], no: [[57, 1000]] } } } });
    const venues = executionVenuesForSimulator(sim.describe());
    try {
      const worker = await createLegworkWorker({
        connection,
        namespace: env.namespace,
        taskQueue,
        ...activityDependencies({ ledger, client, governorId, venues }),
        logger: createLogger('activities', { destination, level: 'info' }),
        workflowBundleCode: env.workflowBundleCode,
      });
      const { handle, view } = await worker.runUntil(async () => {
        await ensureGovernor(client, { workflowId: governorId, taskQueue });
        const h = await startIntent(client, sampleIntent('trade-log'), { taskQueue });
        return { handle: h, view: await h.result() };
      });
      expect(view).toMatchObject({ phase: 'COMPLETED', outcome: 'FILLED' });

      const parsed = lines.map((l) => JSON.parse(l) as LogLine);
      const execution = { intentId: view.intentId, workflowId: handle.workflowId, runId: handle.firstExecutionRunId };
      for (const legId of ['A', 'B']) {
        const clientOrderId = view.legs.find((l) => l.legId === legId)?.orders?.[0]?.clientOrderId;
        expect(clientOrderId).toEqual(expect.any(String));
        for (const event of ['leg.submitted', 'leg.fill_observed']) {
          const line = parsed.find((p) => p.event === event && p.legId === legId);
          expect([event, legId, line]).toEqual([event, legId, expect.objectContaining({ ...execution, legId, clientOrderId })]);
        }
        const fill = parsed.filter((p) => p.event === 'leg.fill_observed' && p.legId === legId).pop();
        expect(fill?.filledQuantity).toBe('25');
      }
      // The run id is the intent's own execution, not an activity's or another workflow's.
      expect(execution.runId).toMatch(/^[0-9a-f-]{36}$/);

      // Secrets stay out of the log (the adapters sign with these on every request).
      const text = lines.join('\n');
      const described = sim.describe();
      for (const secret of [described.kalshi.privateKeyPem.split('\n')[1]!, described.polymarket.apiSecret, described.polymarket.walletPrivateKey, described.coinbase.apiPrivateKeyPem.split('\n')[1]!]) {
        expect(text).not.toContain(secret);
      }
    } finally {
      await closeExecutionVenues(venues);
      await sim.stop();
      await close();
      await ledger.close();
      await connection.close();
    }
  });
});
