-- Schema pgq_topic: topics of N partitions, each partition the PgQ queue '<topic>.p<k>', and
-- groups whose members own partitions through leases (rows with owner, epoch and expiry).
create schema if not exists pgq_topic;

-- One row per topic; its partitions are the queues '<topic_name>.p0' .. '.p<partitions-1>'.
create table if not exists pgq_topic.topic (
    topic_name      text        not null primary key,
    partitions      int4        not null check (partitions between 1 and 256),
    created_at      timestamptz not null default now()
);

-- One row per group of a topic. Group functions lock it: membership and assignment change
-- one transaction at a time per group.
create table if not exists pgq_topic.grp (
    topic_name      text        not null references pgq_topic.topic on delete cascade,
    group_name      text        not null,
    rebalances      int8        not null default 0,
    created_at      timestamptz not null default now(),
    primary key (topic_name, group_name)
);

-- Live members of a group. A member whose expires_at has passed is removed by the next
-- heartbeat of any member of its group.
create table if not exists pgq_topic.member (
    topic_name      text        not null,
    group_name      text        not null,
    member_id       text        not null,
    session_timeout interval    not null,
    joined_at       timestamptz not null default now(),
    heartbeat_at    timestamptz not null,
    expires_at      timestamptz not null,
    primary key (topic_name, group_name, member_id),
    foreign key (topic_name, group_name) references pgq_topic.grp on delete cascade
);

-- One lease per partition and group: target is the member the assignment gives it to, owner
-- the member that holds it now (they differ while a partition is handed over); epoch grows by
-- one at every change of owner; batch_id/done_ev_id: the last finished event of the open batch.
create table if not exists pgq_topic.lease (
    topic_name      text        not null,
    group_name      text        not null,
    partition_no    int4        not null,
    target          text,
    owner           text,
    epoch           int8        not null default 0,
    expires_at      timestamptz,
    batch_id        int8,
    done_ev_id      int8,
    primary key (topic_name, group_name, partition_no),
    foreign key (topic_name, group_name) references pgq_topic.grp on delete cascade
);
