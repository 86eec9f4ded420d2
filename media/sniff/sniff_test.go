package sniff

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"github.com/tongfa/tongfa"
)

// pkg builds a zip whose [Content_Types].xml declares mainType, plus extra
// empty parts.
func pkg(t *testing.T, mainType string, extra ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("[Content_Types].xml")
	w.Write([]byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="xml" ContentType="application/xml"/><Override PartName="/main.xml" ContentType="` + mainType + `"/></Types>`))
	for _, name := range extra {
		zw.Create(name)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want Type
		why  string // a fragment of the refusal, when refused
	}{
		{"jpeg", []byte("\xFF\xD8\xFF\xE0\x00\x10JFIF"), JPEG, ""},
		{"png", []byte("\x89PNG\r\n\x1A\n\x00\x00"), PNG, ""},
		{"gif", []byte("GIF89a\x01\x00"), GIF, ""},
		{"webp", []byte("RIFF\x10\x00\x00\x00WEBPVP8 "), WebP, ""},
		{"pdf", []byte("%PDF-1.7\n"), PDF, ""},
		{"mp4", []byte("\x00\x00\x00\x18ftypisom\x00\x00\x02\x00"), MP4, ""},
		{"docx", pkg(t, ctDocx), DOCX, ""},
		{"xlsx", pkg(t, ctXlsx), XLSX, ""},
		{"csv", []byte("姓名,电话\n张三,13812342345\n"), CSV, ""},
		{"csv with bom", []byte("\xEF\xBB\xBF序号,姓名\n1,张三\n2,李四\n"), CSV, ""},
		{"txt", []byte("市政府召开常务会议。\n"), TXT, ""},
		{"one-column text", []byte("第一行\n第二行\n"), TXT, ""},
		{"empty", nil, "", "为空"},
		{"xlsm", pkg(t, ctXlsm), "", "宏"},
		{"vba part", pkg(t, ctXlsx, "xl/vbaProject.bin"), "", "宏"},
		{"plain zip", pkg(t, "application/xml"), "", "压缩包"},
		{"broken zip", []byte("PK\x03\x04garbage"), "", "损坏"},
		{"heic", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00"), "", "HEIC"},
		{"mov", []byte("\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00"), "", "MOV"},
		{"doc", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00"), "", ".doc"},
		{"bmp", []byte("BM\x00\x00"), "", "BMP"},
		{"html", []byte("  <!DOCTYPE html><html><body>hi</body></html>"), "", "网页"},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), "", "SVG"},
		{"xml declaration", []byte(`<?xml version="1.0"?><a/>`), "", "XML"},
		{"script", []byte("#!/bin/sh\nrm -rf /\n"), "", "脚本"},
		{"gbk csv", []byte("\xd0\xd5\xc3\xfb,\xb5\xe7\xbb\xb0\n"), "", "GBK"},
		{"binary", []byte("\x00\x01\x02\x03"), "", "无法识别"},
		{"exe", []byte("MZ\x90\x00"), "", "可执行"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Detect(tc.in)
			if tc.why == "" {
				if err != nil || got != tc.want {
					t.Fatalf("Detect = %q, %v; want %q", got, err, tc.want)
				}
				return
			}
			if tongfa.ErrorCode(err) != tongfa.EUnsupported || !strings.Contains(tongfa.ErrorMessage(err), tc.why) {
				t.Fatalf("Detect = %q, %v; want a refusal saying %q", got, err, tc.why)
			}
		})
	}
}

func TestTypeNames(t *testing.T) {
	if JPEG.Ext() != ".jpg" || XLSX.Ext() != ".xlsx" || !strings.HasPrefix(XLSX.MIME(), "application/vnd.openxml") {
		t.Fatal("names")
	}
	if !WebP.Image() || PDF.Image() || !CSV.Document() || MP4.Document() {
		t.Fatal("classes")
	}
}

func FuzzDetect(f *testing.F) {
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("姓名,电话\n张三,1\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if typ, err := Detect(b); err == nil && typ == "" {
			t.Fatal("accepted without a type")
		}
	})
}
