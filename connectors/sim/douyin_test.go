package sim

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"net/url"
	"strings"
	"testing"
)

// dyCall sends one Douyin request with tok for openID and returns the
// error_code and data of the answer.
func dyCall(t *testing.T, base, tok, openID, method, path string, q url.Values, body, contentType string) (float64, map[string]any) {
	t.Helper()
	if q == nil {
		q = url.Values{}
	}
	q.Set("open_id", openID)
	header := []string{"access-token", tok}
	if contentType != "" {
		header = append(header, "Content-Type", contentType)
	}
	_, out := call(t, method, base+"/douyin/"+path+"?"+q.Encode(), strings.NewReader(body), header...)
	data, _ := out["data"].(map[string]any)
	code, _ := data["error_code"].(float64)
	return code, data
}

// dyMultipart is a multipart body with one file of size bytes.
func dyMultipart(field, contentType string, size int) (string, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename="f"`, field))
	h.Set("Content-Type", contentType)
	w, _ := mw.CreatePart(h)
	w.Write(bytes.Repeat([]byte{7}, size)) //nolint:errcheck
	mw.Close()
	return buf.String(), mw.FormDataContentType()
}

func TestDouyinRules(t *testing.T) {
	_, base := start(t, Options{Douyin: DouyinOptions{PartMin: 10, PartMax: 20}})
	const tok, me = "act.ou-1", "ou-1"
	if code, _ := dyCall(t, base, "bad", me, "POST", "api/douyin/v1/video/init_video_part_upload/", nil, "", ""); code != 2190002 {
		t.Fatalf("a token not of Douyin's form: %v", code)
	}
	if code, _ := dyCall(t, base, tok, "ou-2", "POST", "api/douyin/v1/video/init_video_part_upload/", nil, "", ""); code != 2190015 {
		t.Fatalf("another user's open_id: %v", code)
	}
	_, init := dyCall(t, base, tok, me, "POST", "api/douyin/v1/video/init_video_part_upload/", nil, "", "")
	up := url.Values{"upload_id": {init["upload_id"].(string)}}
	for n, size := range []int{10, 5, 8} { // the middle part is below PartMin
		body, ct := dyMultipart("video", "video/mp4", size)
		q := url.Values{"upload_id": up["upload_id"], "part_number": {fmt.Sprint(n + 1)}}
		if code, _ := dyCall(t, base, tok, me, "POST", "api/douyin/v1/video/upload_video_part/", q, body, ct); code != 0 {
			t.Fatalf("part %d: %v", n+1, code)
		}
	}
	if code, _ := dyCall(t, base, tok, me, "POST", "api/douyin/v1/video/complete_video_part_upload/", up, "", ""); code != 2100005 {
		t.Fatalf("a short part in the middle: %v", code)
	}
	body, ct := dyMultipart("video", "image/png", 5)
	if code, _ := dyCall(t, base, tok, me, "POST", "api/douyin/v1/video/upload_video/", nil, body, ct); code != 2100005 {
		t.Fatalf("a video that is not one: %v", code)
	}
}

func TestDouyinVideoMakesOnePost(t *testing.T) {
	s, base := start(t, Options{})
	const tok, me = "act.ou-1", "ou-1"
	body, ct := dyMultipart("video", "video/mp4", 100)
	_, up := dyCall(t, base, tok, me, "POST", "api/douyin/v1/video/upload_video/", nil, body, ct)
	id := up["video"].(map[string]any)["video_id"].(string)
	create := fmt.Sprintf(`{"video_id":%q,"text":"【标题】正文"}`, id)
	if code, data := dyCall(t, base, tok, me, "POST", "api/douyin/v1/video/create_video/", nil, create, "application/json"); code != 0 || data["item_id"] == "" {
		t.Fatalf("create: %v %v", code, data)
	}
	if code, _ := dyCall(t, base, tok, me, "POST", "api/douyin/v1/video/create_video/", nil, create, "application/json"); code != 2190007 {
		t.Fatalf("a used video: %v", code)
	}
	_, list := call(t, "GET", base+"/_sim/posts?platform=douyin", nil)
	if list["count"] != 1.0 || s.Posts()[0].Title != "标题" {
		t.Fatalf("posts %v", list)
	}
	_, page := dyCall(t, base, tok, me, "GET", "api/douyin/v1/video/video_list/", url.Values{"count": {"10"}}, "", "")
	if items := page["list"].([]any); len(items) != 1 || items[0].(map[string]any)["media_type"] != 4.0 {
		t.Fatalf("video_list %v", page)
	}
}
