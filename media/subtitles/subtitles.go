// Package subtitles reads a video's subtitles file, SubRip (SRT) or
// WebVTT, into its cues, so the checker can read what the video says and
// place a finding by cue number and time.
package subtitles

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Cue is one subtitle: its number (1-based, in file order), when it shows
// and its text (lines joined by newlines, WebVTT tags removed).
type Cue struct {
	Number     int
	Start, End time.Duration
	Text       string
}

// Location names the cue for an operator: 字幕第 3 条（00:01:02.500）.
func (c Cue) Location() string {
	return fmt.Sprintf("字幕第 %d 条（%s）", c.Number, Clock(c.Start))
}

// Clock writes d as hh:mm:ss.mmm.
func Clock(d time.Duration) string {
	ms := d.Milliseconds()
	return fmt.Sprintf("%02d:%02d:%02d.%03d", ms/3_600_000, ms/60_000%60, ms/1000%60, ms%1000)
}

// timing is a cue's time line: 00:01:02,500 --> 00:01:04,000 (SRT) or
// 01:02.500 --> 01:04.000 line settings (WebVTT, hours optional).
var timing = regexp.MustCompile(`^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})(?:\s.*)?$`)

var tag = regexp.MustCompile(`</?[a-zA-Z][^>]*>|<\d{1,2}:\d{2}[^>]*>`)

// Parse reads an SRT or WebVTT file (UTF-8, a byte-order mark allowed).
// A file without a single timed cue, or with a time line that cannot be
// read, is refused with the reason in Chinese.
func Parse(b []byte) ([]Cue, error) {
	text := string(bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF")))
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	blocks := strings.Split(text, "\n\n")
	vtt := strings.HasPrefix(strings.TrimSpace(blocks[0]), "WEBVTT")
	if vtt {
		blocks = blocks[1:]
	}
	var cues []Cue
	for _, block := range blocks {
		lines := strings.Split(strings.Trim(block, "\n"), "\n")
		at := -1
		for i, l := range lines {
			if strings.Contains(l, "-->") {
				at = i
				break
			}
		}
		if at < 0 {
			if vtt || strings.TrimSpace(block) == "" {
				continue // NOTE, STYLE and REGION blocks
			}
			return nil, fmt.Errorf("字幕文件第 %d 条之后有一段没有时间轴的文字，请检查是否为 SRT 或 WebVTT 格式", len(cues))
		}
		m := timing.FindStringSubmatch(lines[at])
		if m == nil {
			return nil, fmt.Errorf("字幕文件第 %d 条的时间轴「%s」无法识别", len(cues)+1, strings.TrimSpace(lines[at]))
		}
		start, err1 := clock(m[1])
		end, err2 := clock(m[2])
		if err1 != nil || err2 != nil || end < start {
			return nil, fmt.Errorf("字幕文件第 %d 条的时间轴「%s」无效", len(cues)+1, strings.TrimSpace(lines[at]))
		}
		var body []string
		for _, l := range lines[at+1:] {
			if l = strings.TrimSpace(tag.ReplaceAllString(l, "")); l != "" {
				body = append(body, l)
			}
		}
		cues = append(cues, Cue{Number: len(cues) + 1, Start: start, End: end, Text: unescape(strings.Join(body, "\n"))})
	}
	if len(cues) == 0 {
		return nil, fmt.Errorf("字幕文件中没有字幕：只接受 SRT 或 WebVTT 格式")
	}
	return cues, nil
}

var entities = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&nbsp;", " ", "&lrm;", "", "&rlm;", "")

func unescape(s string) string { return entities.Replace(s) }

// clock reads [hh:]mm:ss[.,]mmm.
func clock(s string) (time.Duration, error) {
	s = strings.Replace(s, ",", ".", 1)
	main, frac, _ := strings.Cut(s, ".")
	parts := strings.Split(main, ":")
	var total int64
	for _, p := range parts {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return 0, err
		}
		total = total*60 + n
	}
	for len(frac) < 3 {
		frac += "0"
	}
	ms, err := strconv.ParseInt(frac[:3], 10, 64)
	if err != nil {
		return 0, err
	}
	if len(parts) > 1 {
		if sec, _ := strconv.Atoi(parts[len(parts)-1]); sec > 59 {
			return 0, fmt.Errorf("seconds out of range")
		}
	}
	return time.Duration(total)*time.Second + time.Duration(ms)*time.Millisecond, nil
}
