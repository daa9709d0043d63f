// Reads shared by the tools of one turn: the tier table is read once per turn, not once per tool that needs it.
import type { Tier } from '../../../db/schema/index.js';
import { listTiers } from '../../domain/loyalty/index.js';
import { listCategories } from '../../domain/products/index.js';
import type { TurnCtx } from '../types.js';

/** Runs `read` once per turn for `key`; later calls in the same turn share its promise. */
function once<T>(ctx: TurnCtx, key: string, read: () => Promise<T>): Promise<T> {
  ctx.memo ??= new Map();
  let hit = ctx.memo.get(key) as Promise<T> | undefined;
  if (!hit) ctx.memo.set(key, (hit = read()));
  return hit;
}

/**
 * The tiers, read from the store in this turn (a tier question asks for both benefits and status). Never kept
 * across turns: rule edits show on the next message.
 */
export function turnTiers(ctx: TurnCtx): Promise<Tier[]> {
  return once(ctx, 'tiers', () => listTiers(ctx.domain.store.db));
}

/** The catalog's category names, read once per turn (the offline brain may ask twice). */
export function turnCategories(ctx: TurnCtx): Promise<string[]> {
  return once(ctx, 'categories', () => listCategories({ ctx: ctx.domain, input: {} }));
}
