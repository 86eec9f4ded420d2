package sensitive

import (
	"bufio"
	"context"
	"os"
	"strings"
	"testing"
)

// TestPIICorpus scores the personal-data detectors on a labelled corpus of
// government-notice sentences (testdata/pii_corpus.tsv, more than half of
// them without personal data): a finding counts as correct when its
// category and original text match a label. Public phones and mailboxes
// are notices, not personal data, and are not scored.
func TestPIICorpus(t *testing.T) {
	f, err := os.Open("testdata/pii_corpus.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c := NewDefault()
	var tp, fp, fn, sentences, clean int
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		text, labels, _ := strings.Cut(line, "\t")
		sentences++
		want := map[string]bool{}
		for _, l := range strings.Split(labels, ";") {
			if l != "" {
				want[l] = true
			}
		}
		if len(want) == 0 {
			clean++
		}
		for _, fd := range c.Check(context.Background(), text, Options{}).Findings {
			if fd.Kind != "pii" || strings.HasPrefix(fd.Category, "public_") {
				continue
			}
			if key := fd.Category + "=" + fd.Text; want[key] {
				tp++
				delete(want, key)
			} else {
				fp++
				t.Logf("false positive %s in %q", key, text)
			}
		}
		for l := range want {
			fn++
			t.Logf("missed %s in %q", l, text)
		}
	}
	if sentences < 300 || clean*2 < sentences {
		t.Fatalf("corpus has %d sentences, %d clean: want at least 300, half clean", sentences, clean)
	}
	precision := float64(tp) / float64(tp+fp)
	recall := float64(tp) / float64(tp+fn)
	t.Logf("%d sentences: precision %.4f, recall %.4f (tp %d, fp %d, fn %d)", sentences, precision, recall, tp, fp, fn)
	if precision < 0.97 || recall < 0.95 {
		t.Fatalf("precision %.4f (want ≥ 0.97), recall %.4f (want ≥ 0.95)", precision, recall)
	}
}

// TestEvasionCorpus checks the Latin-letter and digit evasions of
// testdata/evasion_corpus.tsv: each line's findings, exactly, with their
// original text.
func TestEvasionCorpus(t *testing.T) {
	c, err := New(DefaultNormalization, dictOf(t, testDict+"falun\tcustom\tblock\ngoogle\tcustom\treview\n"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("testdata/evasion_corpus.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	lines := 0
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") || sc.Text() == "" {
			continue
		}
		lines++
		text, want, _ := strings.Cut(sc.Text(), "\t")
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
	if lines < 30 {
		t.Fatalf("only %d lines", lines)
	}
}
