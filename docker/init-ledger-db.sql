-- The ledger gets its own role and database beside Temporal's.
CREATE ROLE legwork LOGIN PASSWORD 'legwork';
CREATE DATABASE legwork OWNER legwork;
