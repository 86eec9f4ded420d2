// Package spreadsheet keeps text that Tongfa exports to CSV files and Excel
// workbooks from running as a formula when an operator opens the file
// (OWASP "CSV injection"): unit, account and item names are typed by
// people, and a name such as =HYPERLINK(…) would otherwise become a live
// formula in Excel or WPS. Every CSV and xlsx writer passes its text cells
// through Escape; numbers stay numbers and are never escaped.
package spreadsheet

import "strings"

// triggers are the first characters that make spreadsheet programs read a
// cell as a formula or split it: = + - @, tab and carriage return.
const triggers = "=+-@\t\r"

// Escape returns s with a single quote in front when s starts with one of
// the triggers, as OWASP advises; spreadsheet programs then show the text
// as typed. Other text is returned unchanged.
func Escape(s string) string {
	if s != "" && strings.IndexByte(triggers, s[0]) >= 0 {
		return "'" + s
	}
	return s
}
