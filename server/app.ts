import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from 'helmet';
import fastifyStatic from '@fastify/static';
import type { Config } from './config.ts';
import type { Db } from './platform/db/db.ts';
import { migrationsApplied, readMigrations } from './platform/db/migrate.ts';
import { EventBus } from './platform/events.ts';
import type { Deps } from './platform/context.ts';
import { AppError } from './platform/errors.ts';
import { installErrorHandling } from './platform/http/error-handler.ts';
import { declare, isMutation, type RouteAccess, type RouteSurface } from './platform/http/route-config.ts';
import { portalBase, portalSurface, staffSurface } from './platform/http/surfaces.ts';
import { assetsDir, escapeAttr, sendApp } from './platform/http/web-host.ts';
import { portalAuthRoutes } from './modules/portal-auth/routes.ts';
import { staffAuthRoutes } from './modules/staff-auth/routes.ts';
import { portalTicketRoutes } from './modules/tickets/portal-routes.ts';
import { staffTicketRoutes } from './modules/tickets/staff-routes.ts';
import { directoryRoutes } from './modules/directory/routes.ts';
import { settingsRoutes } from './modules/settings/routes.ts';
import { brandingRoutes } from './modules/branding/routes.ts';
import { acmeChallengeRoute, domainRoutes, tlsAskRoute } from './modules/domains/routes.ts';
import { DomainMap } from './platform/domain-map.ts';
import { rewriteForHost } from './platform/http/host-routing.ts';
import { CertificateCache } from './modules/domains/certificates.ts';
import { brandingPreviewRoutes } from './modules/branding/preview-page.ts';
import { brandHead, PLAIN_PAGES, PORTAL_CSP, portalBrandingRoutes, requestBranding } from './modules/branding/portal-routes.ts';
import { accountRoutes, managerInvitationRoutes } from './modules/portal-auth/account-routes.ts';
import { mfaRoutes } from './modules/mfa/routes.ts';
import { portalLinkRoutes } from './modules/portal-links/routes.ts';
import { openPortalLink } from './modules/portal-links/portal-links.ts';
import { mailboxRoutes } from './modules/mailbox/routes.ts';
import { registerJobs, schedulePeriodicJobs } from './jobs.ts';
import { Jobs } from './platform/jobs.ts';
import { createTransport } from './platform/mail/transport.ts';
import { LocalBlobStore } from './platform/storage/local-store.ts';
import type { BlobStore } from './platform/storage/blob-store.ts';
import { portalAttachmentRoutes, staffAttachmentRoutes } from './modules/attachments/routes.ts';
import websocket from '@fastify/websocket';
import { LIVE_LIMITS } from '../contracts/live.ts';
import { portalChatRoutes, staffChatRoutes } from './modules/chat/routes.ts';
import { liveRoutes } from './modules/live/routes.ts';
import { portalKbRoutes, staffKbRoutes } from './modules/kb/routes.ts';
import { startLive, type Live } from './modules/live/service.ts';
import { PostgresRelay } from './platform/realtime/relay-postgres.ts';
import { RedisRelay } from './platform/realtime/relay-redis.ts';

export type RouteDeclaration = { method: string; url: string; surface: RouteSurface; access: RouteAccess };

export type App = FastifyInstance & {
  routeDeclarations: RouteDeclaration[];
  deps: Deps;
  live: Live;
  /** Custom domains in service (routing by Host) and their certificates (the HTTPS listener). */
  domains: DomainMap;
  certificates: CertificateCache;
};

export type AppOptions = {
  config: Config;
  db: Db;
  bus?: EventBus;
  /** Background workers (mail delivery…) start with the app unless false. */
  workers?: boolean;
  /** Queue name prefix, so apps sharing one database in tests keep their jobs apart. */
  jobPrefix?: string;
  jobPollingSeconds?: number;
  /** Periodic jobs (clean-ups, custom domain steps) asked for every few minutes; tests run them by hand. */
  periodicJobs?: boolean;
  /** File storage; a local directory (`FILES_DIR`) unless given. */
  files?: BlobStore;
};

