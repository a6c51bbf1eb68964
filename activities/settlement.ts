/**
 * Settlement's venue and ledger side: ask a venue whether a market has resolved, and write what
 * an intent's held legs realized (one PnL event per leg, keyed so a retry writes nothing twice,
 * and an audit event that says whether the venues resolved the pair consistently).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { MarketResolution } from '../domain/order';
import type { SettledLeg } from '../domain/settlement';
import type { Outcome, Venue } from '../domain/venue';
import { VenueError } from '../domain/venue-errors';
import type { AuditEventArgs, PnlEventRecord } from '../ledger';
import type { ExecutionVenues } from '../venues/execution';
import { tradeLog, type TradeLog } from './trade-log';

export interface SettlementDeps {
  venues: ExecutionVenues;
  recordPnl(event: PnlEventRecord): Promise<unknown>;
  recordAudit(event: AuditEventArgs): Promise<unknown>;
  /** After each realized PnL: today's realized loss goes to the governor's daily-loss breaker. */
  reportRealized?(): Promise<void>;
  /** Where the trade log lines go (the SDK's activity logger otherwise). */
  log?: TradeLog;
}

export function createSettlementActivities(deps: SettlementDeps) {
  const log = deps.log ?? tradeLog();
  return {
    async marketResolution(input: { venue: Venue; market: string; outcome?: Outcome }): Promise<MarketResolution> {
      const venue = deps.venues[input.venue];
      if (!venue?.resolution) throw ApplicationFailure.nonRetryable(`no settlement source for ${input.venue} on this worker`, 'VenueNotConfigured');
      try {
        return await venue.resolution(input.market, input.outcome);
      } catch (err) {
        if (err instanceof VenueError) throw ApplicationFailure.create({ message: err.message, type: err.errorClass === 'permanent' ? 'VenuePermanent' : 'VenueRetryable', nonRetryable: err.errorClass === 'permanent', details: [err.toFailureDetails()] });
        throw err;
      }
    },

    /** One realized PnL event (an unwind's round trip), then the day's loss to the governor. */
    async recordRealizedPnl(input: { id: string; intentId: string; venue: string; market: string; kind: string; amount: string; fees: string; currency: string; data?: Record<string, unknown> }): Promise<void> {
      await deps.recordPnl(input);
      log.info(
        { intentId: input.intentId, event: 'pnl.realized', pnlEventId: input.id, kind: input.kind, venue: input.venue, market: input.market, amount: input.amount, fees: input.fees, currency: input.currency },
        `realized ${input.kind} PnL ${input.amount} ${input.currency} on ${input.venue} ${input.market}`,
      );
      await deps.reportRealized?.();
    },

    async recordSettlement(input: { intentId: string; executionId: string; legs: SettledLeg[]; realizedPnl: string; divergent: boolean }): Promise<void> {
      for (const leg of input.legs) {
        await deps.recordPnl({
          id: `${input.intentId}:settlement:${leg.legId}`,
          intentId: input.intentId,
          venue: leg.venue,
          market: leg.market,
          kind: 'settlement',
          amount: leg.realizedPnl,
          fees: leg.fees,
          currency: leg.currency,
          data: { result: leg.result, payoutPerContract: leg.payoutPerContract, quantity: leg.quantity, payout: leg.payout, cost: leg.cost, divergent: input.divergent },
        });
        log.info(
          { intentId: input.intentId, legId: leg.legId, event: 'settlement.leg', venue: leg.venue, market: leg.market, result: leg.result, quantity: leg.quantity, payout: leg.payout, realizedPnl: leg.realizedPnl, currency: leg.currency },
          `leg ${leg.legId} settled ${leg.result} on ${leg.venue} ${leg.market}: realized ${leg.realizedPnl} ${leg.currency}`,
        );
      }
      await deps.recordAudit({
        id: `${input.intentId}:settled`,
        actor: 'orderIntentWorkflow',
        action: input.divergent ? 'intent.settled.divergent' : 'intent.settled',
        reason: input.divergent
          ? `the venues resolved the pair differently (${input.legs.map((l) => `${l.venue} ${l.market}: ${l.result}`).join(', ')}); realized PnL ${input.realizedPnl}`
          : `settled: realized PnL ${input.realizedPnl}`,
        intentId: input.intentId,
        executionId: input.executionId,
        data: { realizedPnl: input.realizedPnl, divergent: input.divergent },
      });
      log[input.divergent ? 'warn' : 'info'](
        { intentId: input.intentId, event: input.divergent ? 'settlement.divergent' : 'settlement.done', executionId: input.executionId, realizedPnl: input.realizedPnl, legs: input.legs.length },
        input.divergent ? `intent settled with divergent venue results: realized ${input.realizedPnl}` : `intent settled: realized ${input.realizedPnl}`,
      );
      await deps.reportRealized?.();
    },
  };
}

export type SettlementActivities = ReturnType<typeof createSettlementActivities>;
