package sensitive

import (
	"strings"
	"unicode/utf8"
)

// Kinds of numbered address part. Buildings, units and rooms locate a
// household; floors do not, and a house number alone is usually an
// office's public address.
const (
	partHouse = iota
	partBuilding
	partUnit
	partRoom
	partFloor
)

var addrUnits = []struct {
	suffix string
	kind   int
}{{"号楼", partBuilding}, {"号院", partHouse}, {"栋", partBuilding}, {"幢", partBuilding}, {"单元", partUnit},
	{"室", partRoom}, {"户", partRoom}, {"号房", partRoom}, {"层", partFloor}, {"楼", partFloor}, {"号", partHouse}}

// homeWords before a number say that someone lives there; estateWords
// name a residential estate, whose house numbers are public but whose flats
// are not.
var (
	homeWords   = []string{"住址", "家住", "居住", "住在", "现住", "住所", "户籍地", "暂住"}
	estateWords = []string{"小区", "家属院", "家属楼", "公寓", "花园", "家园"}
	officeWords = []string{"政府", "局", "委员会", "中心", "办公", "大厦", "大楼", "会议室", "大厅", "机关", "法院", "检察院",
		"医院", "学校", "地点"}
)

// addrChain is what address reads: the numbered parts after a road or
// community name.
type addrChain struct {
	end    int
	parts  int
	dashed bool // 3-2-501 shorthand
	has    [partFloor + 1]bool
}

// address reads a chain of numbered address parts starting at i (18号院3号
// 楼2单元501室, 5栋302, 3-2-501) and reports it when it locates a
// household; the road or community before it stays readable.
func (p *piiScan) address(i int) (int, bool) {
	s := p.text
	if r, _ := utf8.DecodeLastRuneInString(s[:i]); strings.ContainsRune("〕]）)第", r) {
		return 0, false // a document or article number
	}
	c := readAddress(s, i)
	if c.parts == 0 {
		if c = readDashedFlat(s, i); c.parts == 0 {
			return 0, false
		}
	}
	if !c.personal(before(s, i, 16)) {
		return 0, false
	}
	p.add(i, c.end, PIIAddress, LevelBlock, "住址（门牌、楼栋、单元、房号）", starDigits(s[i:c.end]))
	return c.end, true
}

// personal decides from the chain and the text before it whether the
// address locates a household.
func (c addrChain) personal(ctx string) bool {
	located := c.has[partBuilding] || c.has[partUnit] || c.has[partRoom]
	home, estate := containsAny(ctx, homeWords...), containsAny(ctx, estateWords...)
	switch {
	case c.dashed:
		return home || estate
	case home:
		return located || c.has[partHouse]
	case estate:
		return located
	case c.has[partUnit]:
		return c.parts >= 2
	}
	return c.parts >= 2 && c.has[partRoom] && !containsAny(ctx, officeWords...)
}

// readAddress reads numbered parts; a bare 3–4 digit number right after a
// building or unit is a room (5栋302).
func readAddress(s string, i int) addrChain {
	c := addrChain{end: i}
	for c.parts < maxAddrParts {
		k := digitsEnd(s, c.end, true)
		if k == c.end {
			return c
		}
		kind, size := addrUnit(s, k)
		if size == 0 {
			if n := k - c.end; (c.has[partBuilding] || c.has[partUnit]) && n >= 3 && n <= 4 && !continuesNumber(s, k) {
				c.end, c.parts, c.has[partRoom] = k, c.parts+1, true
			}
			return c
		}
		c.end, c.parts, c.has[kind] = k+size, c.parts+1, true
	}
	return addrChain{} // longer than any address: a list, not a place
}

// maxAddrParts bounds a chain (号院, 号楼, 单元, 层, 室 and one spare), which
// also keeps reading linear in the text.
const maxAddrParts = 6

// readDashedFlat reads building-unit-room shorthand (3-2-501), used only
// where the text says someone lives there.
func readDashedFlat(s string, i int) addrChain {
	c := addrChain{end: i}
	j := i
	for n, limit := range []int{3, 2, 4} {
		k := digitsEnd(s, j, false)
		if k == j || k-j > limit || n == 2 && k-j < 3 {
			return c
		}
		j = k
		if n < 2 {
			if j >= len(s) || s[j] != '-' {
				return c
			}
			j++
		}
	}
	if continuesNumber(s, j) {
		return c
	}
	if kind, size := addrUnit(s, j); size > 0 && kind == partRoom {
		j += size
	}
	return addrChain{end: j, parts: 3, dashed: true}
}

// digitsEnd returns the end of the ASCII or full-width digits at i; with
// dashes, 1-2 style numbers are one part.
func digitsEnd(s string, i int, dashes bool) int {
	k := i
	for {
		if _, n := digitAt(s, k); n > 0 {
			k += n
		} else if dashes && k > i && k < len(s) && s[k] == '-' && isDigitAt(s, k+1) {
			k++
		} else {
			return k
		}
	}
}

func addrUnit(s string, k int) (kind, size int) {
	for _, u := range addrUnits {
		if strings.HasPrefix(s[k:], u.suffix) {
			return u.kind, len(u.suffix)
		}
	}
	return 0, 0
}

// continuesNumber reports a letter, digit, dot or counter right after a
// number, which makes it something other than a room number.
func continuesNumber(s string, k int) bool {
	if k >= len(s) {
		return false
	}
	if isAlnum(s[k]) || s[k] == '.' || s[k] == '-' {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[k:])
	return strings.ContainsRune(counters, r) && !strings.ContainsRune("室户", r)
}

// starDigits hides every digit, keeping the address's structure.
func starDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r >= '０' && r <= '９' {
			return '*'
		}
		return r
	}, s)
}
