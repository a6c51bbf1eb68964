import { postingDecision } from '../../domain/live-gate';

const confirmation = { operator: 'ana', at: '2026-11-24T00:00:00.000Z' };

describe('live gate', () => {
  it('PAPER posts to the simulator, DRY_RUN only records preflight payloads', () => {
    expect(postingDecision({ mode: 'PAPER', liveOrderPostingEnabled: undefined })).toMatchObject({ post: true, target: 'simulator' });
    expect(postingDecision({ mode: 'DRY_RUN', liveOrderPostingEnabled: 'true', confirmation })).toMatchObject({ post: false, preflightOnly: true });
  });

  it('LIVE refuses, naming the closed gate, unless every gate is open', () => {
    for (const flag of [undefined, 'false', 'TRUE', '1', ' true']) {
      const d = postingDecision({ mode: 'LIVE', liveOrderPostingEnabled: flag, confirmation });
      expect(d).toMatchObject({ post: false, refusedBy: 'LIVE_ORDER_POSTING_ENABLED' });
      expect(d.reason).toMatch(/LIVE_ORDER_POSTING_ENABLED is .*must be "true"/);
    }
    expect(postingDecision({ mode: 'LIVE', liveOrderPostingEnabled: 'true' })).toMatchObject({ post: false, refusedBy: 'operator confirmation' });
    expect(postingDecision({ mode: 'LIVE', liveOrderPostingEnabled: 'true', confirmation })).toMatchObject({ post: true, target: 'venue' });
  });
});
