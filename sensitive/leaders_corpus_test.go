package sensitive

import (
	"context"
	"testing"
)

// TestLeadersCorpus scores the leader checks on labelled sentences
// (testdata/leaders_corpus.tsv, each judged as of its own date against
// testdata/leaders.tsv, most of them with nothing to report): a finding
// is correct when its category and original text match a label.
func TestLeadersCorpus(t *testing.T) {
	c, l := NewDefault(), testLeaders(t)
	var s score
	for _, line := range corpusLines(t, "testdata/leaders_corpus.tsv") {
		if len(line) != 3 {
			t.Fatalf("%q: want date, text and labels", line)
		}
		rep := c.Check(context.Background(), line[1], Options{Leaders: l, On: day(t, line[0])})
		var got []string
		for _, fd := range rep.Findings {
			if fd.Kind == KindLeader {
				got = append(got, fd.Category+"="+fd.Text)
			}
		}
		s.add(t, line[1], line[2], got)
	}
	s.check(t, 150)
}
