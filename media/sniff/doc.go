// Package sniff decides what a file is from its bytes, never from its
// name: a name is typed by whoever uploads it, the bytes are what a
// platform and a reader's device will interpret. Only the types Tongfa can
// clean or check are accepted; everything else is refused with a reason an
// operator can act on.
package sniff
