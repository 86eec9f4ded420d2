// Package attach reads the text of attachments (xlsx, docx, pdf, csv, txt)
// piece by piece, checks every piece with the same sensitive.Checker as an
// item's body, so personal data in a 公示名单 blocks exactly as it would in
// the text, and writes masked copies of the formats whose text can be
// rewritten in place without disturbing the rest of the file.
package attach
