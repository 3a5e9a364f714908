import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import type { Deps, PortalCtx, StaffCtx } from '../context.ts';
import { AppError } from '../errors.ts';
import { authChanged, busCache } from '../auth/auth-cache.ts';
import { findStaffSession, type PortalSession, type StaffSession } from '../auth/sessions.ts';
import { hashToken } from '../auth/tokens.ts';
import { resolvePortal, type WorkspaceRow } from '../tenancy.ts';
import type { DomainEntry } from '../domain-map.ts';
import { domainOf } from './host-routing.ts';
import { isMutation } from './route-config.ts';

export const PORTAL_COOKIE = 'sid';
export const STAFF_COOKIE = 'staff_sid';

declare module 'fastify' {
  interface FastifyRequest {
    portal: {
      workspace: WorkspaceRow;
      session: PortalSession | undefined;
      /** The custom domain this request came to, if any (its client's portal only). */
      domain: DomainEntry | null;
      /** The portal's path on this address: `/portal/{slug}`, or '' on a custom domain. */
      base: string;
    } | null;
    staff: StaffSession | null;
  }
}

/** The portal's base path on the default address; cookies are scoped to it. */
export const portalBase = (slug: string) => `/portal/${slug}`;

export function cookieOptions(config: Config, path: string, maxAgeSeconds?: number) {
  return {
    path,
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: config.publicUrl.startsWith('https:'),
    ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds } : {}),
  };
}

function checkCsrf(request: FastifyRequest, csrfToken: string | undefined) {
  if (!isMutation(request.method)) return;
  if (!csrfToken || request.headers['x-csrf-token'] !== csrfToken) throw new AppError('csrf_failed');
}

/**
 * Hooks of the portal context (`/portal/:slug`): resolve the workspace from the address,
 * load the contact's session from this portal's cookie, enforce the route's access and CSRF.
 */
export function portalSurface(app: FastifyInstance, deps: Deps) {
  app.decorateRequest('portal', null);
  const cache = busCache<{ workspace: WorkspaceRow; session: PortalSession | undefined }>(deps.bus);
  app.addHook('onRequest', async (request) => {
    const { slug } = request.params as { slug: string };
    const token = request.cookies[PORTAL_COOKIE];
    const key = `${slug}|${token ? hashToken(token) : ''}`;
    let found = cache.get(key);
    if (!found) {
      const generation = cache.generation;
      found = await resolvePortal(deps.db, slug, token);
      if (found.session || !token) cache.set(key, found.workspace.id, found, generation);
    }
    const domain = domainOf(request.raw) ?? null;
    const { workspace } = found;
    // A client's domain serves that client's contacts only: anyone else's session is not one here.
    const session = domain?.clientId && found.session && found.session.actor.clientId !== domain.clientId ? undefined : found.session;
    request.portal = { workspace, session, domain, base: domain ? '' : portalBase(slug) };
    const access = request.routeOptions.config.access;
    if (access === 'contact' || access === 'contact-mfa') {
      if (!session || (access === 'contact' && session.stage !== 'active')) throw new AppError('unauthenticated');
      checkCsrf(request, session.csrfToken);
    } else if (access !== 'anyone') {
      throw new AppError('not_found'); // staff-only access has no meaning on the portal
    }
  });
  app.addHook('onSend', async (request, reply) => {
    const ws = request.portal?.workspace;
    if (ws && changesAuth(request, reply)) authChanged(deps.bus, ws.id);
  });
}

/** A successful mutation not declared `authCache: 'keep'`: sent before its response leaves. */
const changesAuth = (request: FastifyRequest, reply: FastifyReply) =>
  isMutation(request.method) && reply.statusCode < 400 && request.routeOptions.config.authCache !== 'keep';

/** Hooks of the staff context (`/staff`): session from the staff cookie, role, CSRF. */
export function staffSurface(app: FastifyInstance, deps: Deps) {
  app.decorateRequest('staff', null);
  const cache = busCache<StaffSession>(deps.bus);
  app.addHook('onRequest', async (request) => {
    const token = request.cookies[STAFF_COOKIE];
    let session: StaffSession | undefined;
    if (token) {
      const key = hashToken(token);
      session = cache.get(key);
      if (!session) {
        const generation = cache.generation;
        session = await findStaffSession(deps.db, token);
        if (session) cache.set(key, session.workspaceId, session, generation);
      }
    }
    request.staff = session ?? null;
    const access = request.routeOptions.config.access;
    if (access === 'staff' || access === 'admin' || access === 'staff-mfa') {
      if (!session || (access !== 'staff-mfa' && session.stage !== 'active')) throw new AppError('unauthenticated');
      checkCsrf(request, session.csrfToken);
      if (access === 'admin' && session.actor.role !== 'admin') throw new AppError('forbidden');
    } else if (access !== 'anyone') {
      throw new AppError('not_found');
    }
  });
  app.addHook('onSend', async (request, reply) => {
    const ws = request.staff?.workspaceId;
    if (ws && changesAuth(request, reply)) authChanged(deps.bus, ws);
  });
}

/** The context of a signed-in contact on a route declared `contact` (or `contact-mfa`). */
export function portalCtx(deps: Deps, request: FastifyRequest): PortalCtx {
  const session = request.portal?.session;
  if (!session) throw new AppError('unauthenticated');
  return { ...deps, workspaceId: session.workspaceId, actor: session.actor, ip: request.ip };
}

/** The context of a signed-in staff member on a route declared `staff` or `admin`. */
export function staffCtx(deps: Deps, request: FastifyRequest): StaffCtx {
  const session = request.staff;
  if (!session) throw new AppError('unauthenticated');
  return { ...deps, workspaceId: session.workspaceId, actor: session.actor, ip: request.ip };
}

export function noStore(reply: FastifyReply) {
  reply.header('cache-control', 'no-store');
}

/** The portal's home on the address of this request: `/portal/{slug}`, or `/` on a custom domain. */
export const portalHome = (request: FastifyRequest) => request.portal!.base || '/';

/**
 * Where a surface keeps its session cookie: the portal at its home on this address (per
 * workspace path on the main address, the whole custom domain), the staff app at /staff.
 */
export function sessionCookie(surface: 'portal' | 'staff', portalPath: string) {
  return surface === 'portal' ? { name: PORTAL_COOKIE, path: portalPath } : { name: STAFF_COOKIE, path: '/staff' };
}

export function setSessionCookie(reply: FastifyReply, config: Config, surface: 'portal' | 'staff', portalPath: string, token: string) {
  const c = sessionCookie(surface, portalPath);
  reply.setCookie(c.name, token, cookieOptions(config, c.path, config.sessionTtlHours * 3600));
}

/**
 * Where to go after signing in: only a same-origin path inside this surface. Anything that a
 * browser could read as another origin (`//evil`, `/\evil`, `https:evil`, control
 * characters) falls back to the surface's home.
 */
export function safeNext(home: string, next: unknown): string {
  if (typeof next !== 'string' || next.length > 500) return home;
  if (!next.startsWith('/') || next.startsWith('//') || /[\\\s\u0000-\u001f]/.test(next)) return home;
  if (home !== '/' && next !== home && !next.startsWith(`${home}/`) && !next.startsWith(`${home}?`)) return home;
  return next;
}
