// Package web is Tongfa's HTTP surface: the JSON API under /api/v1 (gorilla/mux),
// authentication by session cookie or bearer token, operations endpoints,
// and the operator console.
package web
