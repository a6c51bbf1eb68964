/**
 * Operators find intents in the Temporal Web UI by Legwork's search attributes. Headless Chromium
 * (Debian's, installed on demand) loads the real Web UI of a dev server and runs the query an
 * operator would type; the list must show the matching intents and not the others.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { chromium } from 'playwright-core';
import { ensureGovernor } from '../../clients/governor';
import { startIntent } from '../../clients/intents';
import { intentWorkflowId } from '../../domain/intent';
import { freePort } from '../../infra/ports';
import { registerSearchAttributes, startTemporalDevServer } from '../../infra/temporal-server';
import { ensureChromium } from '../../infra/tools';
import { createLegworkWorker } from '../../workers/create-worker';
import { activityDependencies } from '../../workers/dependencies';
import { openIntentLedger } from '../../workers/ledger-wiring';
import { closeExecutionVenues, executionVenuesForSimulator } from '../../venues/execution';
import { startVenueSimulator } from '../../venues/sim';
import { testEnv } from '../harness/env';
import { sampleIntent } from '../helpers/intents';
import { eventually } from '../helpers/db';
import { SA_STUCK_SINCE } from '../../domain/search-attributes';

describe('Temporal Web UI', () => {
  it('the search-attribute queries list the rejected intents, and the stuck legs, and only those', async () => {
    const browserPath = (await ensureChromium({ log: (l) => process.stderr.write(`${l}\n`) })).path;
    const env = testEnv();
    const server = await startTemporalDevServer({ cliPath: process.env.LEGWORK_TEMPORAL_CLI!, port: await freePort(), uiPort: await freePort(), namespace: 'default' });
    const connection = await Connection.connect({ address: server.address });
    const native = await NativeConnection.connect({ address: server.address });
    const ledger = openIntentLedger(env.databaseUrl);
    const sim = await startVenueSimulator();
    const venues = executionVenuesForSimulator(sim.describe());
    const browser = await chromium.launch({
      executablePath: browserPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      await registerSearchAttributes(connection, 'default');
      const client = new Client({ connection });
      const taskQueue = 'web-ui';
      const governorId = 'governor-web-ui';
      const worker = await createLegworkWorker({ connection: native, namespace: 'default', taskQueue, workflowBundleCode: env.workflowBundleCode, ...activityDependencies({ ledger, client, governorId, venues }) });
      const [rejected, completed, stuck] = await worker.runUntil(async () => {
        await ensureGovernor(client, { workflowId: governorId, taskQueue });
        await client.workflow.getHandle(governorId).signal('killSwitch', { action: 'engage', scope: 'strategy:halted-strat', reason: 'ui test', operator: 'test' });
        await client.workflow.getHandle(governorId).query('governorState');
        const bad = sampleIntent('ui-rejected', { strategy: 'halted-strat' });
        const good = sampleIntent('ui-completed');
        await (await startIntent(client, bad, { taskQueue })).result();
        await (await startIntent(client, good, { taskQueue })).result();
        // A leg that rests: YES bid at 30¢ where nothing is offered below 43¢, for a long window.
        const resting = sampleIntent('ui-stuck', { entryWindowMs: 600_000, maxReprices: 0 });
        resting.legs[0] = { ...resting.legs[0]!, limitPrice: '0.30' };
        const handle = await startIntent(client, resting, { taskQueue });
        await eventually('the leg to be marked stuck', async () => ((await handle.describe()).typedSearchAttributes.get(SA_STUCK_SINCE) ? true : undefined));
        return [intentWorkflowId(bad.opportunityId), intentWorkflowId(good.opportunityId), handle.workflowId];
      });

      const page = await browser.newPage();
      const query = 'LegworkIntentState = "REJECTED"';
      await page.goto(`${server.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(query)}`);
      await page.getByText(rejected!, { exact: true }).first().waitFor({ timeout: 30_000 });
      expect(await page.getByText(completed!, { exact: true }).count()).toBe(0);
      await page.screenshot({ path: `${env.scratch}/web-ui-rejected-intents.png`, fullPage: true });

      // The README's stuck-leg query ("waiting for more than a minute" is `< now − 1m`; here `< now
      // + 1s`, so the test need not wait a minute): the resting intent, and neither finished one.
      const stuckQuery = `ExecutionStatus = "Running" AND LegworkStuckSince < "${new Date(Date.now() + 1_000).toISOString()}"`;
      await page.goto(`${server.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(stuckQuery)}`);
      await page.getByText(stuck!, { exact: true }).first().waitFor({ timeout: 30_000 });
      expect(await page.getByText(completed!, { exact: true }).count()).toBe(0);
      expect(await page.getByText(rejected!, { exact: true }).count()).toBe(0);
      await page.screenshot({ path: `${env.scratch}/web-ui-stuck-legs.png`, fullPage: true });
    } finally {
      await browser.close();
      await closeExecutionVenues(venues);
      await sim.stop();
      await ledger.close();
      await native.close();
      await connection.close();
      await server.stop();
    }
  }, 180_000);
});
