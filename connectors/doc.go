// Package connectors defines how Tongfa talks to publishing platforms: one
// small interface every platform package implements, the error classes the
// queue turns into retry decisions, and the checkpoints that make a retried
// publish resume instead of repeat.
package connectors
