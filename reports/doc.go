// Package reports computes the assessment figures supervising offices
// judge government new media by (R12) — publishing, update frequency,
// original ratio, urgent and reply compliance, sign-off turnaround,
// delivery failures and patrol findings — for any period and scope, from
// the store's records, and exports them as CSV and Excel workbooks.
package reports
