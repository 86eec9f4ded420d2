// Package audit keeps signed checkpoints of the audit chain outside the
// database — appended to a file and sent to the top units' group robots —
// and reads them back for `tongfa audit verify --checkpoint`.
package audit
