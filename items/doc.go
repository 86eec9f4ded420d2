// Package items composes and revises items: it validates and sanitizes what
// editors send, enforces who may write where, and stores each save as a new
// immutable version.
package items
