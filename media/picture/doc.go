// Package picture cleans uploaded pictures and fits copies to each
// platform. Cleaning decodes and re-encodes the picture, so nothing but
// pixels survives: EXIF (a phone photo's GPS position is personal data,
// R3), XMP, IPTC, comments. The EXIF orientation is applied first, so the
// picture still stands the right way up. It also reads QR codes, whose
// links are checked like links in a text.
package picture
