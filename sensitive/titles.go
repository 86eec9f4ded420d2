package sensitive

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// commonTitles are recognised next to a leader's name even when no one in
// the table holds them, so 张三市长 is caught when 张三 is only 副市长.
// Longer titles are listed so that a title is matched whole: 副市长 is not
// 市长 and 常务副市长 is not 副市长, and 主任科员 is not 主任.
var commonTitles = strings.Fields(`
	省长 副省长 常务副省长 代省长 市长 副市长 常务副市长 代市长 区长 副区长 常务副区长 代区长
	县长 副县长 常务副县长 代县长 州长 副州长 镇长 副镇长 乡长 副乡长 主席 副主席
	书记 副书记 第一书记 省委书记 省委副书记 市委书记 市委副书记 区委书记 区委副书记 县委书记 县委副书记
	党委书记 党委副书记 党组书记 党组副书记 党工委书记 党工委副书记 纪委书记 纪委副书记 工委书记
	常委 省委常委 市委常委 区委常委 县委常委 党组成员 党委委员
	主任 副主任 常务副主任 秘书长 副秘书长 常务副秘书长 局长 副局长 常务副局长 部长 副部长 常务副部长
	厅长 副厅长 处长 副处长 科长 副科长 院长 副院长 检察长 副检察长 庭长 副庭长 所长 副所长
	队长 副队长 大队长 支队长 校长 副校长 行长 副行长 会长 副会长 署长 组长 副组长 政委 副政委
	巡视员 副巡视员 一级巡视员 二级巡视员 调研员 副调研员 一级调研员 二级调研员 三级调研员 四级调研员
	主任科员 副主任科员 一级主任科员 二级主任科员 三级主任科员 四级主任科员 督察长 董事长 总经理
`)

// rankQualifiers change which office a title names: a 副市长 is no 市长
// and a 常务副市长 no plain 副市长 in a text that says so.
var rankQualifiers = []string{"副", "代", "常务", "第一", "执行", "名誉", "一级", "二级", "三级", "四级"}

// accepts reports whether a person holding held may be called written:
// the same title, a shorter form that drops only the organisation
// (书记 for 市委书记, 副市长 for 常务副市长), or a longer one that only adds
// the organisation (市委书记 for 书记). Both are canonical (normalized).
func accepts(held, written string) bool {
	switch {
	case held == written:
		return true
	case strings.HasSuffix(held, written):
		prefix := strings.TrimSuffix(held, written)
		return !strings.HasSuffix(prefix, "副") && !strings.HasSuffix(prefix, "代")
	case strings.HasSuffix(written, held):
		prefix := strings.TrimSuffix(written, held)
		for _, q := range rankQualifiers {
			if strings.Contains(prefix, q) {
				return false
			}
		}
		return true
	}
	return false
}

// formerMarks before a title say the title is past: 时任市长张三. The
// one-character marks (原市长, 前市长, 老市长) count only where they start a
// word, so 太原市长 and 日前市长 are not read as past titles.
var formerMarks = []string{"时任", "曾任", "历任", "原任", "前任"}

const formerChars = "原前老"

// formerBefore reports whether the text just before byte i, where a title
// starts, marks the title as a past one.
func formerBefore(text string, i int) bool {
	head := strings.TrimRightFunc(text[:i], unicode.IsSpace)
	for _, m := range formerMarks {
		if strings.HasSuffix(head, m) {
			return true
		}
	}
	r, size := utf8.DecodeLastRuneInString(head)
	return size > 0 && strings.ContainsRune(formerChars, r) && boundaryBefore(head, len(head)-size)
}

// Han characters that commonly stand right before a name (与张三, 由张三,
// 领导张三) or right after one (张三出席, 张三强调, 张三同志). A name with
// another Han character on a side with no title is taken to be part of a
// longer word or name (扩张明显, 张三丰) and not reported.
const (
	beforeName = "以的了与和及同由向对请将把被给是为在到见陪迎等从让叫派称据经任有听随就即导志免命举意示问及带率邀约看"
	afterName  = "同出在主强指表说讲等和与及一的到来赴率带陪参调会看慰检视考深前对向为作代宣要介分也还又已曾任先亲专是" +
		"被因涉严接受就于将把请从随提听今近昨上下当首充肯回部通传并不都则即次落违犯贪利收滥致发了现再特代等案"
	// nearStop are the characters after a title that start the next word
	// rather than end a name (副市长孙在会上 is not 孙丽): a name one
	// character off a leader's may not differ in one of them.
	nearStop = "在的和与及等是为对向到从把被将就也都还又已了着过出主强指表说讲要会"
)

// boundaryBefore reports whether a name may start at byte i of text.
func boundaryBefore(text string, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	return !isHan(r) || strings.ContainsRune(beforeName, r)
}

// boundaryAfter reports whether a name may end at byte i of text.
func boundaryAfter(text string, i int) bool {
	if i == len(text) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(text[i:])
	return !isHan(r) || strings.ContainsRune(afterName, r)
}

// isHan is unicode.Is(unicode.Han, r), the common block first.
func isHan(r rune) bool {
	return r >= 0x4E00 && r <= 0x9FFF || r >= 0x2E80 && unicode.Is(unicode.Han, r)
}
