/** One way to reach Temporal from a client program: the configured cluster, or the local dev server `npm start` runs. */
import { Client, Connection } from '@temporalio/client';
import type { LegworkConfig } from '../infra/config';

export function temporalAddress(config: LegworkConfig): string {
  return config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.LEGWORK_TEMPORAL_PORT}`;
}

export async function connectClient(config: LegworkConfig): Promise<{ client: Client; close(): Promise<void> }> {
  const address = temporalAddress(config);
  let connection: Connection;
  try {
    connection = await Connection.connect({ address, connectTimeout: 5_000 });
  } catch (err) {
    throw new Error(
      `cannot reach Temporal at ${address} (${err instanceof Error ? err.message : String(err)}); ` +
        'is `npm start` running, or is TEMPORAL_ADDRESS right?',
    );
  }
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  return { client, close: () => connection.close() };
}

/** Runs `fn` with a short-lived connection to `address` and always closes it. */
export async function withTemporalConnection<T>(address: string, fn: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address });
  try {
    return await fn(connection);
  } finally {
    await connection.close();
  }
}
