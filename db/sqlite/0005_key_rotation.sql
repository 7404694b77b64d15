-- Key rotation: after a rotation the previous secret keeps working until previous_valid_until_unix, so that a
-- client can switch to the new secret without an outage. Only hashes are stored, as for the current secret.
ALTER TABLE api_key ADD COLUMN previous_secret_hash BLOB NULL;
ALTER TABLE api_key ADD COLUMN previous_valid_until_unix INTEGER NULL;
ALTER TABLE api_key ADD COLUMN rotated_unix INTEGER NULL;
