// Package media fetches the images that content refers to (a cover, an
// <img src>) for connectors that must re-host them, without letting an
// editor's URL make the worker read internal services: only http(s), no
// internal addresses unless an administrator allows the host, checked on
// every connection it makes, with bounded redirects, size and time.
package media
