-- Schema pgq_coop: cooperative consumers (reference §2.9). Several subconsumers share one
-- consumer's position on a queue and take different batches in parallel.
create schema if not exists pgq_coop;
