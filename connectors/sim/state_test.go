package sim

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// publishEverywhere makes one post on every platform over the API and
// returns the simulator's posts.
func publishEverywhere(t *testing.T, s *Server, base string) []Post {
	t.Helper()
	wxPublish(t, base, "wxstate")
	share(t, base, "tok", "【微博】https://www.x.gov.cn/1")
	share(t, base, "tok", "【微博】https://www.x.gov.cn/1") // a duplicate, counted on the first
	_, gone := share(t, base, "tok", "【已删除】https://www.x.gov.cn/2")
	call(t, "POST", base+"/weibo/2/statuses/destroy.json", strings.NewReader(url.Values{"access_token": {"tok"}, "id": {fmt.Sprint(gone["idstr"])}}.Encode()),
		"Content-Type", "application/x-www-form-urlencoded")
	status, _ := call(t, "POST", base+"/website/api/articles", strings.NewReader(`{"key":"w1","title":"网站稿件","html":"<p>正文</p>"}`),
		"Authorization", "Bearer "+WebsiteKey)
	if status != 201 {
		t.Fatalf("website: %d", status)
	}
	body, ct := dyMultipart("video", "video/mp4", 100)
	_, up := dyCall(t, base, "act.ou-1", "ou-1", "POST", "api/douyin/v1/video/upload_video/", nil, body, ct)
	create := fmt.Sprintf(`{"video_id":%q,"text":"【抖音】正文"}`, up["video"].(map[string]any)["video_id"])
	dyCall(t, base, "act.ou-1", "ou-1", "POST", "api/douyin/v1/video/create_video/", nil, create, "application/json")
	posts := s.Posts()
	if len(posts) != 5 {
		t.Fatalf("%d posts, want 5: %+v", len(posts), posts)
	}
	for i := range posts {
		posts[i].At = posts[i].At.Round(0) // what a saved time keeps
	}
	return posts
}

func page(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestStateSurvivesRestart: a simulator loaded from what another saved
// serves the same pages, lists the same posts with their duplicates, and
// hands out ids that do not collide with the old ones.
func TestStateSurvivesRestart(t *testing.T) {
	opts := Options{SafeDomains: []string{"x.gov.cn"}}
	old, oldBase := start(t, opts)
	posts := publishEverywhere(t, old, oldBase)
	var saved bytes.Buffer
	if err := old.Save(&saved); err != nil {
		t.Fatal(err)
	}
	restarted, base := start(t, opts)
	if err := restarted.Load(bytes.NewReader(saved.Bytes())); err != nil {
		t.Fatal(err)
	}
	if got := restarted.Posts(); fmt.Sprint(got) != fmt.Sprint(posts) || restarted.Duplicates() != 1 {
		t.Fatalf("posts after restart:\n%+v\nwant\n%+v", got, posts)
	}
	for _, p := range posts {
		status, text := page(t, strings.Replace(p.URL, oldBase, base, 1))
		want := map[bool]int{true: 404, false: 200}[p.Deleted]
		if status != want || (!p.Deleted && !strings.Contains(text, p.Title)) {
			t.Errorf("%s page %s: %d %q, want %d", p.Platform, p.URL, status, text, want)
		}
	}
	const timeline = "/weibo/2/statuses/user_timeline.json?access_token=tok"
	_, before := call(t, "GET", oldBase+timeline, nil)
	if _, after := call(t, "GET", base+timeline, nil); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("Weibo timeline after restart:\n%v\nwant\n%v", after, before)
	}
	_, again := share(t, base, "tok", "【新的】https://www.x.gov.cn/3")
	for _, p := range posts {
		if p.ID == fmt.Sprint(again["idstr"]) {
			t.Fatalf("new status %v reuses the id of %+v", again["idstr"], p)
		}
	}
}

func TestLoadRefusesOtherFormats(t *testing.T) {
	s, base := start(t, Options{SafeDomains: []string{"x.gov.cn"}})
	share(t, base, "tok", "【留下】https://www.x.gov.cn/1")
	for _, bad := range []string{"", "{", `{"version":99}`, `{"version":1,"posts":[],"weibo":[{"Post":3}]}`} {
		if err := s.Load(strings.NewReader(bad)); err == nil {
			t.Errorf("%q loaded", bad)
		}
	}
	if len(s.Posts()) != 1 {
		t.Fatal("a refused state must leave the simulator as it was")
	}
}
