"""Multi-region replication: a primary, its read-only replicas, and the outbox between.

- `primary` — ReplicateSecretToRegions / RemoveRegionsFromReplication and the status
  of each replica, kept on the primary; every change enqueues an outbox row in the
  same transaction.
- `sender` — drains a region's outbox in order, builds each replica's state and hands
  it to a transport; transient faults retry with backoff, the rest mark `Failed`.
- `replica` — applies that state in the replica's region (idempotent by sequence
  number, re-encrypting under the replica region's key), and promotes a replica.
- `transport` — in-process when both regions live here, HTTP between nodes.
"""
