// Package review owns the tier policy and the sign-off state machine (R1):
// which tier an item needs and why, who may sign each level, and the one
// function through which an item moves between draft, review and approval.
package review
