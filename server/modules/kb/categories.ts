/** KB categories (staff): ordered, described; one with articles cannot be deleted. */
import type { z } from 'zod';
import type { KbCategory, saveCategoryBody } from '../../../contracts/kb.ts';
import type { StaffCtx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { mutate } from '../../platform/events.ts';
import { slugify } from './slug.ts';

type Input = z.infer<typeof saveCategoryBody>;

export async function listCategories(ctx: StaffCtx): Promise<KbCategory[]> {
  const rows = await ctx.db.query<{ id: string; slug: string; name: string; description: string; position: number; n: number }>(
    `select c.id, c.slug, c.name, c.description, c.position,
            (select count(*)::int from kb_articles a where a.workspace_id = c.workspace_id and a.category_id = c.id) as n
       from kb_categories c where c.workspace_id = $1 order by c.position, c.name`,
    [ctx.workspaceId],
  );
  return rows.map((r) => ({ id: r.id, slug: r.slug, name: r.name, description: r.description, position: r.position, articleCount: r.n }));
}

export async function createCategory(ctx: StaffCtx, input: Input): Promise<string> {
  return mutate(ctx, async (tx, record) => {
    const base = slugify(input.name, 'category');
    const taken = new Set(
      (await tx.query<{ slug: string }>(`select slug from kb_categories where workspace_id = $1 and (slug = $2 or slug ~ ('^' || $2 || '-[0-9]+$'))`, [ctx.workspaceId, base])).map((r) => r.slug),
    );
    let slug = base;
    for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
    const [{ next }] = (await tx.query<{ next: number }>('select coalesce(max(position), -1) + 1 as next from kb_categories where workspace_id = $1', [ctx.workspaceId])) as [{ next: number }];
    const [row] = await tx.query<{ id: string }>(
      'insert into kb_categories (workspace_id, slug, name, description, position) values ($1, $2, $3, $4, $5) returning id',
      [ctx.workspaceId, slug, input.name, input.description, input.position ?? next],
    );
    await record({ type: 'kb.category_created', payload: { categoryId: row!.id } });
    return row!.id;
  });
}

export async function updateCategory(ctx: StaffCtx, id: string, input: Input): Promise<void> {
  await mutate(ctx, async (tx, record) => {
    const [row] = await tx.query(
      `update kb_categories set name = $3, description = $4, position = coalesce($5, position) where workspace_id = $1 and id = $2 returning id`,
      [ctx.workspaceId, id, input.name, input.description, input.position ?? null],
    );
    if (!row) throw new AppError('not_found');
    await record({ type: 'kb.category_updated', payload: { categoryId: id } });
  });
}

export async function deleteCategory(ctx: StaffCtx, id: string): Promise<void> {
  await mutate(ctx, async (tx, record) => {
    const [used] = await tx.query('select 1 from kb_articles where workspace_id = $1 and category_id = $2 limit 1', [ctx.workspaceId, id]);
    if (used) throw new AppError('kb_category_not_empty');
    const [row] = await tx.query('delete from kb_categories where workspace_id = $1 and id = $2 returning id', [ctx.workspaceId, id]);
    if (!row) throw new AppError('not_found');
    await record({ type: 'kb.category_deleted', payload: { categoryId: id } });
  });
}
