package sensitive

import (
	"strings"
	"unicode/utf8"
)

func isDigitAt(s string, i int) bool { return i < len(s) && s[i] >= '0' && s[i] <= '9' }

// isFullDigitAt reports a full-width digit (U+FF10–FF19, EF BC 90–99).
func isFullDigitAt(s string, i int) bool {
	return i+2 < len(s) && s[i] == 0xEF && s[i+1] == 0xBC && s[i+2] >= 0x90 && s[i+2] <= 0x99
}

// digitAt returns the digit at byte i (ASCII or full-width) and its size.
func digitAt(s string, i int) (byte, int) {
	if isDigitAt(s, i) {
		return s[i], 1
	}
	if isFullDigitAt(s, i) {
		return '0' + s[i+2] - 0x90, 3
	}
	return 0, 0
}

// numToken is a run of digits, possibly grouped by single separators
// (138 1234 5678, 6222-0212-…), as the detectors see it.
type numToken struct {
	start, end int
	digits     string // ASCII digits only
	plus       bool   // began with +
	long       bool   // stopped after maxDigits digits: no single number
}

// maxDigits bounds a token: nothing the detectors know is longer (a
// 19-digit card, a mobile with 0086), and the bound keeps splitting linear.
const maxDigits = 24

// isSep reports a separator allowed between digit groups.
func isSep(s string, i int) (bool, int) {
	switch {
	case i < len(s) && (s[i] == ' ' || s[i] == '-'):
		return true, 1
	case strings.HasPrefix(s[i:], "－"), strings.HasPrefix(s[i:], "　"):
		return true, 3
	}
	return false, 0
}

// readNumber reads the token starting at byte i.
func readNumber(s string, i int) numToken {
	t := numToken{start: i}
	if s[i] == '+' {
		t.plus = true
		i++
	}
	var b strings.Builder
	for i < len(s) {
		if d, n := digitAt(s, i); n > 0 {
			if b.Len() == maxDigits {
				t.long = true // stop: the rest is read as further tokens
				break
			}
			b.WriteByte(d)
			i += n
			continue
		}
		if ok, n := isSep(s, i); ok && b.Len() > 0 {
			if _, m := digitAt(s, i+n); m > 0 {
				i += n
				continue
			}
		}
		break
	}
	if b.Len() == 17 {
		if n := idCheckX(s, i); n > 0 {
			b.WriteByte('X')
			i += n
		}
	}
	t.end, t.digits = i, b.String()
	return t
}

// idCheckX returns the size of an ID's X check character at i (X, x or
// full-width Ｘ), or 0.
func idCheckX(s string, i int) int {
	switch {
	case i < len(s) && (s[i] == 'X' || s[i] == 'x'):
		return 1
	case strings.HasPrefix(s[i:], "Ｘ"), strings.HasPrefix(s[i:], "ｘ"):
		return len("Ｘ")
	}
	return 0
}

// number classifies the digit token at i and returns where scanning
// resumes, always past i.
func (p *piiScan) number(i int) int {
	return max(p.numberAt(i), i+1)
}

func (p *piiScan) numberAt(i int) int {
	s := p.text
	if i > 0 {
		if r, _ := utf8.DecodeLastRuneInString(s[:i]); r < utf8.RuneSelf && (isAlnum(byte(r)) || r == '.' || r == '/') {
			return skipNumber(s, i) // inside a code, version or index number
		}
	}
	if q, ok := p.ipv4(i); ok {
		return q
	}
	if q, ok := p.address(i); ok {
		return q
	}
	t := readNumber(s, i)
	if t.end < len(s) && isAlnum(s[t.end]) || t.end < len(s) && (s[t.end] == '/' || s[t.end] == '.' && isDigitAt(s, t.end+1)) {
		return skipNumber(s, t.end) // part of an index number, code or decimal
	}
	if !t.long && p.classify(t) {
		return t.end
	}
	return p.splitNumber(t)
}

