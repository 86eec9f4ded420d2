package sensitive

// This file is the step of a second automaton walked beside the
// dictionary in scanWith's loop (a leaders table's names and titles). It
// is the dictionary's step, out of line; TestWalkAgrees and
// FuzzWalkAgrees hold the two to the same hits.

// walk is one automaton's way through a text: its state, the byte
// offsets of the most recent matched runes (a ring as long as the deepest
// pattern, kept counting them), and the current run of skipped noise
// (gap, which starts afresh once a rune has been kept since gapAt).
type walk struct {
	s, kept, mask int32
	gap, gapAt    int32
	da            []daNode // the matcher's, copied so a step reads them directly
	bmp           []int32
	starts        []int
	m             *matcher
	emit          func(hit)
}

func (m *matcher) walk(emit func(hit)) *walk {
	return &walk{m: m, emit: emit, da: m.da, bmp: m.bmp[:0x10000], starts: make([]int, m.ring), mask: int32(m.ring - 1)}
}

// idle reports whether r leaves the walk at the root: no pattern has it.
// Most runes are idle for a leaders table, and skipping them is safe: the
// ring and the noise run only matter once a pattern has begun.
func (w *walk) idle(r rune) bool {
	return w.s == 0 && r <= 0xFFFF && w.bmp[r]&^noiseBit == 0
}

// read takes the rune r at text[at:end].
func (w *walk) read(r rune, at, end int) {
	if !w.advance(r, at) {
		w.feed(r, at, end)
	} else if w.da[w.s].emit != 0 {
		w.output(end)
	}
}

// advance takes the common steps inline and reports whether it did: a
// rune no pattern has while at the root (most runes, for a small
// automaton; the ring and the noise run only matter once a pattern has
// begun), or a plain transition (the caller then reports any output).
// feed takes every other step. A noise code is out of range of the array,
// so noise goes to feed; a repeated letter with a child is simply read.
func (w *walk) advance(r rune, at int) bool {
	if r > 0xFFFF {
		return false
	}
	c := w.bmp[r]
	if t := w.da[w.s].base + c; uint(t) < uint(len(w.da)) && w.da[t].check == w.s+1 {
		w.s = t
		w.starts[w.kept&w.mask] = at
		w.kept++
		return true
	}
	return w.s|c&^noiseBit == 0
}

// feed reads the rune r at text[at:end] when advance cannot: noise,
// repeated letters, failure links and output. It is scanWith's step for a
// second automaton.
func (w *walk) feed(r rune, at, end int) {
	da := w.da
	var c int32
	if r < 0x10000 {
		c = w.bmp[r]
	} else {
		c = w.m.codeOf(r)
	}
	switch {
	case c&noiseBit != 0:
		c &^= noiseBit
		if t := da[w.s].base + c; c != 0 && uint(t) < uint(len(da)) && da[t].check == w.s+1 {
			w.s = t // the pattern itself contains this symbol
			break
		}
		if w.gapAt != w.kept {
			w.gap, w.gapAt = 0, w.kept
		}
		if w.gap++; w.gap > MaxNoise {
			w.s = 0
		}
		return
	case c == 0:
		w.s = 0
	default:
		s := w.s
		for {
			if t := da[s].base + c; uint(t) < uint(len(da)) && da[t].check == s+1 {
				s = t
				break
			}
			if s == 0 {
				break
			}
			if s == w.s && w.m.repeat[c] && w.m.codeInto(s) == c {
				return // a letter repeated to break a word: read it once
			}
			s = da[s].fail
		}
		w.s = s
	}
	w.starts[w.kept&w.mask] = at
	w.kept++
	w.output(end)
}

// output reports the patterns ending at the current state, at byte end:
// the state's own and those along its output links.
func (w *walk) output(end int) {
	da := w.da
	for o := da[w.s].emit; o != 0; o = da[da[o].fail].emit {
		w.emit(hit{pat: w.m.out[o] - 1, start: w.starts[(w.kept-int32(w.m.depth[o]))&w.mask], end: end})
	}
}

// codeInto is the code read last to reach state s (not the root): the
// distance from its parent's base.
func (m *matcher) codeInto(s int32) int32 { return s - m.da[m.da[s].check-1].base }
