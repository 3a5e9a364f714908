import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import type { KbCategory, KbHome, KbSearchHit } from '../../../contracts/kb.ts';
import { LoadFailed, PageHeading, Spinner } from '../components/bits.tsx';
import {
  ArticleList,
  HitList,
  KbLoading,
  KbSearchForm,
  kbCategoryPath,
  kbSearchPath,
  StillNeedHelp,
  useDebounced,
  useKbLoad,
} from '../components/kb.tsx';
import { usePageTitle, useSession } from '../session.tsx';

/**
 * Results under the search box while typing come from /kb/suggest (the best five): the
 * search endpoint records queries that find nothing for the staff's "what to write next",
 * and half-typed words should not count as searches.
 */
type Instant = { items: KbSearchHit[] };

/** The help center's home: search (with results as you type), the categories, popular articles. */
export function KbHomePage() {
  usePageTitle('Help center');
  const { contact } = useSession();
  const navigate = useNavigate();
  const home = useKbLoad<KbHome>('/kb');
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 200);
  const typed = text.trim();
  const instantQ = q.length >= 2 ? q : '';
  const instant = useKbLoad<Instant>(instantQ ? `/kb/suggest?${new URLSearchParams({ q: instantQ })}` : null);
  const inputRef = useRef<HTMLInputElement>(null);
  const statusId = useId();

  const search = (value: string) => {
    if (value) navigate(kbSearchPath(value));
    else inputRef.current?.focus();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Escape' && text) {
      e.preventDefault();
      setText('');
    }
  };

  const showInstant = instantQ !== '' && typed.length >= 2;
  const result = showInstant && instant.status !== 'failed' ? instant.data : undefined;
  const stale = instant.status === 'loading' || typed !== q;
  const statusText = !showInstant
    ? ''
    : instant.status === 'failed'
      ? 'Searching did not work.'
      : result
        ? result.items.length === 0
          ? `No articles match “${instantQ}”.`
          : `${result.items.length} ${result.items.length === 1 ? 'article' : 'articles'} found, listed below the search box.`
        : '';

  return (
    <div className="kb">
      <section className="kb-hero">
        <p className="kb-eyebrow">Help center</p>
        <PageHeading>How can we help?</PageHeading>
        <p className="kb-hero-intro">Search the help center, or browse the topics below.</p>
        <KbSearchForm
          large
          value={text}
          onChange={setText}
          onSubmit={search}
          inputRef={inputRef}
          describedBy={statusId}
          onKeyDown={onKeyDown}
        />
        <p id={statusId} role="status" className="visually-hidden">
          {statusText}
        </p>
        {showInstant && (
          <div className={stale && result ? 'kb-instant card is-refreshing' : 'kb-instant card'}>
            {instant.status === 'failed' ? (
              <p className="kb-instant-empty">Searching did not work. Press Search to try again.</p>
            ) : !result ? (
              <p className="kb-instant-empty working">
                <Spinner /> Searching…
              </p>
            ) : result.items.length === 0 ? (
              <p className="kb-instant-empty">
                No articles match “{instantQ}”. Try other words, or fewer of them.
              </p>
            ) : (
              <>
                <h2 className="kb-instant-title">Top results</h2>
                <HitList items={result.items} headingLevel={3} />
                <p className="kb-instant-more">
                  <Link to={kbSearchPath(instantQ)}>
                    See all results for “{instantQ}” <span aria-hidden="true">→</span>
                  </Link>
                </p>
              </>
            )}
          </div>
        )}
      </section>

      {home.status === 'failed' ? (
        <LoadFailed onRetry={home.retry}>The help center could not be loaded. {home.message}</LoadFailed>
      ) : !home.data ? (
        <KbLoading>Loading the help center…</KbLoading>
      ) : (
        <>
          {home.data.categories.length === 0 ? (
            <div className="empty-state card">
              <h2>No help articles yet</h2>
              <p>
                {contact
                  ? 'The support team has not published any articles here yet.'
                  : 'There are no articles here for everyone yet. Signed in, you may see articles for your company.'}
              </p>
            </div>
          ) : (
            <section className="kb-section" aria-labelledby="kb-topics">
              <h2 id="kb-topics" className="kb-section-title">
                Browse by topic
              </h2>
              <ul className="kb-categories">
                {home.data.categories.map((c) => (
                  <CategoryCard key={c.id} category={c} />
                ))}
              </ul>
            </section>
          )}
          {home.data.popular.length > 0 && (
            <section className="kb-section" aria-labelledby="kb-popular">
              <h2 id="kb-popular" className="kb-section-title">
                Popular articles
              </h2>
              <div className="card kb-list-card">
                <ArticleList items={home.data.popular} showCategory />
              </div>
            </section>
          )}
        </>
      )}
      <StillNeedHelp />
    </div>
  );
}

function CategoryCard({ category }: { category: KbCategory }) {
  return (
    <li className="kb-category card">
      <h3 className="kb-category-name">
        <Link to={kbCategoryPath(category.slug)} className="kb-category-link">
          {category.name}
        </Link>
      </h3>
      {category.description && <p className="kb-category-description">{category.description}</p>}
      <p className="kb-category-count">
        {category.articleCount} {category.articleCount === 1 ? 'article' : 'articles'}
      </p>
    </li>
  );
}
