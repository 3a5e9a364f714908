/**
 * The live endpoints: `GET /portal/{slug}/api/live` and `GET /staff/api/live`, WebSocket
 * upgrades on the same port. The surface's hooks have already resolved the workspace and
 * required an active session (401 otherwise); here the Origin must be our own (403
 * otherwise) before the upgrade.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { CLOSE, LIVE_LIMITS } from '../../../contracts/live.ts';
import type { Deps } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { declare } from '../../platform/http/route-config.ts';
import { portalCtx, staffCtx } from '../../platform/http/surfaces.ts';
import { LiveSocket } from '../../platform/realtime/socket.ts';
import { portalFilesBase, STAFF_FILES_BASE } from '../attachments/present.ts';
import { releaseLive, touchLive } from '../chat/presence.ts';
import { handleFrame } from './frames.ts';
import type { LiveConn, LiveHub } from './hub.ts';

/** Frames of one connection waiting to be handled before it counts as flooding (the burst, twice over). */
const MAX_QUEUED_FRAMES = LIVE_LIMITS.burst * 2;

/** The page's origin must be Portico's own address (the configured one or the one it was reached at). */
export function checkOrigin(publicUrl: string, request: FastifyRequest): void {
  const origin = request.headers.origin;
  const own = new Set([new URL(publicUrl).origin, `${request.protocol}://${request.host}`]);
  if (!origin || !own.has(origin)) throw new AppError('forbidden', { message: 'Live connections are only accepted from this site.' });
}

export async function liveRoutes(app: FastifyInstance, { deps, hub, surface }: { deps: Deps; hub: LiveHub; surface: 'portal' | 'staff' }) {
  const access = surface === 'portal' ? 'contact' : 'staff';
  app.get(
    '/live',
    {
      websocket: true,
      ...declare(surface, access),
      preValidation: async (request) => checkOrigin(deps.config.publicUrl, request),
    },
    (ws: WebSocket, request) => open(deps, hub, surface, ws, request),
  );
}

function open(deps: Deps, hub: LiveHub, surface: 'portal' | 'staff', ws: WebSocket, request: FastifyRequest) {
  const ctx = surface === 'portal' ? portalCtx(deps, request) : staffCtx(deps, request);
  const sessionId = surface === 'portal' ? request.portal!.session!.sessionId : request.staff!.sessionId;
  const conn: LiveConn = {
    id: hub.nextId(),
    socket: new LiveSocket(ws),
    surface,
    sessionId,
    ctx,
    filesBase: surface === 'portal' ? portalFilesBase(request.portal!.workspace.slug) : STAFF_FILES_BASE,
    openedAt: Date.now(),
    tickets: false,
    ticketTopics: new Map(),
    queue: false,
    chats: new Map(),
  };
  const isStaff = ctx.actor.type === 'staff';
  const firstForStaff = isStaff && !hub.hasStaffConnection(ctx.actor.id);
  const evicted = hub.add(conn, LIVE_LIMITS.connectionsPerSession);
  if (evicted) {
    evicted.socket.close(CLOSE.tooManyConnections, 'too many live connections for this session');
    hub.remove(evicted);
  }
  if (firstForStaff) {
    void touchLive(deps.db, [ctx.actor.id])
      .then(() => deps.bus.signal({ kind: 'presence', workspaceId: ctx.workspaceId }))
      .catch((err: unknown) => deps.log.warn({ err }, 'presence update failed'));
  }
  conn.socket.send({ type: 'hello', surface });

  let chain = Promise.resolve();
  let queued = 0;
  ws.on('message', (data, isBinary) => {
    if (isBinary) return conn.socket.close(1003, 'text frames only');
    const verdict = conn.socket.take();
    if (verdict === 'abuse') return conn.socket.close(CLOSE.rateLimited, 'too many messages');
    if (verdict === 'limited') {
      conn.socket.send({ type: 'error', code: 'rate_limited', message: 'Too many messages at once. Slow down a little.' });
      return;
    }
    if (queued >= MAX_QUEUED_FRAMES) {
      conn.socket.send({ type: 'error', code: 'rate_limited', message: 'Too many messages waiting. Reconnect and slow down.' });
      return conn.socket.close(CLOSE.rateLimited, 'too many messages waiting');
    }
    queued++;
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8');
    // One at a time, in order: a chat's messages are stored in the order they were sent.
    chain = chain.then(() => handleFrame(hub, conn, text)).finally(() => {
      queued--;
    });
  });
  ws.on('close', () => {
    hub.remove(conn);
    if (isStaff && !hub.hasStaffConnection(ctx.actor.id)) {
      void releaseLive(deps.db, ctx.actor.id)
        .then(() => deps.bus.signal({ kind: 'presence', workspaceId: ctx.workspaceId }))
        .catch(() => undefined);
    }
  });
  ws.on('error', (err) => deps.log.debug({ err }, 'live socket error'));
}
