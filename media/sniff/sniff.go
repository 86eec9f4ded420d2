package sniff

import (
	"bytes"
	"net/http"
	"unicode/utf8"

	"github.com/tongfa/tongfa"
)

// Type is a file type Tongfa accepts.
type Type = tongfa.MediaType

// The accepted types.
const (
	JPEG = tongfa.MediaJPEG
	PNG  = tongfa.MediaPNG
	GIF  = tongfa.MediaGIF
	WebP = tongfa.MediaWebP
	PDF  = tongfa.MediaPDF
	DOCX = tongfa.MediaDOCX
	XLSX = tongfa.MediaXLSX
	CSV  = tongfa.MediaCSV
	TXT  = tongfa.MediaTXT
	MP4  = tongfa.MediaMP4
)

// refuse is the error for a file Tongfa will not take.
func refuse(format string, args ...any) error {
	return tongfa.Errorf(tongfa.EUnsupported, format, args...)
}

// Detect returns the type of the whole file b, or an unsupported_media_type
// error whose message says in Chinese why the file is refused and what to
// do instead. Office files need all their bytes: their table of contents is
// at the end.
func Detect(b []byte) (Type, error) {
	switch {
	case len(b) == 0:
		return "", refuse("文件为空")
	case bytes.HasPrefix(b, []byte("\xFF\xD8\xFF")):
		return JPEG, nil
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1A\n")):
		return PNG, nil
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return GIF, nil
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return WebP, nil
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return PDF, nil
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return office(b)
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		return isoMedia(b)
	}
	return other(b)
}

// isoMedia tells an MP4 video from the other ISO base media files (HEIC
// photos, QuickTime films) by the brands in its ftyp box.
func isoMedia(b []byte) (Type, error) {
	switch brand := string(b[8:12]); brand {
	case "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "avif":
		return "", refuse("暂不支持 HEIC/HEIF/AVIF 格式的照片，请在手机相机设置中选择“兼容性最佳”，或转为 JPEG 后再上传")
	case "qt  ":
		return "", refuse("暂不支持 MOV 视频，请转为 MP4（H.264）后再上传")
	}
	return MP4, nil
}

// other recognises the refused binary formats by name, and accepts plain
// UTF-8 text that is not markup or a script.
func other(b []byte) (Type, error) {
	switch {
	case bytes.HasPrefix(b, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		return "", refuse("旧版 Word/Excel 文件（.doc/.xls）或加密的 Office 文件无法检查，请另存为未加密的 .docx 或 .xlsx 后再上传")
	case bytes.HasPrefix(b, []byte("BM")), bytes.HasPrefix(b, []byte("II*\x00")), bytes.HasPrefix(b, []byte("MM\x00*")):
		return "", refuse("暂不支持 BMP/TIFF 图片，请转为 JPEG 或 PNG 后再上传")
	case bytes.HasPrefix(b, []byte("Rar!")), bytes.HasPrefix(b, []byte("7z\xBC\xAF")), bytes.HasPrefix(b, []byte("\x1F\x8B")):
		return "", refuse("不接受压缩包，请分别上传其中的文件")
	case bytes.HasPrefix(b, []byte("MZ")), bytes.HasPrefix(b, []byte("\x7FELF")):
		return "", refuse("不接受可执行程序")
	}
	return text(b)
}

// text accepts UTF-8 text (a byte-order mark allowed) without NUL bytes,
// and refuses HTML, SVG, XML and scripts: served or previewed, they run.
func text(b []byte) (Type, error) {
	body := bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(body) || bytes.IndexByte(body, 0) >= 0 {
		if bytes.IndexByte(body, 0) < 0 && looksGBK(body) {
			return "", refuse("文本文件不是 UTF-8 编码（可能是 GBK），请在 Excel 或记事本中另存为“CSV UTF-8”或 UTF-8 文本后再上传")
		}
		return "", refuse("无法识别的文件类型，只接受 JPEG、PNG、GIF、WebP 图片，PDF、DOCX、XLSX、CSV、TXT 文档和 MP4 视频")
	}
	head := bytes.TrimLeft(body, " \t\r\n")
	ct := http.DetectContentType(head)
	switch {
	case bytes.HasPrefix(head, []byte("<")), bytes.HasPrefix(head, []byte("#!")),
		ct == "text/html; charset=utf-8", ct == "text/xml; charset=utf-8":
		return "", refuse("不接受网页、SVG、XML 或脚本文件：它们在浏览器中可能执行代码")
	case isCSV(body):
		return CSV, nil
	}
	return TXT, nil
}

// looksGBK reports whether b is mostly GBK double-byte pairs: the usual
// encoding of a CSV saved by Excel on a Chinese Windows.
func looksGBK(b []byte) bool {
	pairs, bad := 0, 0
	for i := 0; i < len(b) && i < 4096; i++ {
		if b[i] < 0x80 {
			continue
		}
		if b[i] >= 0x81 && b[i] <= 0xFE && i+1 < len(b) && b[i+1] >= 0x40 && b[i+1] != 0x7F {
			pairs++
			i++
			continue
		}
		bad++
	}
	return pairs > 0 && bad == 0
}
