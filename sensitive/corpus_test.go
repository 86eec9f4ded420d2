package sensitive

import (
	"bufio"
	"context"
	"os"
	"strings"
	"testing"
)

// corpusLines reads a labelled corpus: its lines that are neither blank
// nor # comments, split on tabs.
func corpusLines(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if !strings.HasPrefix(sc.Text(), "#") && sc.Text() != "" {
			lines = append(lines, strings.Split(sc.Text(), "\t"))
		}
	}
	return lines
}

// score counts findings against labels, sentence by sentence.
type score struct{ tp, fp, fn, sentences, clean int }

// add scores one sentence: labels are category=text separated by ;, got
// the findings in the same form.
func (s *score) add(t *testing.T, text, labels string, got []string) {
	t.Helper()
	want := map[string]bool{}
	for _, l := range strings.Split(labels, ";") {
		if l != "" {
			want[l] = true
		}
	}
	s.sentences++
	if len(want) == 0 {
		s.clean++
	}
	for _, key := range got {
		if want[key] {
			s.tp++
			delete(want, key)
		} else {
			s.fp++
			t.Logf("false positive %s in %q", key, text)
		}
	}
	for l := range want {
		s.fn++
		t.Logf("missed %s in %q", l, text)
	}
}

// check logs precision and recall and fails below 0.97/0.95, or when the
// corpus is smaller than least sentences or less than half clean.
func (s *score) check(t *testing.T, least int) {
	t.Helper()
	if s.sentences < least || s.clean*2 < s.sentences {
		t.Fatalf("corpus has %d sentences, %d clean: want at least %d, half clean", s.sentences, s.clean, least)
	}
	precision := float64(s.tp) / float64(s.tp+s.fp)
	recall := float64(s.tp) / float64(s.tp+s.fn)
	t.Logf("%d sentences (%d clean): precision %.4f, recall %.4f (tp %d, fp %d, fn %d)",
		s.sentences, s.clean, precision, recall, s.tp, s.fp, s.fn)
	if precision < 0.97 || recall < 0.95 {
		t.Fatalf("precision %.4f (want ≥ 0.97), recall %.4f (want ≥ 0.95)", precision, recall)
	}
}

// TestPIICorpus scores the personal-data detectors on a labelled corpus of
// government-notice sentences (testdata/pii_corpus.tsv, more than half of
// them without personal data): a finding counts as correct when its
// category and original text match a label. Public phones and mailboxes
// are notices, not personal data, and are not scored.
func TestPIICorpus(t *testing.T) {
	c := NewDefault()
	var s score
	for _, line := range corpusLines(t, "testdata/pii_corpus.tsv") {
		text, labels := line[0], ""
		if len(line) > 1 {
			labels = line[1]
		}
		var got []string
		for _, fd := range c.Check(context.Background(), text, Options{}).Findings {
			if fd.Kind == KindPII && !strings.HasPrefix(fd.Category, "public_") {
				got = append(got, fd.Category+"="+fd.Text)
			}
		}
		s.add(t, text, labels, got)
	}
	s.check(t, 300)
}

// TestEvasionCorpus checks the Latin-letter and digit evasions of
// testdata/evasion_corpus.tsv: each line's findings, exactly, with their
// original text.
func TestEvasionCorpus(t *testing.T) {
	c, err := New(DefaultNormalization, dictOf(t, testDict+"falun\tcustom\tblock\ngoogle\tcustom\treview\n"))
	if err != nil {
		t.Fatal(err)
	}
	lines := corpusLines(t, "testdata/evasion_corpus.tsv")
	for _, line := range lines {
		text, want := line[0], ""
		if len(line) > 1 {
			want = line[1]
		}
		var got []string
		for _, fd := range c.Scan(text) {
			if text[fd.Start:fd.End] != fd.Text {
				t.Errorf("%q: offsets %d-%d, text %q", text, fd.Start, fd.End, fd.Text)
			}
			got = append(got, fd.Rule+"="+fd.Text)
		}
		if strings.Join(got, ";") != want {
			t.Errorf("%q: got %q, want %q", text, strings.Join(got, ";"), want)
		}
	}
	if len(lines) < 30 {
		t.Fatalf("only %d lines", len(lines))
	}
}