// splitNumber retries a token that is nothing as a whole but was joined
// across separators (电话0392-3311234 13812342345): the longest leading
// groups that are something are reported and scanning resumes after them;
// when none are, it resumes after the first group, so a number later in
// the run is still seen.
func (p *piiScan) splitNumber(t numToken) int {
	s := p.text
	for cut := t.end - 1; cut > t.start && !t.long; cut-- {
		if ok, _ := isSep(s, cut); !ok || !utf8.RuneStart(s[cut]) {
			continue
		}
		if left := readNumber(s[:cut], t.start); p.classify(left) {
			return cut
		}
	}
	i := t.start
	if s[i] == '+' {
		i++
	}
	for i < t.end {
		_, n := digitAt(s, i)
		if n == 0 {
			break
		}
		i += n
	}
	return max(i, t.start+1)
}

func skipNumber(s string, i int) int {
	for i < len(s) && (isAlnum(s[i]) || s[i] == '.' || s[i] == '/' || s[i] == '-') {
		i++
	}
	return i
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// classify reports the token as whatever it is and says whether it was
// anything.
func (p *piiScan) classify(t numToken) bool {
	d := t.digits
	ctx := before(p.text, t.start, 12)
	if containsAny(ctx, codeLabels...) {
		return true // organisation codes may look like IDs or cards but are public
	}
	switch {
	case p.contacts.has(d, t.plus):
		p.add(t.start, t.end, PIIUnitContact, LevelNotice, RuleUnitContact, "")
	case len(d) == 18 && validID(d):
		p.add(t.start, t.end, PIIIDCard, LevelBlock, "18 位居民身份证号（GB 11643 校验位、出生日期、地区码均有效）", maskDigits(p.text[t.start:t.end], 6, 4))
	case len(d) == 15 && containsAny(ctx, "身份证", "公民身份号码") && validOldID(d):
		p.add(t.start, t.end, PIIIDCardOld, LevelBlock, "标注为身份证的 15 位旧身份证号", maskDigits(p.text[t.start:t.end], 6, 3))
	case isMobile(d, t.plus):
		p.add(t.start, t.end, PIIMobile, LevelBlock, "手机号码（号段有效）；本单位对外公开的号码由单位管理员加入「本单位公开电话」后不再报告", maskMobile(p.text[t.start:t.end]))
	case len(d) >= 16 && len(d) <= 19 && luhn(d) && (cardPrefix(d) || containsAny(ctx, "卡号", "银行卡", "账号", "帐号", "开户")):
		p.add(t.start, t.end, PIIBankCard, LevelBlock, "银行卡号（Luhn 校验有效）", maskDigits(p.text[t.start:t.end], 4, 4))
	case isPublicPhone(d, ctx) && !countedAfter(p.text, t.end):
		p.add(t.start, t.end, PIIPublicPhone, LevelNotice, "办公电话或服务热线，政务公开可保留", "")
	default:
		return false
	}
	return true
}

// provinces are the first two digits of valid region codes (GB/T 2260).
var provinces = map[string]bool{"11": true, "12": true, "13": true, "14": true, "15": true, "21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true, "41": true, "42": true, "43": true,
	"44": true, "45": true, "46": true, "50": true, "51": true, "52": true, "53": true, "54": true, "61": true, "62": true,
	"63": true, "64": true, "65": true, "71": true, "81": true, "82": true}

// validID checks an 18-character resident ID: region, a real birth date
// and the GB 11643 check digit.
func validID(d string) bool {
	if !provinces[d[:2]] || d[2:4] == "00" || !validDate(d[6:14]) {
		return false
	}
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(d[i]-'0') * w
	}
	return "10X98765432"[sum%11] == d[17]
}

// validOldID checks a 15-digit ID: region and a 19yy birth date.
func validOldID(d string) bool {
	return provinces[d[:2]] && validDate("19"+d[6:12])
}

