import { createHmac } from 'node:crypto';
import { recoverTypedDataAddress } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { clobAuthTypedData, l1Headers, l2Headers, polyHmacSignature } from '../../venues/polymarket/auth';
import { orderTypedData, saltFor, signOrder, SIDE, ZERO_ADDRESS, type PolymarketOrder } from '../../venues/polymarket/order-signing';

// A throwaway test key (never funded anywhere).
const account = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');

describe('Polymarket auth and order signing', () => {
  it('L2: HMAC-SHA256 with the base64 secret over timestamp+METHOD+path+body, URL-safe base64 with padding', () => {
    const secret = Buffer.from('a-test-secret-that-is-long-enough!!').toString('base64');
    const body = '{"order":{"salt":1}}';
    const sig = polyHmacSignature(secret, '1795000000', 'post', '/order', body);
    const expected = createHmac('sha256', Buffer.from(secret, 'base64')).update(`1795000000POST/order${body}`).digest('base64');
    expect(sig).toBe(expected.replace(/\+/g, '-').replace(/\//g, '_'));
    expect(sig).not.toMatch(/[+/]/);
    expect(sig.endsWith('=')).toBe(true);
    const headers = l2Headers(account.address, { key: 'k', secret, passphrase: 'p' }, { method: 'POST', path: '/order', body }, 1795000000);
    expect(headers).toEqual({ POLY_ADDRESS: account.address, POLY_SIGNATURE: sig, POLY_TIMESTAMP: '1795000000', POLY_API_KEY: 'k', POLY_PASSPHRASE: 'p' });
  });

  it('L1: the ClobAuth signature recovers to the wallet', async () => {
    const headers = await l1Headers(account, 137, 1795000000);
    const recovered = await recoverTypedDataAddress({ ...clobAuthTypedData(account.address, '1795000000', 0n, 137), signature: headers.POLY_SIGNATURE as `0x${string}` });
    expect(recovered).toBe(account.address);
  });

  it('orders sign deterministically: the same leg attempt gives the same signature and hash; the signer recovers', async () => {
    const order: PolymarketOrder = {
      salt: saltFor('d99ce6e3-8963-8a65-a12e-d1d09d4b44f7'),
      maker: account.address,
      signer: account.address,
      taker: ZERO_ADDRESS,
      tokenId: 71321045679252212594626385532706912750332728571942532289631379312455583992563n,
      makerAmount: 13_750_000n, // 25 shares × 0.55 USDC
      takerAmount: 25_000_000n,
      expiration: 0n,
      nonce: 0n,
      feeRateBps: 0n,
      side: SIDE.BUY,
      signatureType: 0,
    };
    const a = await signOrder(account, order);
    const b = await signOrder(account, { ...order });
    expect(a.signature).toBe(b.signature);
    expect(a.hash).toBe(b.hash);
    expect(await recoverTypedDataAddress({ ...orderTypedData(order), signature: a.signature })).toBe(account.address);
    const other = await signOrder(account, { ...order, salt: saltFor('another-attempt') });
    expect(other.hash).not.toBe(a.hash);
    expect(saltFor('x') < 2n ** 53n).toBe(true);
  });
});
