// Package bench compares Tongfa's matcher with other Go Aho–Corasick
// libraries on the same dictionaries and text. It is a module of its own so
// the peers never enter Tongfa's dependencies.
//
//	cd bench && go test -run '^$' -bench . -benchtime 5x
package bench
