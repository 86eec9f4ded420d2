// Package validate checks request structs with validator/v10 and reports
// per-field messages in Chinese, keyed by the JSON field path.
package validate

import (
	"errors"
	"reflect"
	"strings"

	"github.com/go-playground/locales/zh"
	ut "github.com/go-playground/universal-translator"
	"github.com/go-playground/validator/v10"
	zhtrans "github.com/go-playground/validator/v10/translations/zh"

	"github.com/tongfa/tongfa"
)

// Validator is safe for concurrent use; build one per process.
type Validator struct {
	v     *validator.Validate
	trans ut.Translator
}

// New builds a validator whose field names are JSON names.
func New() *Validator {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		if name == "" {
			return f.Name
		}
		return name
	})
	zhLocale := zh.New()
	trans, _ := ut.New(zhLocale, zhLocale).GetTranslator("zh")
	if err := zhtrans.RegisterDefaultTranslations(v, trans); err != nil {
		panic("validate: register zh translations: " + err.Error())
	}
	return &Validator{v: v, trans: trans}
}

// Labels maps JSON field paths ("title", "source.unit") to the Chinese
// names operators know them by.
type Labels map[string]string

// Struct validates s and returns a *tongfa.Error with code
// validation_failed and one Chinese message per failing field.
func (v *Validator) Struct(s any, labels Labels) error {
	err := v.v.Struct(s)
	if err == nil {
		return nil
	}
	var ves validator.ValidationErrors
	if !errors.As(err, &ves) {
		return &tongfa.Error{Code: tongfa.EInvalid, Message: "请求内容不合法", Err: err}
	}
	fields := make(map[string]string, len(ves))
	for _, fe := range ves {
		key := fe.Namespace()
		if _, rest, ok := strings.Cut(key, "."); ok {
			key = rest
		}
		label := labels[key]
		if label == "" {
			label = fe.Field()
		}
		fields[key] = strings.Replace(fe.Translate(v.trans), fe.Field(), label, 1)
	}
	return &tongfa.Error{Code: tongfa.EInvalid, Message: "提交的内容有误，请按提示修改", Fields: fields}
}

// Invalid builds a validation error for one field.
func Invalid(field, message string) *tongfa.Error {
	return &tongfa.Error{Code: tongfa.EInvalid, Message: "提交的内容有误，请按提示修改", Fields: map[string]string{field: message}}
}
