package store

// SetListMergeRows changes the bound of ListItems' unit-by-unit reading
// for a test (0: never; a large number: always) and restores it at the end.
func SetListMergeRows(n int) (restore func()) {
	old := listMergeRows
	listMergeRows = n
	return func() { listMergeRows = old }
}
