-- pgq._trg_urlencode_ascii(text): internal helper of pgq._trg_urlencode() and
-- pgq._trg_urlenc_json(). URL-encodes the printable ASCII characters of a value like
-- pgq._trg_urlencode(): '%' first, then '+', then every other punctuation character (their
-- codes hold only '%' and hex digits, so nothing is encoded twice), then space as '+'. Other
-- characters are left as they are. One expression using its argument once, so the planner
-- inlines it into the calling query.
create or replace function pgq._trg_urlencode_ascii(i_value text)
returns text
language sql immutable parallel safe
as $$
    select pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(i_value,
        '%', '%25'),
        '+', '%2b'),
        '!', '%21'),
        '"', '%22'),
        '#', '%23'),
        '$', '%24'),
        '&', '%26'),
        '''', '%27'),
        '(', '%28'),
        ')', '%29'),
        '*', '%2a'),
        ',', '%2c'),
        '/', '%2f'),
        ':', '%3a'),
        ';', '%3b'),
        '<', '%3c'),
        '=', '%3d'),
        '>', '%3e'),
        '?', '%3f'),
        '@', '%40'),
        '[', '%5b'),
        '\', '%5c'),
        ']', '%5d'),
        '^', '%5e'),
        '`', '%60'),
        '{', '%7b'),
        '|', '%7c'),
        '}', '%7d'),
        '~', '%7e'),
        ' ', '+');
$$;
