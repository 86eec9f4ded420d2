package web

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// diffOp is one run of a text diff: -1 removed, 0 kept, 1 inserted.
type diffOp struct {
	Op   int
	Text string
}

// maxDiffCells bounds the LCS table; longer texts are compared by line.
const maxDiffCells = 4_000_000

// textDiff compares two plain texts token by token: each Han character
// (or other non-space, non-letter rune) is a token, a run of letters or
// digits is a token, so Chinese edits show at character level.
func textDiff(a, b string) []diffOp {
	ta, tb := tokens(a), tokens(b)
	if len(ta)*len(tb) > maxDiffCells {
		ta, tb = strings.SplitAfter(a, "\n"), strings.SplitAfter(b, "\n")
		if len(ta)*len(tb) > maxDiffCells {
			return []diffOp{{-1, a}, {1, b}}
		}
	}
	return merge(lcsDiff(ta, tb))
}

func tokens(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		j := i + n
		if isWordRune(r) && r < unicode.MaxLatin1 {
			for j < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[j:])
				if !isWordRune(r2) || r2 >= unicode.MaxLatin1 {
					break
				}
				j += n2
			}
		}
		out = append(out, s[i:j])
		i = j
	}
	return out
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// lcsDiff is the classic dynamic-programming diff.
func lcsDiff(a, b []string) []diffOp {
	n, m := len(a), len(b)
	t := make([][]int32, n+1)
	for i := range t {
		t[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				t[i][j] = t[i+1][j+1] + 1
			} else {
				t[i][j] = max(t[i+1][j], t[i][j+1])
			}
		}
	}
	var out []diffOp
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			out = append(out, diffOp{0, a[i]})
			i, j = i+1, j+1
		case t[i+1][j] >= t[i][j+1]:
			out = append(out, diffOp{-1, a[i]})
			i++
		default:
			out = append(out, diffOp{1, b[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, diffOp{-1, a[i]})
	}
	for ; j < m; j++ {
		out = append(out, diffOp{1, b[j]})
	}
	return out
}

// merge joins adjacent runs of the same kind.
func merge(ops []diffOp) []diffOp {
	var out []diffOp
	for _, o := range ops {
		if k := len(out); k > 0 && out[k-1].Op == o.Op {
			out[k-1].Text += o.Text
			continue
		}
		out = append(out, o)
	}
	return out
}

// changed reports whether a diff has any insertion or removal.
func changed(ops []diffOp) bool {
	for _, o := range ops {
		if o.Op != 0 {
			return true
		}
	}
	return false
}
