// Package tongfa holds the domain of the publishing hub: items and their
// immutable versions, sign-off tiers, roles, channel accounts, deliveries and
// the error codes every layer shares. It imports no infrastructure.
package tongfa
