/**
 * A short-lived cache of who a request is: the portal's workspace row with the session a
 * cookie holds, and staff sessions. Every request started with this lookup — one database
 * round trip of the two or three a page of tickets costs.
 *
 * Kept correct by invalidation, with the lifetime only as a backstop:
 * - every successful mutation request on the portal and staff surfaces (sign-in, sign-out,
 *   revoking sessions, passwords, MFA, settings…) clears its workspace's entries in every
 *   process before its response leaves (`auth.changed` on the bus, relayed to the other
 *   processes), except routes declared `{ authCache: 'keep' }` — the hot ones that never
 *   touch sessions, people or workspace settings (creating a ticket, replying, uploading);
 * - a lookup that started before a clear is not stored (generation check), so a read racing
 *   a sign-out cannot put the old session back;
 * - only found sessions are stored: a token nobody has seen before is always looked up.
 * Anything that changes sessions, contacts, staff or workspace settings outside an HTTP
 * mutation must send `auth.changed` itself. If a relay message is lost, an entry still
 * lives at most TTL_MS.
 */
import type { EventBus } from '../events.ts';

const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

type Entry<V> = { workspaceId: string; value: V; expires: number };

export class AuthCache<V> {
  #entries = new Map<string, Entry<V>>();
  #generation = 0;

  constructor(private readonly ttlMs = TTL_MS) {}

  /** Read before looking up; pass to `set`, which ignores the result if a clear came between. */
  get generation(): number {
    return this.#generation;
  }

  get(key: string): V | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    if (e.expires <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: string, workspaceId: string, value: V, generation: number): void {
    if (generation !== this.#generation) return;
    if (this.#entries.size >= MAX_ENTRIES) {
      // Oldest first (insertion order): drop a tenth.
      let n = MAX_ENTRIES / 10;
      for (const k of this.#entries.keys()) {
        this.#entries.delete(k);
        if (--n <= 0) break;
      }
    }
    this.#entries.set(key, { workspaceId, value, expires: Date.now() + this.ttlMs });
  }

  /** Forgets the workspace's entries (all, without one). */
  clear(workspaceId?: string): void {
    this.#generation++;
    if (workspaceId === undefined) return this.#entries.clear();
    for (const [k, e] of this.#entries) if (e.workspaceId === workspaceId) this.#entries.delete(k);
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** A cache cleared whenever any process says a workspace's sign-ins, people or settings changed. */
export function busCache<V>(bus: EventBus): AuthCache<V> {
  const cache = new AuthCache<V>();
  bus.listen((m) => {
    if (m.kind === 'auth.changed') cache.clear(m.workspaceId);
  });
  return cache;
}

/** Tells every process (this one at once) that the workspace's sessions, people or settings changed. */
export function authChanged(bus: EventBus, workspaceId: string): void {
  bus.signal({ kind: 'auth.changed', workspaceId });
}
