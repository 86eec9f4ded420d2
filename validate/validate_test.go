package validate

import (
	"strings"
	"testing"

	"github.com/tongfa/tongfa"
)

type src struct {
	Unit string `json:"unit" validate:"required"`
}

type input struct {
	Title  string `json:"title" validate:"required,max=5"`
	Kind   string `json:"kind" validate:"oneof=original reprint"`
	Source *src   `json:"source" validate:"required"`
}

var labels = Labels{"title": "标题", "kind": "稿件类型", "source.unit": "来源单位"}

func TestChineseMessagesNameTheField(t *testing.T) {
	v := New()
	err := v.Struct(input{Kind: "x", Source: &src{}}, labels)
	var e *tongfa.Error
	if !asError(err, &e) || e.Code != tongfa.EInvalid {
		t.Fatalf("got %v", err)
	}
	want := map[string]string{"title": "标题为必填字段", "kind": "稿件类型必须是[original reprint]中的一个", "source.unit": "来源单位为必填字段"}
	for k, msg := range want {
		if e.Fields[k] != msg {
			t.Errorf("fields[%s] = %q, want %q", k, e.Fields[k], msg)
		}
	}
	err = v.Struct(input{Title: "一二三四五六", Kind: "original", Source: &src{Unit: "a"}}, labels)
	if e := err.(*tongfa.Error); !strings.HasPrefix(e.Fields["title"], "标题长度不能超过5个字符") {
		t.Errorf("max message %q", e.Fields["title"])
	}
}

func asError(err error, e **tongfa.Error) bool {
	x, ok := err.(*tongfa.Error)
	*e = x
	return ok
}
