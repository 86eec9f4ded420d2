// Package media keeps the pictures, attachments and videos that items use:
// cleaned on the way in, stored by the SHA-256 of their bytes, visible to
// the units that uploaded them, fitted to each platform on demand, and
// checked and masked like the text of an item (R3).
package media
