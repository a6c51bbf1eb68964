/** The venues Legwork trades and the vocabulary every venue's orders map onto. */
import { z } from 'zod';

export const VENUES = ['kalshi', 'polymarket', 'coinbase'] as const;
export const venueSchema = z.enum(VENUES);
export type Venue = z.infer<typeof venueSchema>;

/** Binary-contract outcome; null for spot instruments (Coinbase). */
export const outcomeSchema = z.enum(['yes', 'no']);
export type Outcome = z.infer<typeof outcomeSchema>;

export const actionSchema = z.enum(['buy', 'sell']);
export type Action = z.infer<typeof actionSchema>;

/** GTC rests; IOC fills what it can now; FOK all or nothing now; GTD rests until an expiry. */
export const timeInForceSchema = z.enum(['GTC', 'IOC', 'FOK', 'GTD']);
export type TimeInForce = z.infer<typeof timeInForceSchema>;
