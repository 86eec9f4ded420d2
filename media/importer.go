package media

import (
	"bytes"
	"context"
	"html"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/tongfa/tongfa"
)

// Importer brings a remote picture an editor pasted into the library: only
// from hosts an administrator allowed (TONGFA_IMAGE_IMPORT_HOSTS), so
// delivery never fetches a URL and nothing reaches a channel that was not
// cleaned and checked here.
type Importer struct {
	Library *Service
	// Fetch downloads a picture (connectors/media.Fetcher: no internal
	// addresses, bounded size and time).
	Fetch func(ctx context.Context, ref string) ([]byte, error)
	Hosts AllowList
}

// Import stores the picture at ref for unit, as uploaded by user, and
// returns its hash; a host not on the list is refused with the field's
// name in the error.
func (im *Importer) Import(ctx context.Context, unit, user int64, ref, field string) (Hash, error) {
	u, err := url.Parse(ref)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return Hash{}, refuseImport(field, "图片地址无效："+clip(ref))
	}
	if im == nil || im.Fetch == nil || !im.Hosts.Allows(u.Hostname()) {
		return Hash{}, refuseImport(field, "图片来自 "+u.Hostname()+"，不在管理员允许导入的主机名单中，请先下载后上传到媒体库")
	}
	b, err := im.Fetch(ctx, ref)
	if err != nil {
		return Hash{}, refuseImport(field, "无法从 "+u.Hostname()+" 导入图片："+tongfa.ErrorMessage(err))
	}
	o, err := im.Library.Upload(ctx, unit, user, path.Base(u.Path), bytes.NewReader(b))
	if err != nil {
		return Hash{}, err
	}
	if !o.Type.Image() {
		return Hash{}, refuseImport(field, "导入的文件不是图片："+clip(ref))
	}
	return o.Hash, nil
}

func refuseImport(field, msg string) error {
	return &tongfa.Error{Code: tongfa.EInvalid, Message: msg, Fields: map[string]string{field: msg}}
}

// RemoteImages returns the http(s) pictures of a sanitized body, each
// once, as the src attribute values they are written as.
func RemoteImages(body string) []string {
	var out []string
	for _, m := range remoteSrc.FindAllStringSubmatch(body, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

var remoteSrc = regexp.MustCompile(`<img\b[^>]*\bsrc="((?i:https?://)[^"]+)"`)

// SrcURL is the URL a src attribute value written in HTML stands for.
func SrcURL(attr string) string { return html.UnescapeString(attr) }

// ReplaceSrc points every <img src="from"> of html at to.
func ReplaceSrc(body, from, to string) string {
	return strings.ReplaceAll(body, `src="`+from+`"`, `src="`+to+`"`)
}
