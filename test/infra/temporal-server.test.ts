/** The dev server runner and search-attribute registration, on real `temporal server start-dev` processes. */
import fs from 'node:fs';
import path from 'node:path';
import { withTemporalConnection } from '../../clients/temporal';
import { LEGWORK_SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { freePort } from '../../infra/ports';
import { registerSearchAttributes, startTemporalDevServer } from '../../infra/temporal-server';
import { testEnv } from '../harness/env';


describe('temporal dev server', () => {
  it('keeps history and search attributes in its SQLite file across a restart; registration is idempotent', async () => {
    const cliPath = process.env.LEGWORK_TEMPORAL_CLI!;
    const dbFile = path.join(fs.mkdtempSync(path.join(testEnv().scratch, 'devserver-')), 'temporal.sqlite');
    const port = await freePort();
    const names = LEGWORK_SEARCH_ATTRIBUTES.map((k) => k.name).sort();

    const first = await startTemporalDevServer({ cliPath, port, dbFile, namespace: 'default' });
    try {
      const added = await withTemporalConnection(first.address, (c) => registerSearchAttributes(c, 'default'));
      expect([...added].sort()).toEqual(names);
      expect(await withTemporalConnection(first.address, (c) => registerSearchAttributes(c, 'default'))).toEqual([]);
    } finally {
      await first.stop();
    }

    const second = await startTemporalDevServer({ cliPath, port, dbFile, namespace: 'default' });
    try {
      const listed = await withTemporalConnection(second.address, (c) => c.operatorService.listSearchAttributes({ namespace: 'default' }));
      expect(Object.keys(listed.customAttributes ?? {})).toEqual(expect.arrayContaining(names));
      expect(await withTemporalConnection(second.address, (c) => registerSearchAttributes(c, 'default'))).toEqual([]);
    } finally {
      await second.stop();
    }
  }, 120_000);

  it('refuses a taken port before starting anything', async () => {
    const { temporalAddress } = testEnv();
    const port = Number(temporalAddress.split(':')[1]);
    await expect(startTemporalDevServer({ cliPath: process.env.LEGWORK_TEMPORAL_CLI!, port, namespace: 'default', readyTimeoutMs: 20_000 })).rejects.toThrow(
      new RegExp(`port ${port} \\(Temporal frontend\\) is already in use.*LEGWORK_TEMPORAL_PORT`),
    );
  }, 60_000);
});
