-- The settings every member of a group must share (docs/design/topics.md, "Settings a group
-- shares"): recorded by the first member that joins through pgq_topic.join_group, compared
-- with those of every member that joins after it, removed by pgq_topic.reset_group_settings
-- (when no member is live) or with the group.
create table if not exists pgq_topic.group_setting (
    topic_name        text        not null,
    group_name        text        not null,
    delivery_mode     text        not null check (delivery_mode in ('at-least-once', 'exactly-once')),
    dead_letter_queue text        not null,
    session_timeout   interval    not null,
    recorded_at       timestamptz not null default now(),
    recorded_by       text        not null,
    primary key (topic_name, group_name),
    foreign key (topic_name, group_name) references pgq_topic.grp on delete cascade
);
