-- 业务查询 (the staff's case search): the indexes EXPLAIN on PostgreSQL asked for, at 200,000
-- cases. Without them each of these conditions read the whole table:
-- * an applicant found by his ID number's blind index: the unique (id_type, id_number_bidx)
--   index leads with the type, which the search does not know;
-- * 受理日期 from–to, and its total;
-- * 业务号 by its beginning (LIKE 'prefix%'): PostgreSQL uses a b-tree for LIKE only under the C
--   collation or with text_pattern_ops; SQLite answers the short 业务号 scan from its table.
CREATE INDEX parties_id_bidx ON parties (id_number_bidx);
CREATE INDEX cases_accepted_on ON cases (accepted_on);
-- @postgres
CREATE INDEX cases_number_prefix ON cases (case_number text_pattern_ops);
-- @end
