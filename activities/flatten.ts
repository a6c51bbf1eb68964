/**
 * What an operator's flatten needs to know and leaves behind: the exposure an UNHEDGED intent
 * still holds (from its workflow's final state, the source of truth for what it traded), and the
 * intent marked FLATTENED in the ledger once the exposure is gone.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { parseIntent, type Intent } from '../domain/intent';
import type { IntentView } from '../domain/intent-view';
import { exposedQuantity } from '../domain/legging';
import { dec } from '../domain/money';
import type { IntentLedger } from './intent-recording';
import { tradeLog, type TradeLog } from './trade-log';

export interface ExposureToFlatten {
  intent: Intent;
  intentId: string;
  exposedQuantity: string;
  /** Leg A's average fill price (the unwind is priced from it). */
  averagePrice: string;
  /** The next unwind attempt number: client order ids continue where the intent's unwind stopped. */
  nextAttempt: number;
}

export interface FlattenDeps {
  client: Client;
  ledger: Pick<IntentLedger, 'setIntentState' | 'recordAudit'>;
  /** What earlier flattens already unwound (ledger orders of leg "U" after the intent's own attempts). */
  unwindsAfter(intentId: string, afterAttempt: number): Promise<{ filledQuantity: string; lastAttempt: number }>;
  /** Where the trade log lines go (the SDK's activity logger otherwise). */
  log?: TradeLog;
}

export function createFlattenActivities(deps: FlattenDeps) {
  const log = deps.log ?? tradeLog();
  return {
    async describeExposure(input: { intentId: string }): Promise<ExposureToFlatten> {
      const handle = deps.client.workflow.getHandle(input.intentId);
      const description = await handle.describe();
      if (description.status.name !== 'COMPLETED') throw ApplicationFailure.nonRetryable(`intent ${input.intentId} is ${description.status.name}: only a finished UNHEDGED intent is flattened`, 'NotUnhedged');
      const view = (await handle.result()) as IntentView;
      if (view.phase !== 'UNHEDGED' || !view.exposedQuantity) throw ApplicationFailure.nonRetryable(`intent ${input.intentId} ended ${view.phase}: nothing to flatten`, 'NotUnhedged');
      const legA = view.legs[0];
      if (!legA?.averagePrice) throw ApplicationFailure.nonRetryable(`intent ${input.intentId} has no leg A fill`, 'NotUnhedged');
      // The intent as submitted, with its defaults, from the workflow's own start (the view does not carry it).
      const history = await handle.fetchHistory();
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      const payload = started?.input?.payloads?.[0]?.data;
      if (!payload) throw new Error(`intent ${input.intentId}: its start input is not readable`);
      const intent = parseIntent(JSON.parse(Buffer.from(payload).toString('utf8')));
      // Earlier flattens of this intent already took some off: never sell the same exposure twice.
      const ownAttempts = view.unwind?.orders?.length ?? 0;
      const earlier = await deps.unwindsAfter(view.intentId, ownAttempts);
      const left = exposedQuantity(view.exposedQuantity, earlier.filledQuantity);
      if (dec(left).isZero()) throw ApplicationFailure.nonRetryable(`intent ${input.intentId}: earlier flattens already closed its exposure`, 'NotUnhedged');
      log.info(
        { intentId: view.intentId, legId: 'A', event: 'flatten.exposure', exposedQuantity: left, averagePrice: legA.averagePrice, nextAttempt: earlier.lastAttempt + 1, alreadyUnwound: earlier.filledQuantity },
        `flatten: ${left} still exposed on leg A`,
      );
      return { intent, intentId: view.intentId, exposedQuantity: left, averagePrice: legA.averagePrice, nextAttempt: earlier.lastAttempt + 1 };
    },

    async recordFlattened(input: { intentId: string; flattenedQuantity: string; operator: string; reason: string; executionId: string }): Promise<void> {
      await deps.ledger.setIntentState(input.intentId, 'FLATTENED');
      await deps.ledger.recordAudit({
        id: `${input.intentId}:flattened:${input.executionId}`,
        actor: input.operator,
        action: 'intent.flattened',
        reason: `${input.reason} (unwound ${input.flattenedQuantity})`,
        intentId: input.intentId,
        executionId: input.executionId,
        data: { flattenedQuantity: input.flattenedQuantity },
      });
      log.info(
        { intentId: input.intentId, event: 'flatten.done', flattenedQuantity: input.flattenedQuantity, operator: input.operator, executionId: input.executionId },
        `intent flattened by ${input.operator}: unwound ${input.flattenedQuantity}`,
      );
    },
  };
}

export type FlattenActivities = ReturnType<typeof createFlattenActivities>;
