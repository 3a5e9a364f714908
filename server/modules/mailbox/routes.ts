import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { MailDetail, MailSummary } from '../../../contracts/auth.ts';
import { PAGE_SIZE } from '../../../contracts/constants.ts';
import type { Page } from '../../../contracts/tickets.ts';
import type { Deps } from '../../platform/context.ts';
import { first } from '../../platform/db/db.ts';
import { AppError } from '../../platform/errors.ts';
import { mutate } from '../../platform/events.ts';
import { declare, idParam, parse, KEEPS_AUTH } from '../../platform/http/route-config.ts';
import { noStore, staffCtx } from '../../platform/http/surfaces.ts';
import { requeueMail } from '../../platform/mail/outbox.ts';

type Row = {
  id: string;
  to_address: string;
  subject: string;
  template: string;
  status: MailSummary['status'];
  attempts: number;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
  text_body?: string;
  html_body?: string;
};

const summary = (r: Row): MailSummary => ({
  id: r.id,
  to: r.to_address,
  subject: r.subject,
  template: r.template,
  status: r.status,
  attempts: r.attempts,
  lastError: r.last_error,
  createdAt: r.created_at.toISOString(),
  deliveredAt: r.delivered_at?.toISOString() ?? null,
});

const columns = 'id, to_address, subject, template, status, attempts, last_error, created_at, delivered_at';
const listQuery = z.object({
  status: z.enum(['queued', 'sent', 'stored', 'failed']).optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
});

/** The admins' view of outgoing mail (and, without SMTP, the place mail is kept), under `/staff/api`. */
export async function mailboxRoutes(app: FastifyInstance, { deps }: { deps: Deps }) {
  app.addHook('onSend', async (_request, reply) => noStore(reply));

  app.get('/mail', declare('staff', 'admin'), async (request): Promise<Page<MailSummary>> => {
    const ctx = staffCtx(deps, request);
    const q = parse(listQuery, request.query);
    const [rows, [count]] = await Promise.all([
      ctx.db.query<Row>(
        `select ${columns} from outbox_mail where workspace_id = $1 and ($2::text is null or status = $2)
          order by created_at desc, id desc limit $3 offset $4`,
        [ctx.workspaceId, q.status ?? null, PAGE_SIZE, (q.page - 1) * PAGE_SIZE],
      ),
      ctx.db.query<{ n: number }>(
        'select count(*)::int as n from outbox_mail where workspace_id = $1 and ($2::text is null or status = $2)',
        [ctx.workspaceId, q.status ?? null],
      ),
    ]);
    return { items: rows.map(summary), page: q.page, pageSize: PAGE_SIZE, total: count?.n ?? 0, totalCapped: false };
  });

  const detail = async (workspaceId: string, id: string): Promise<MailDetail> => {
    const row = await first<Row>(deps.db, `select ${columns}, text_body, html_body from outbox_mail where workspace_id = $1 and id = $2`, [
      workspaceId,
      id,
    ]);
    if (!row) throw new AppError('not_found');
    return { ...summary(row), text: row.text_body ?? '', html: row.html_body ?? '' };
  };

  app.get('/mail/:id', declare('staff', 'admin'), async (request) => {
    const ctx = staffCtx(deps, request);
    return detail(ctx.workspaceId, idParam(request.params));
  });

  app.post('/mail/:id/resend', declare('staff', 'admin', KEEPS_AUTH), async (request) => {
    const ctx = staffCtx(deps, request);
    const id = idParam(request.params);
    await mutate(ctx, async (tx, record) => {
      if (!(await requeueMail(tx, ctx.jobs, ctx.workspaceId, id))) throw new AppError('not_found');
      await record({ type: 'mail.resent', payload: { mailId: id } });
    });
    return detail(ctx.workspaceId, id);
  });
}
