set timezone='America/St_Johns';
set datestyle='Postgres, DMY';
\set ON_ERROR_STOP 0
truncate ev_log restart identity;
drop table if exists h1; drop table if exists h2; drop table if exists h3; drop table if exists h4;
drop type if exists hen;
create type hen as enum('x y', 'é', 'NULL');
-- the fast path's one-piece rendering (no float column): values that look like array and
-- record syntax, NULL-like text, empty strings, escapes, control and non-ASCII characters,
-- column names with format() and URL-encoding characters, names of several lengths
create table h1(id int primary key, "a%1$s" text, "%" text, bb bool, "long column name" timestamptz, d date,
                ts timestamp, n numeric(8,3), e hen, "q""uote" varchar(10), "=&" bytea, i8 int8);
create trigger tl after insert or update or delete on h1 for each row execute procedure pgq.logutriga('q');
create trigger ts after insert or update or delete on h1 for each row execute procedure pgq.sqltriga('q');
create trigger tj after insert or update or delete on h1 for each row execute procedure pgq.jsontriga('q');
insert into h1 values (1, '{a,b}', '(x,"y")', true, '2009-09-19 11:59:48.599+03', '2009-09-19', '2009-09-19 11:59:48', 1.5, 'x y', 'a"b', '\x00ff', 9223372036854775807);
insert into h1 values (2, 'NULL', '', false, 'infinity', '0044-03-15 BC', '-infinity', -0.001, 'NULL', '', '', -1);
insert into h1 values (3, null, null, null, null, null, null, null, null, null, null, null);
insert into h1 values (4, E'back\\slash', E'quote\\"both', null, '1999-12-31 23:59:59.999999+14', null, null, 'NaN', 'é', 'null', null, 0);
insert into h1 values (5, E'tab\there', E'nl\nhere', true, null, null, null, 12345.678, null, '\\', null, null);
insert into h1 values (6, 'nön-ascii ✓', 'x' || chr(127), true, null, null, null, null, null, '%s %1$s', null, null);
insert into h1 values (7, '%1$s%%', '"', null, null, null, null, null, null, ' sp ', null, null);
update h1 set bb = not bb, n = n + 1 where id in (1, 2, 4);
update h1 set "a%1$s" = "a%1$s" || '}' where id = 6;
-- one statement per row: a multi-row DELETE visits updated rows in their physical order, which
-- differs between PostgreSQL versions
delete from h1 where id = 1;
delete from h1 where id = 3;
delete from h1 where id = 4;
delete from h1 where id = 5;
delete from h1 where id = 6;
delete from h1 where id = 7;
select id, t, d, e1, e2, e3, e4 from ev_log order by id;
truncate ev_log restart identity;
-- one column; a key that is not the first column; a table without primary key
create table h2(k text primary key);
create trigger tl after insert or update or delete on h2 for each row execute procedure pgq.logutriga('q');
create trigger ts after insert or update or delete on h2 for each row execute procedure pgq.sqltriga('q');
insert into h2 values ('a,b'), ('');
delete from h2;
create table h3(v text, id2 int, id1 int, primary key (id1, id2));
create trigger tl after insert or update or delete on h3 for each row execute procedure pgq.logutriga('q');
create trigger ts after insert or update or delete on h3 for each row execute procedure pgq.sqltriga('q');
insert into h3 values ('x', 2, 1), (null, 3, 4);
update h3 set v = 'y' where id1 = 1;
delete from h3;
alter table h3 drop constraint h3_pkey;
insert into h3 values ('z', 5, 6);
delete from h3;
select id, t, d, e1, e2, e3, e4 from ev_log order by id;
truncate ev_log restart identity;
-- sqltriga's UPDATE: values equal by "=" but not by text, a key change, nothing changed
create table h4(iv interval, r int4range, id int primary key, n numeric, b bool);
create trigger tl after insert or update or delete on h4 for each row execute procedure pgq.logutriga('q');
create trigger ts after insert or update or delete on h4 for each row execute procedure pgq.sqltriga('q');
insert into h4 values ('1 day', '[1,3)', 1, 1.0, true), ('2 hours', null, 2, null, null);
update h4 set iv = '24 hours', n = 1.00, r = '[1,2]' where id = 1;
update h4 set iv = '25 hours', b = false where id = 1;
update h4 set r = '[1,5)', n = 2 where id = 2;
update h4 set id = 3 where id = 2;
update h4 set n = null, iv = null where id = 1;
update h4 set b = b;
select id, t, d, e1, e2, e3, e4 from ev_log order by id;
