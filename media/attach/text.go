package attach

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// readCSV reads a CSV table cell by cell, labelled by the header row as in
// a workbook; locations are spreadsheet cell names (C7).
func (d *Document) readCSV() error {
	recs, err := readRecords(d.raw)
	if err != nil {
		return unreadable("CSV", err)
	}
	var header []string
	for r, rec := range recs {
		for c, v := range rec {
			if v == "" {
				continue
			}
			name, _ := excelize.CoordinatesToCellName(c+1, r+1)
			seg := Segment{Location: name, Text: v, cell: name, index: r, field: c}
			if c < len(header) {
				seg.Label = header[c]
			}
			d.Segments = append(d.Segments, seg)
		}
		if header == nil && isHeader(rec) {
			header = rec
		}
	}
	return nil
}

func readRecords(b []byte) ([][]string, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var out [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
}

// readTXT reads a text line by line.
func (d *Document) readTXT() {
	for i, line := range strings.Split(string(bytes.TrimPrefix(d.raw, []byte("\xEF\xBB\xBF"))), "\n") {
		if strings.TrimSpace(line) != "" {
			d.Segments = append(d.Segments, Segment{Location: fmt.Sprintf("第 %d 行", i+1), Text: line, index: i})
		}
	}
}
