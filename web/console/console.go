// Package console holds the operator console's templates and static files,
// embedded in the binary: offices run on closed intranets, so nothing the
// console needs may load from the internet.
package console

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/workday"
)

//go:embed templates static
var FS embed.FS

// Static is the static tree (served under /static/).
var Static = mustSub(FS, "static")

func mustSub(f fs.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err)
	}
	return s
}

// Pages are the page names; each is parsed with the layout and partials.
var Pages = []string{"login", "dashboard", "compose", "item", "reviews", "items", "accounts", "users", "dictionaries", "audit", "error", "inbox", "inbox_message",
	"policies", "holidays", "requests", "account_change", "user", "delegations", "reports", "leaders", "words", "contacts", "totp",
	"repost_tasks", "repost_task", "repost_new", "task", "calendar", "editions", "edition", "profile", "library"}

// Templates maps a page name to its parsed template; execute "layout" (or
// a partial's name for an htmx fragment). Parsed on first use, not at
// package initialisation: every tongfa command links this package, and
// parsing took a third of a one-line `tongfa check`.
var Templates = sync.OnceValue(parse)

func parse() map[string]*template.Template {
	out := make(map[string]*template.Template, len(Pages))
	for _, p := range Pages {
		t := template.New(p).Funcs(Funcs)
		out[p] = template.Must(t.ParseFS(FS, "templates/layout.html", "templates/partials.html", "templates/"+p+".html"))
	}
	return out
}

// China is the time zone every time is shown in.
var China = time.FixedZone("CST", 8*3600)

// Funcs are the presentation helpers the templates use.
var Funcs = template.FuncMap{
	"dt": func(t any) string {
		switch v := t.(type) {
		case time.Time:
			return v.In(China).Format("2006-01-02 15:04")
		case *time.Time:
			if v != nil {
				return v.In(China).Format("2006-01-02 15:04")
			}
		}
		return ""
	},
	"iso": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"localInput": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(China).Format("2006-01-02T15:04")
	},
	"stateLabel":    func(s tongfa.ItemState) string { return s.Label() },
	"deliveryLabel": func(s tongfa.DeliveryState) string { return s.Label() },
	"levelLabel":    func(s string) string { return label(findingLevels, s) },
	"kindLabel":     func(s string) string { return label(findingKinds, s) },
	"fieldLabel":    func(s string) string { return label(fieldNames, s) },
	"clockLabel":    func(s string) string { return label(clockStates, s) },
	"categoryLabel": func(s string) string { return label(tongfa.Categories, s) },
	"importanceLabel": func(s tongfa.Importance) string {
		return label(map[string]string{"routine": "一般", "important": "重要", "major": "重大敏感"}, string(s))
	},
	"accountStatus": func(s tongfa.AccountStatus) string { return s.Label() },
	"person":        Person,
	"actorLabel":    func(s string) string { return label(actors, s) },
	"remaining":     remaining,
	// missingNotice says which years' holiday notices are missing (workday.MissingText).
	"missingNotice":     workday.MissingText,
	"statutoryHolidays": workday.StatutoryHolidays,
	"add":               func(a, b int) int { return a + b },
	"categories": func() []Option {
		return []Option{{"news", "新闻动态"}, {"policy", "政策文件"}, {"interpretation", "政策解读"},
			{"notice", "通知公告"}, {"service", "便民服务"}, {"other", "其他"}}
	},
}

// Option is one choice of a select.
type Option struct{ Value, Label string }

// Labelled is a domain value with a Chinese label (item, delivery, message
// and answer states).
type Labelled interface {
	~string
	Label() string
}

// Options turns a list of domain values into select choices, labelled by
// the domain itself so the console has one list of labels.
func Options[T Labelled](list []T) []Option {
	out := make([]Option, 0, len(list))
	for _, v := range list {
		out = append(out, Option{Value: string(v), Label: v.Label()})
	}
	return out
}

// Person names someone as operators know them: the display name (the
// username when there is none) and the labels of the roles they hold, e.g.
// 王编辑（采编） or 李审核（审核员、分管领导）.
func Person(u *tongfa.User) string {
	if u == nil {
		return ""
	}
	name := u.DisplayName
	if name == "" {
		name = u.Username
	}
	var roles []string
	for _, r := range append(slices.Clip(tongfa.Roles), tongfa.RoleSysAdmin) {
		if slices.ContainsFunc(u.Grants, func(g tongfa.Grant) bool { return g.Role == r }) {
			roles = append(roles, r.Label())
		}
	}
	if len(roles) == 0 {
		return name
	}
	return name + "（" + strings.Join(roles, "、") + "）"
}

// actors are the audit log's actors that are not people (store.SystemActor,
// the command line).
var actors = map[string]string{"system": "系统", "cli": "命令行工具"}

func label(m map[string]string, k string) string {
	if l, ok := m[k]; ok {
		return l
	}
	return k
}

// remaining renders a countdown in Chinese ("剩余 42 分钟", "已超时 5 分钟").
func remaining(seconds int64) string {
	prefix := "剩余"
	if seconds < 0 {
		prefix, seconds = "已超时", -seconds
	}
	h, m := seconds/3600, seconds%3600/60
	if h > 0 {
		return fmt.Sprintf("%s %d 小时 %d 分钟", prefix, h, m)
	}
	return fmt.Sprintf("%s %d 分钟", prefix, m)
}

var findingLevels = map[string]string{"block": "必须修改", "review": "需审核关注", "notice": "提示"}

var findingKinds = map[string]string{"word": "敏感词", "expression": "表述错误", "secret": "涉密标识", "ad": "商业广告", "pii": "个人信息",
	"leader": "领导职务核对", "media": "文件"}

var fieldNames = map[string]string{"title": "标题", "summary": "摘要", "body": "正文", "source.unit": "来源单位",
	"source.author": "原作者", "source.title": "原标题", "attachments": "附件", "cover": "封面", "media.alt": "替代文字",
	"media.caption": "图片说明"}

var clockStates = map[string]string{"on_track": "正常", "at_risk": "临近时限", "breached": "已超时", "met": "按时首发", "missed": "超时首发"}
