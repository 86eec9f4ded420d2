// Package stats collects what posts achieved on every platform — reads,
// likes, 在看, shares, comments and followers — as daily series in
// PostgreSQL (Collector), serves them per item and per account (Service),
// and computes the WCI and BCI indices rankings publish from them.
package stats
