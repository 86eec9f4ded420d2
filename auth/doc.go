// Package auth holds the credential primitives: argon2id password hashes,
// API tokens stored only as hashes, and CSRF tokens.
package auth
