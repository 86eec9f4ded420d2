package sensitive

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// ipv4 reads a dotted quad at i. Section numbers like 6.3.1.4 are not
// addresses: one needs an "IP" label nearby or an octet of two digits or
// more in first place.
func (p *piiScan) ipv4(i int) (int, bool) {
	s := p.text
	j, parts := i, 0
	var first int
	for parts < 4 {
		k := j
		for k < len(s) && k-j < 3 && isDigitAt(s, k) {
			k++
		}
		if k == j || atoi(s[j:k]) > 255 {
			return 0, false
		}
		if parts == 0 {
			first = atoi(s[j:k])
		}
		parts++
		j = k
		if parts < 4 {
			if j >= len(s) || s[j] != '.' {
				return 0, false
			}
			j++
		}
	}
	if j < len(s) && (isAlnum(s[j]) || s[j] == '.') {
		return 0, false
	}
	if first < 10 && !containsAny(strings.ToUpper(before(s, i, 10)), "IP") {
		return j, true // a section number: skip it whole
	}
	octets := strings.Split(s[i:j], ".")
	p.add(i, j, PIIIPv4, LevelReview, "IPv4 地址", octets[0]+"."+octets[1]+".*.*")
	return j, true
}

// email reports the address around the @ at i. Government mailboxes are
// public contact points.
func (p *piiScan) email(at int) {
	s := p.text
	i := at
	for i > 0 && isLocalChar(s[i-1]) {
		i--
	}
	j := at + 1
	for j < len(s) && (isAlnum(s[j]) || s[j] == '-' || s[j] == '.') {
		j++
	}
	for j > at+1 && s[j-1] == '.' {
		j--
	}
	domain := s[at+1 : j]
	dot := strings.LastIndexByte(domain, '.')
	if i == at || dot < 1 || len(domain)-dot-1 < 2 {
		return
	}
	if d := strings.ToLower(domain); strings.HasSuffix(d, ".gov.cn") || strings.HasSuffix(d, ".gov") {
		p.add(i, j, PIIPublicEmail, LevelNotice, "政府机关公开邮箱", "")
		return
	}
	p.add(i, j, PIIEmail, LevelBlock, "电子邮箱", s[i:i+1]+"***"+s[at:j])
}

func isLocalChar(c byte) bool { return isAlnum(c) || strings.IndexByte("._%+-", c) >= 0 }

// plateProvinces are the one-character province abbreviations that begin a
// licence plate.
const plateProvinces = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"

// letters looks at an uppercase ASCII letter: the second character of a
// licence plate, or the start of a passport number.
func (p *piiScan) letters(i int) int {
	s := p.text
	if prov, size := utf8.DecodeLastRuneInString(s[:i]); size > 1 && strings.ContainsRune(plateProvinces, prov) {
		if end, ok := plateEnd(s, i+1); ok {
			start := i - size
			p.add(start, end, PIIPlate, LevelBlock, "机动车号牌", plateMask(s[start:end]))
			return end
		}
	}
	if end, ok := passportEnd(s, i); ok {
		p.add(i, end, PIIPassport, LevelBlock, "护照或出入境证件号码（有证件标注）", maskRunes(s[i:end], 2, 2))
		return end
	}
	for i < len(s) && isAlnum(s[i]) {
		i++
	}
	return i
}

// plateEnd reads the 5 (or 6, new energy) characters after the plate's
// letter, allowing a middle dot or space, with at least two digits.
func plateEnd(s string, i int) (int, bool) {
	if strings.HasPrefix(s[i:], "·") {
		i += len("·")
	} else if i < len(s) && s[i] == ' ' {
		i++
	}
	n, digits := 0, 0
	for i < len(s) && n < 6 && (isDigitAt(s, i) || s[i] >= 'A' && s[i] <= 'Z' && s[i] != 'I' && s[i] != 'O') {
		if isDigitAt(s, i) {
			digits++
		}
		i++
		n++
	}
	if (n == 5 || n == 6) && digits >= 2 && (i >= len(s) || !isAlnum(s[i])) {
		return i, true
	}
	return 0, false
}

func plateMask(s string) string {
	rs := []rune(s)
	for k := 2; k < len(rs)-2; k++ {
		if rs[k] != '·' && rs[k] != ' ' {
			rs[k] = '*'
		}
	}
	return string(rs)
}

// passportLabels name a travel document; its number is only recognised
// next to one, since letter-and-digit codes are everywhere (型号E12345678).
var passportLabels = []string{"护照", "通行证", "旅行证", "签证", "回乡证", "台胞证", "证件号"}

// passportEnd accepts one or two capital letters and 7–9 digits (E12345678,
// EA1234567, G12345678, C12345678) standing alone after a label.
func passportEnd(s string, i int) (int, bool) {
	if i > 0 && isAlnum(s[i-1]) {
		return 0, false
	}
	j := i + 1
	if j < len(s) && s[j] >= 'A' && s[j] <= 'Z' {
		j++
	}
	k := j
	for k < len(s) && isDigitAt(s, k) {
		k++
	}
	if n := k - j; n < 7 || n > 9 || k < len(s) && isAlnum(s[k]) || !containsAny(before(s, i, 12), passportLabels...) {
		return 0, false
	}
	return k, true
}

