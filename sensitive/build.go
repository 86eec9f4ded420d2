package sensitive

import "slices"

// keyed is one pattern's code sequence and index.
type keyed struct {
	key []int32
	pat int32
}

// builder lays a trie of sorted, distinct keys out as a double array (the
// darts construction: a node's children are placed at the first base where
// they all land on free slots).
type builder struct {
	m         *matcher
	keys      []keyed
	nextCheck int32
	scratch   []child // children of the nodes being placed, used as a stack
	order     []int32 // every non-root state, in placement order
	parent    []int32 // by state
	code      []int32 // by state: the code leading to it
}

type child struct {
	code   int32
	lo, hi int32
}

func (m *matcher) build(keys []keyed) {
	total := 0
	for _, k := range keys {
		total += len(k.key)
	}
	size := total + total/4 + 1024
	m.da, m.out, m.depth = make([]daNode, size), make([]int32, size), make([]uint16, size)
	b := &builder{m: m, keys: keys, nextCheck: 1, order: make([]int32, 0, total),
		parent: make([]int32, size), code: make([]int32, size)}
	m.da[0].check = -1 // the root is never free
	b.place(0, 0, 0, int32(len(keys)))
	b.links()
	maxDepth := 1
	for _, k := range keys {
		maxDepth = max(maxDepth, len(k.key))
	}
	m.ring = 1
	for m.ring < maxDepth+1 {
		m.ring <<= 1
	}
}

// place gives state s (the common prefix, of length depth, of keys[lo:hi])
// a base where all its children fit, then places each child.
func (b *builder) place(s int32, depth int, lo, hi int32) {
	mark := len(b.scratch)
	for i := lo; i < hi; {
		k := b.keys[i].key
		if len(k) == depth {
			b.m.out[s] = b.keys[i].pat + 1
			i++
			continue
		}
		c := k[depth]
		j := i + 1
		for j < hi && b.keys[j].key[depth] == c {
			j++
		}
		b.scratch = append(b.scratch, child{c, i, j})
		i = j
	}
	kids := b.scratch[mark:]
	if len(kids) == 0 {
		return
	}
	base := b.findBase(kids)
	b.m.da[s].base = base
	for _, k := range kids {
		t := base + k.code
		b.m.da[t].check = s + 1
		b.m.depth[t] = uint16(depth + 1)
		b.parent[t], b.code[t] = s, k.code
		b.order = append(b.order, t)
	}
	for i := range len(kids) {
		k := b.scratch[mark+i] // re-read: deeper calls may grow scratch
		b.place(base+k.code, depth+1, k.lo, k.hi)
	}
	b.scratch = b.scratch[:mark]
}

// findBase returns the first base at or after the free-slot cursor where
// every child code lands on a free slot, growing the arrays as needed.
func (b *builder) findBase(kids []child) int32 {
	first := true
	used := 0
	c0, cn := kids[0].code, kids[len(kids)-1].code
	for pos := max(b.nextCheck, c0+1) - 1; ; {
		pos++
		b.grow(pos + 1)
		if b.m.da[pos].check != 0 {
			used++
			continue
		}
		if first {
			b.nextCheck, first = pos, false
		}
		base := pos - c0
		b.grow(base + cn + 1)
		if b.fits(base, kids) {
			// Once the region behind the cursor is nearly full, move the
			// cursor on so later searches do not rescan it.
			if span := pos - b.nextCheck + 1; float64(used) >= 0.95*float64(span) {
				b.nextCheck = pos
			}
			return base
		}
	}
}

func (b *builder) fits(base int32, kids []child) bool {
	for _, k := range kids[1:] {
		if b.m.da[base+k.code].check != 0 {
			return false
		}
	}
	return true
}

func (b *builder) grow(n int32) {
	if int(n) <= len(b.m.da) {
		return
	}
	size := max(int(n), len(b.m.da)*3/2)
	m := b.m
	m.da = slices.Grow(m.da, size-len(m.da))[:size]
	m.out = slices.Grow(m.out, size-len(m.out))[:size]
	m.depth = slices.Grow(m.depth, size-len(m.depth))[:size]
	b.parent = slices.Grow(b.parent, size-len(b.parent))[:size]
	b.code = slices.Grow(b.code, size-len(b.code))[:size]
}

// links computes failure and output links breadth first: states sorted by
// depth (counting sort) so every parent's failure link is known first.
func (b *builder) links() {
	m := b.m
	var count [1 << 16]int32
	for _, s := range b.order {
		count[m.depth[s]]++
	}
	for d, sum := 0, int32(0); d < len(count); d++ {
		count[d], sum = sum, sum+count[d]
	}
	bfs := make([]int32, len(b.order))
	for _, s := range b.order {
		bfs[count[m.depth[s]]] = s
		count[m.depth[s]]++
	}
	for _, s := range bfs {
		b.link(s)
	}
	n := len(m.da)
	for n > 1 && m.da[n-1].check == 0 {
		n--
	}
	m.da, m.out, m.depth = m.da[:n:n], m.out[:n:n], m.depth[:n:n]
}

// link sets the failure and output links of s (children of the root fail
// to the root, which is the zero value).
func (b *builder) link(s int32) {
	m := b.m
	if m.depth[s] > 1 {
		c := b.code[s]
		for f := m.da[b.parent[s]].fail; ; f = m.da[f].fail {
			if t := m.step(f, c); t > 0 {
				m.da[s].fail = t
				break
			}
			if f == 0 {
				break
			}
		}
	}
	if m.out[s] != 0 {
		m.da[s].emit = s
	} else {
		m.da[s].emit = m.da[m.da[s].fail].emit
	}
}
