CREATE INDEX outbox_by_secret ON outbox (secret_arn, region, seq);