// nameLabels introduce a person's name in notices about individuals.
var nameLabels = []string{"姓名", "当事人", "举报人", "投诉人", "患者", "申请人", "被申请人", "报警人", "受害人",
	"犯罪嫌疑人", "被告人", "被执行人", "失信被执行人", "求助人", "来信人", "来电人", "户主", "死者", "伤者"}

// labelMatcher finds every name label in one pass (a plain substring
// search per label is slow on Chinese text, whose lead bytes repeat).
var labelMatcher = sync.OnceValue(func() *matcher {
	d := &Dictionary{}
	for _, l := range nameLabels {
		d.Entries = append(d.Entries, Entry{Word: l, Category: "custom", Level: LevelNotice})
	}
	c, err := compile(d, Normalization{})
	if err != nil {
		panic("sensitive: name labels: " + err.Error())
	}
	return c.m
})

// names finds a name after each label.
func (p *piiScan) names() {
	labelMatcher().scan(p.text, func(h hit) { p.nameAfter(h.end) })
}

// nameStops end a name: characters that usually follow one in a sentence.
const nameStops = "因于在等的称说向到将已被和与及系是为对从自经现今曾均也并同时所反提要请诉表认声投举申领办交来去现居住户男女年岁委涉承违未拒擅私非酒驾携持原"

// notNames are words that follow a label but are not names (申请人应当…).
var notNames = []string{"应当", "应该", "可以", "需要", "必须", "本人", "所在", "提交", "提出", "申请", "如果", "通过",
	"按照", "根据", "向本", "对于", "未能", "符合", "姓名", "信息", "名单", "身份", "资格", "条件", "年龄", "范围", "权利",
	"义务", "合法", "有权", "及时", "家属", "单位", "数量", "人数", "隐私", "保护", "管理", "服务", "情况",
	"陈述", "申辩", "签字", "签名", "签收", "同意", "确认", "拒绝", "不服", "提供", "如实", "明确", "满意", "回复"}

func (p *piiScan) nameAfter(i int) {
	s := p.text
	for _, sep := range []string{"：", ":", " ", "　", "为", "是"} {
		if strings.HasPrefix(s[i:], sep) {
			i += len(sep)
			break
		}
	}
	start, j, n := i, i, 0
	var rs []rune
	for j < len(s) && n < 4 {
		r, size := utf8.DecodeRuneInString(s[j:])
		if !unicode.Is(unicode.Han, r) || n >= 2 && strings.ContainsRune(nameStops, r) {
			break
		}
		rs = append(rs, r)
		j += size
		n++
	}
	surname := surnameLen(rs)
	if surname == 0 || n < surname+1 || len(rs) >= 2 && slices.Contains(notNames, string(rs[:2])) {
		return
	}
	n = min(n, surname+2) // a given name has one or two characters
	name := string(rs[:n])
	if strings.ContainsRune(name, '某') || strings.ContainsRune(name, '等') {
		return // already anonymised
	}
	end := start + len(name)
	if organisationAt(s, end) {
		return // 申请人张家口市…, 被申请人黄河水利委员会
	}
	mask := string(rs[:surname]) + "某"
	if n-surname == 2 {
		mask += "某"
	}
	p.add(start, end, PIIName, LevelReview, "标注为个人的姓名", mask)
}

// placeEnds end the name of a place or body; orgWords are bodies.
const placeEnds = "市县区省州盟旗镇乡村街路巷局厅院校社厂店"

var orgWords = []string{"公司", "委员会", "有限", "集团", "政府", "协会", "医院", "学校", "合作社", "管理局", "事务所", "研究院"}

// organisationAt reports whether the text at i shows that what came before
// was a place or body, not a person: a place ending right away, or a body's
// name within one character.
func organisationAt(s string, i int) bool {
	r, size := utf8.DecodeRuneInString(s[i:])
	if i >= len(s) || !unicode.Is(unicode.Han, r) {
		return false
	}
	if strings.ContainsRune(placeEnds, r) {
		return true
	}
	for _, at := range []int{i, i + size} {
		for _, w := range orgWords {
			if strings.HasPrefix(s[at:], w) {
				return true
			}
		}
	}
	return false
}

// surnameLen is 2 for a compound surname, 1 for a common single one, else 0.
func surnameLen(rs []rune) int {
	if len(rs) >= 2 && strings.Contains(compoundSurnames, string(rs[:2])) {
		return 2
	}
	if len(rs) >= 1 && strings.ContainsRune(surnames, rs[0]) {
		return 1
	}
	return 0
}

const compoundSurnames = "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 令狐 长孙 宇文 司徒 夏侯 轩辕 端木 独孤 南宫 西门 百里"

const surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