/** Builds the HTTP app around an open database. Never listens: main.ts and tests decide. */
export async function buildApp({ config, db, bus = new EventBus(), workers = true, periodicJobs = true, jobPrefix, jobPollingSeconds, files }: AppOptions): Promise<App> {
  const domains = new DomainMap(db, new URL(config.publicUrl).hostname, config.publicUrlSet);
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
    rewriteUrl: (req) => rewriteForHost(domains, req, config.trustProxy),
  }) as unknown as App;
  const jobs = new Jobs(db, { ...(jobPrefix ? { prefix: jobPrefix } : {}), ...(jobPollingSeconds ? { pollingSeconds: jobPollingSeconds } : {}) });
  const deps: Deps = { db, bus, log: app.log, jobs, config, files: files ?? new LocalBlobStore(config.filesDir) };
  app.deps = deps;
  app.domains = domains;
  app.certificates = new CertificateCache(deps);
  await domains.start(bus);
  bus.listen((m) => {
    if (m.kind === 'domains.changed') app.certificates.clear();
  });
  app.addHook('onClose', async () => domains.stop());
  registerJobs(deps, createTransport(config.smtpUrl));
  if (workers) {
    let stopSchedule = () => {};
    app.addHook('onReady', async () => {
      await jobs.start((err) => app.log.error({ err }, 'job queue error'));
      if (periodicJobs) stopSchedule = schedulePeriodicJobs(deps);
    });
    app.addHook('onClose', async () => {
      stopSchedule();
      await jobs.stop();
    });
  }

  // Every route declares its surface and who may call it; an undeclared route stops the boot.
  app.routeDeclarations = [];
  app.addHook('onRoute', (route) => {
    const { surface, access } = route.config ?? {};
    if (!surface || !access) throw new Error(`route ${String(route.method)} ${route.url} declares no surface/access`);
    for (const method of [route.method].flat()) {
      app.routeDeclarations.push({ method, url: route.url, surface, access });
    }
  });

  // JSON only: with no form or text parsers a cross-site form cannot post to us.
  app.removeContentTypeParser('text/plain');

  installErrorHandling(app);
  await app.register(cookie);
  // Live connections (WebSocket) on the same port; frames over the limit close the socket.
  await app.register(websocket, { options: { maxPayload: LIVE_LIMITS.maxFrameBytes } });
  app.live = startLive(deps);
  app.addHook('preClose', async () => app.live.stop());
  // Other processes' events reach this one's sockets through Redis or PostgreSQL; the
  // embedded database serves one process, which needs no relay.
  const relay = config.redisUrl
    ? new RedisRelay(config.redisUrl, app.log)
    : db.kind === 'postgres' && config.databaseUrl
      ? new PostgresRelay(config.databaseUrl, db, app.log)
      : null;
  if (relay && bus.relayName === 'none') {
    await bus.useRelay(relay);
    app.addHook('onClose', async () => bus.close());
  }
  const https = config.publicUrl.startsWith('https:');
  // Security headers on every answer. The middleware is built once: @fastify/helmet rebuilt it
  // (parsing the CSP directives) on every request, 2.5% of Portico's busy time under load.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        // data: for the staff app's favicon; blob: for thumbnails of files being attached.
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: https,
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (err?: unknown) => done(err as Error | undefined)));

  // Cross-site requests never change anything: a mutation must come from our own origin.
  app.addHook('onRequest', async (request) => {
    if (!isMutation(request.method)) return;
    const site = request.headers['sec-fetch-site'];
    if (site && site !== 'same-origin' && site !== 'none') throw new AppError('csrf_failed');
    const origin = request.headers.origin;
    if (origin && origin !== `${request.protocol}://${request.host}`) throw new AppError('csrf_failed');
  });

  const expectedMigrations = (await readMigrations()).length;
  app.get('/healthz', declare('public', 'anyone'), async (_request, reply) => {
    const ready = await migrationsApplied(db, expectedMigrations).catch(() => false);
    if (!ready) throw new AppError('not_ready');
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });

  await app.register(fastifyStatic, { root: assetsDir, serve: false });
  app.get('/assets/*', declare('public', 'anyone'), async (request, reply) => {
    const file = (request.params as { '*': string })['*'];
    // Built file names carry a content hash, so they can be cached for good.
    return reply.sendFile(file, { immutable: true, maxAge: '365d' });
  });
  app.get('/', declare('public', 'anyone'), async (_request, reply) => reply.redirect('/staff'));
  await app.register(acmeChallengeRoute, { deps });
  await app.register(tlsAskRoute, { deps });
  app.get('/portal/access/:token', declare('portal', 'anyone'), async (request, reply) =>
    openPortalLink(deps, request, reply, (request.params as { token: string }).token),
  );

  await app.register(
    async (portal) => {
      portalSurface(portal, deps);
      await portal.register(portalAuthRoutes, { prefix: '/api', deps });
      await portal.register(mfaRoutes, { prefix: '/api', deps, surface: 'portal' });
      await portal.register(accountRoutes, { prefix: '/api', deps });
      await portal.register(managerInvitationRoutes, { prefix: '/api', deps });
      await portal.register(portalTicketRoutes, { prefix: '/api', deps });
      await portal.register(portalAttachmentRoutes, { prefix: '/api', deps });
      await portal.register(portalChatRoutes, { prefix: '/api', deps });
      await portal.register(portalKbRoutes, { prefix: '/api', deps });
      await portal.register(liveRoutes, { prefix: '/api', deps, hub: app.live.hub, surface: 'portal' });
      portal.get('/api/*', declare('portal', 'anyone'), async () => {
        throw new AppError('not_found');
      });
      await portal.register(portalBrandingRoutes, { deps });
      const page = async (request: FastifyRequest, reply: FastifyReply) => {
        const { workspace, session, base } = request.portal!;
        const { effective } = await requestBranding(deps, request);
        const path = request.url.split('?')[0]!.slice(portalBase(workspace.slug).length);
        reply.header('content-security-policy', PORTAL_CSP);
        const head = `<meta name="portal-base" content="${escapeAttr(base)}">${brandHead(effective, PLAIN_PAGES.test(path) || session?.stage === 'mfa')}`;
        return sendApp(reply, 'portal', effective.portalName, head);
      };
      portal.get('/', declare('portal', 'anyone'), page);
      portal.get('/*', declare('portal', 'anyone'), page);
    },
    { prefix: '/portal/:slug' },
  );

  await app.register(
    async (staff) => {
      staffSurface(staff, deps);
      await staff.register(staffAuthRoutes, { prefix: '/api', deps });
      await staff.register(mfaRoutes, { prefix: '/api', deps, surface: 'staff' });
      await staff.register(staffTicketRoutes, { prefix: '/api', deps });
      await staff.register(staffAttachmentRoutes, { prefix: '/api', deps });
      await staff.register(staffChatRoutes, { prefix: '/api', deps });
      await staff.register(staffKbRoutes, { prefix: '/api', deps });
      await staff.register(liveRoutes, { prefix: '/api', deps, hub: app.live.hub, surface: 'staff' });
      await staff.register(portalLinkRoutes, { prefix: '/api', deps });
      await staff.register(mailboxRoutes, { prefix: '/api', deps });
      await staff.register(directoryRoutes, { prefix: '/api', deps });
      await staff.register(settingsRoutes, { prefix: '/api', deps });
      await staff.register(brandingRoutes, { prefix: '/api', deps });
      await staff.register(domainRoutes, { prefix: '/api', deps });
      await staff.register(brandingPreviewRoutes, { deps });
      staff.get('/api/*', declare('staff', 'anyone'), async () => {
        throw new AppError('not_found');
      });
      const page = async (_request: unknown, reply: Parameters<typeof sendApp>[0]) => sendApp(reply, 'staff', 'Staff');
      staff.get('/', declare('staff', 'anyone'), page);
      staff.get('/*', declare('staff', 'anyone'), page);
    },
    { prefix: '/staff' },
  );

  return app;
}
