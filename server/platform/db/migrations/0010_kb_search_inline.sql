-- Keep each article's search vector in its row (storage main: compressed if need be, moved
-- out of line only as a last resort), not in the TOAST table. Ranking reads every match's
-- vector: with vectors out of line, ranking the 556 matches of "printer" in the bench data set
-- read 1,700 extra buffers and took 2.8 ms; inline, 0.6 ms. The update rewrites the existing
-- vectors (an unchanged out-of-line value would otherwise be kept where it is).
alter table kb_articles alter column search set storage main;
update kb_articles set search = search || ''::tsvector;
