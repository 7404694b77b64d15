-- Key rotation: after a rotation the previous secret keeps working until previous_valid_until_unix, so that a
-- client can switch to the new secret without an outage. Only hashes are stored, as for the current secret.
ALTER TABLE dbo.api_key ADD previous_secret_hash VARBINARY(32) NULL, previous_valid_until_unix BIGINT NULL, rotated_unix BIGINT NULL;