// validDate checks YYYYMMDD between 1900 and 2099.
func validDate(s string) bool {
	y := atoi(s[:4])
	m, d := atoi(s[4:6]), atoi(s[6:8])
	if y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1 {
		return false
	}
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	if m == 2 && (y%4 == 0 && y%100 != 0 || y%400 == 0) {
		return d <= 29
	}
	return d <= days[m]
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// isMobile accepts 11-digit numbers on the mainland's mobile ranges, with
// an optional 86 / 0086 country code.
func isMobile(d string, plus bool) bool {
	switch {
	case len(d) == 13 && d[:2] == "86":
		d = d[2:]
	case len(d) == 15 && d[:4] == "0086":
		d = d[4:]
	case plus:
		return false
	}
	if len(d) != 11 || d[0] != '1' {
		return false
	}
	switch d[1] {
	case '3', '5', '7', '8', '9':
		return true
	case '4':
		return d[2] == '5' || d[2] == '7' || d[2] == '9'
	case '6':
		return d[2] == '2' || d[2] == '5' || d[2] == '6' || d[2] == '7'
	}
	return false
}

// maskMobile keeps the first three and last four digits of the number
// itself (a country code in front stays), separators kept.
func maskMobile(s string) string {
	n := countDigits(s)
	return maskDigits(s, n-11+3, 4)
}

// maskDigits stars every digit but the first keep and the last tail,
// leaving separators in place; an ID's final X counts as a digit.
func maskDigits(s string, keep, tail int) string {
	total := countDigits(s)
	rs := []rune(s)
	k := 0
	for i, r := range rs {
		if !isDigitRune(r) {
			continue
		}
		if k >= keep && k < total-tail {
			rs[i] = '*'
		}
		k++
	}
	return string(rs)
}

func isDigitRune(r rune) bool {
	return r >= '0' && r <= '9' || r >= '０' && r <= '９' || r == 'X' || r == 'x' || r == 'Ｘ' || r == 'ｘ'
}

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if isDigitRune(r) {
			n++
		}
	}
	return n
}

func luhn(d string) bool {
	sum := 0
	for i := range len(d) {
		n := int(d[len(d)-1-i] - '0')
		if i%2 == 1 {
			if n *= 2; n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return sum%10 == 0
}

// cardPrefix accepts UnionPay (62), Visa (4), Mastercard (51–55, 22–27),
// JCB (35) and American Express (34, 37) numbers.
func cardPrefix(d string) bool {
	switch d[0] {
	case '4':
		return true
	case '5':
		return d[1] >= '1' && d[1] <= '5'
	case '6':
		return d[1] == '2'
	case '3':
		return d[1] == '4' || d[1] == '5' || d[1] == '7'
	case '2':
		return d[1] >= '2' && d[1] <= '7'
	}
	return false
}

// codeLabels introduce organisation identifiers, which are not personal.
var codeLabels = []string{"信用代码", "组织机构代码", "纳税人识别号", "税号", "注册号"}

// counters follow a number that counts or numbers something (〔2019〕119号,
// 110条, 12345元): such a number is not a telephone number.
const counters = "号条款项章节年月日时分秒元角万亿千百人个家件次期届批余多名位所台辆套张页份米吨亩岁天周级类种户栋层室%％"

// countedAfter reports whether a counter follows byte end.
func countedAfter(s string, end int) bool {
	r, _ := utf8.DecodeRuneInString(s[end:])
	return end < len(s) && strings.ContainsRune(counters, r)
}

var hotlines = map[string]bool{"110": true, "119": true, "120": true, "122": true, "12345": true, "12315": true, "12306": true,
	"12388": true, "12319": true, "12369": true, "12320": true, "12333": true, "12366": true, "12358": true, "12348": true,
	"12338": true, "12351": true, "12365": true, "12310": true, "12350": true, "12123": true, "12328": true, "12321": true}

// isPublicPhone recognises office landlines (with area code, or labelled)
// and service hotlines.
func isPublicPhone(d, ctx string) bool {
	switch {
	case hotlines[d]:
		return true
	case len(d) == 10 && (strings.HasPrefix(d, "400") || strings.HasPrefix(d, "800")):
		return true
	case d[0] == '0' && len(d) >= 10 && len(d) <= 12 && d[1] != '0':
		return true
	case len(d) >= 7 && len(d) <= 8 && d[0] != '0' && containsAny(ctx, "电话", "热线", "传真", "咨询", "联系方式", "举报"):
		return true
	}
	return false
}
