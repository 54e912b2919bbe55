-- Credential kinds (#16 items 1, 4, 5): a static value (every credential before this
-- migration), OAuth 1.0a or AWS SigV4 signing. The secret parts of a signing kind are sealed
-- together as one JSON object in encrypted_value; kind_settings holds its visible settings
-- (aws_sigv4: region and service) and parts_set the names of the parts that are set.
ALTER TABLE credentials ADD COLUMN kind TEXT NOT NULL DEFAULT 'static';
ALTER TABLE credentials ADD COLUMN kind_settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE credentials ADD COLUMN parts_set TEXT NOT NULL DEFAULT '[]';
