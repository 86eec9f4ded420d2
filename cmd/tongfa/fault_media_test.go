package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/media"
	"github.com/tongfa/tongfa/media/mediatest"
	"github.com/tongfa/tongfa/queue/queuetest"
	"github.com/tongfa/tongfa/sensitive"
	"github.com/tongfa/tongfa/store/storetest"
)

// mediaItem is the content of an item with a library cover, two library
// pictures in its body and a masked 公示名单 attached, stored in env's
// unit; it returns the masked copy's bytes and name too.
func mediaItem(t *testing.T, env *queuetest.Env, lib *media.Service, title string) (tongfa.Content, []byte, string) {
	t.Helper()
	ctx := context.Background()
	up := func(name string, b []byte) *tongfa.MediaObject {
		o, err := lib.Upload(ctx, env.Unit.ID, env.Author.ID, name, bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if o.Type.Image() {
			if err := env.DB.DescribeObject(ctx, env.Unit.ID, o.Hash, name+"的内容", ""); err != nil {
				t.Fatal(err)
			}
		}
		return o
	}
	cover := up("封面.png", must(t)(mediatest.Poster(1600, 900, "https://www.gov.cn/")))
	a := up("会场.jpg", must(t)(mediatest.JPEGWithGPS(1400, 1000, 1)))
	b := up("海报.png", must(t)(mediatest.Poster(800, 1200, "https://www.gov.cn/zhengce/")))
	rows := mediatest.Roster(50)
	rows[0][len(rows[0])-1] = title // each item's own roster
	roster := up(title+"名单.xlsx", must(t)(mediatest.XLSX(rows)))
	masked, err := lib.MaskAttachment(ctx, env.Unit.ID, env.Author.ID, roster.Hash)
	if err != nil {
		t.Fatal(err)
	}
	data, err := env.DB.GetBlob(ctx, masked.Hash)
	if err != nil {
		t.Fatal(err)
	}
	c := tongfa.Content{Title: title, Body: `<p>` + title + `。</p><p><img src="` + a.Hash.Ref() + `" alt="会场"></p><p><img src="` +
		b.Hash.Ref() + `" alt="海报"></p>`, Summary: "公示", Category: tongfa.CategoryNotice, Kind: tongfa.KindOriginal,
		Importance: tongfa.ImportanceRoutine, Urgency: tongfa.UrgencyNormal, Targets: env.Targets(), Cover: cover.Hash.Ref(),
		Attachments: []tongfa.MediaHash{masked.Hash}}
	c.Media = c.MediaUses()
	return c, data, masked.Name
}

// TestMediaDeliveredOnceUnderFaults: items with a cover, two pictures and
// a masked xlsx attachment go to all four simulators under the fault
// run's faults, with two worker processes killed and restarted: every
// delivery ends delivered, no platform sees a post twice, WeChat's
// articles show WeChat's copies of the pictures, Weibo's statuses carry
// the cover, and the app and the
// website each receive the masked workbook once per item, byte for byte.
func TestMediaDeliveredOnceUnderFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("long: worker processes under faults")
	}
	db, url := storetest.NewWithURL(t)
	env := queuetest.New(t, db)
	s := env.Sim
	setFaults(s)
	lib := media.New(db, sensitive.NewDefault(), media.Limits{}, 2)
	const n = 3
	r := testDBRedis(t, false)
	var items []int64
	masked := map[string][]byte{} // by name
	for i := range n {
		c, data, name := mediaItem(t, env, lib, fmt.Sprintf("低保公示第%d批", i+1))
		masked[name] = data
		items = append(items, approveContent(t, env, r.url, c))
	}

	w := startWorkers(t, url, r.url, 8)
	defer w.stop()
	time.Sleep(1500 * time.Millisecond)
	w.kill(0)
	w.start(0)
	ds := env.Wait(t, 4*time.Minute, items...)
	for _, d := range ds {
		if d.State != tongfa.DeliveryDelivered {
			t.Errorf("delivery %d (%s) ended %s: %s", d.ID, d.Platform, d.State, d.Error)
		}
	}
	if dup := s.Duplicates(); dup != 0 {
		t.Errorf("the simulators saw %d duplicate posts", dup)
	}
	if got := s.WeiboPictures(); got != n {
		t.Errorf("%d Weibo statuses carry the cover picture, want %d", got, n)
	}
	for _, p := range []string{"app", "website"} {
		for name, data := range masked {
			if got := s.Files(p)[name]; got != 1 {
				t.Errorf("%s received %s %d times, want once (%v)", p, name, got, s.Files(p))
			}
			if !bytes.Equal(s.FileData(p, name), data) {
				t.Errorf("%s received other bytes than the masked %s", p, name)
			}
		}
	}
	for _, p := range s.Posts() {
		if p.Platform != "wechat" && p.Platform != "website" {
			continue
		}
		page := fetchPage(t, p.URL)
		want := map[string]string{"wechat": "/wechat/mmbiz/", "website": "/website/f/"}[p.Platform]
		if strings.Contains(page, "/media/") || strings.Count(page, want) < 2 {
			t.Errorf("%s post %s does not show the platform's copies of the pictures: %.300s", p.Platform, p.ID, page)
		}
	}
	t.Logf("%d deliveries delivered; posts: %d; calls: uploadimg %d, add_material %d, app files %d, website files %d",
		len(ds), len(s.Posts()), s.Calls("wechat", "cgi-bin/media/uploadimg"), s.Calls("wechat", "cgi-bin/material/add_material"),
		s.Calls("app", "files"), s.Calls("website", "api/files"))
}

// must fails t on err.
func must(t *testing.T) func([]byte, error) []byte {
	return func(b []byte, err error) []byte {
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
}

func fetchPage(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
