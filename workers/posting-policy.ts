/**
 * The posting policy adapters run under: the mode (PAPER / DRY_RUN / LIVE), the
 * LIVE_ORDER_POSTING_ENABLED flag, and the operator confirmation recorded in the ledger, decided
 * per request (a confirmation recorded while running takes effect at once); DRY_RUN payloads go
 * to the ledger.
 */
import { randomUUID } from 'node:crypto';
import { LIVE_CONFIRM_ACTION, postingDecision, type Mode } from '../domain/live-gate';
import { latestOperatorConfirmation, recordPreflight, type LedgerClient } from '../ledger';
import type { PostingPolicy } from '../venues/http/client';

export function ledgerPostingPolicy(opts: { mode: Mode; liveOrderPostingEnabled: string | undefined; db: LedgerClient }): PostingPolicy {
  return {
    async decide() {
      // Only LIVE needs the confirmation; PAPER and DRY_RUN never read the ledger here.
      const confirmation = opts.mode === 'LIVE' ? await latestOperatorConfirmation(opts.db, LIVE_CONFIRM_ACTION) : undefined;
      return postingDecision({ mode: opts.mode, liveOrderPostingEnabled: opts.liveOrderPostingEnabled, confirmation });
    },
    async record(payload) {
      const clientOrderId = payload.body ? (JSON.parse(payload.body) as { client_order_id?: string }).client_order_id : undefined;
      await recordPreflight(opts.db, { id: randomUUID(), ...payload, clientOrderId });
    },
  };
}
