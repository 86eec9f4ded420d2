-- An administrator's password reset (issue 22, point 9): the temporary
-- password shown once must be replaced at the next sign-in, before
-- anything else.
ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;
