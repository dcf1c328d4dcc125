-- How the uploader acted (kl_dash.users.MODES: account, local, anonymous, sso, cli), beside
-- the name: an editor may undo only uploads made by the same name acting the same way, so an
-- account is not taken for a single sign-on address or a name typed in local mode.
-- NULL for uploads logged before this version (their owner is known by name only).
ALTER TABLE uploads ADD COLUMN uploaded_mode VARCHAR;
