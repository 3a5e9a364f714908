/**
 * This process's live side: the hub, its fan-out from the bus, and three timers — pings
 * (drop dead peers), the presence heartbeat (technicians connected here stay "online"),
 * and a session sweep (a revoked or expired session's sockets are closed within 30 s).
 */
import { CLOSE } from '../../../contracts/live.ts';
import type { Deps } from '../../platform/context.ts';
import { touchLive } from '../chat/presence.ts';
import { startFanout } from './fanout.ts';
import { LiveHub } from './hub.ts';

export type Live = {
  hub: LiveHub;
  /** Closes the sockets of sessions that ended; returns how many sockets it closed. */
  sweepSessions(): Promise<number>;
  /** Tells every client to reconnect (elsewhere) and stops. */
  stop(): void;
};

export function startLive(deps: Deps, timings = { pingMs: 30_000, presenceMs: 15_000, sweepMs: 30_000 }): Live {
  const hub = new LiveHub();
  const stopFanout = startFanout(deps, hub);

  async function sweepSessions(): Promise<number> {
    const ids = hub.sessions();
    if (!ids.length) return 0;
    const alive = await deps.db.query<{ id: string }>(
      `select s.id from sessions s
         left join contacts c on c.workspace_id = s.workspace_id and c.id = s.contact_id
         left join staff st on st.workspace_id = s.workspace_id and st.id = s.staff_id
        where s.id = any($1::uuid[]) and s.revoked_at is null and s.expires_at > now() and s.stage = 'active'
          and coalesce(c.status, st.status) = 'active'`,
      [ids],
    );
    const keep = new Set(alive.map((r) => r.id));
    let closed = 0;
    for (const id of ids) {
      if (keep.has(id)) continue;
      for (const conn of hub.bySession(id)) {
        conn.socket.close(CLOSE.unauthenticated, 'session ended');
        hub.remove(conn);
        closed++;
      }
    }
    return closed;
  }

  const warn = (what: string) => (err: unknown) => deps.log.warn({ err }, what);
  const timers = [
    setInterval(() => {
      for (const c of hub.conns) c.socket.heartbeat();
    }, timings.pingMs),
    setInterval(() => void touchLive(deps.db, hub.staffIds()).catch(warn('presence heartbeat failed')), timings.presenceMs),
    setInterval(() => void sweepSessions().catch(warn('session sweep failed')), timings.sweepMs),
  ];
  for (const t of timers) t.unref();

  return {
    hub,
    sweepSessions,
    stop() {
      for (const t of timers) clearInterval(t);
      stopFanout();
      for (const c of hub.conns) c.socket.close(CLOSE.goingAway, 'server shutting down');
    },
  };
}
