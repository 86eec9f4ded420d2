package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/tongfa/tongfa"
	"github.com/tongfa/tongfa/media"
	"github.com/tongfa/tongfa/web/console"
)

// The media library page (媒体库) lists a unit's files through the
// service GET /api/v1/media uses; its upload form posts each chosen or
// dropped file to POST /api/v1/media?unit_id= as multipart/form-data.

const libraryPerPage = 50

type libraryView struct {
	Unit   int64
	Units  []console.Option
	Files  []libraryFile
	Upload bool // the viewer edits for the unit
	Page   int
	Pages  int
	Total  int
	Prev   int // 0: none
	Next   int
}

type libraryFile struct {
	*tongfa.MediaObject
	Kind, Size, Dimensions string
	Picture                bool
}

// mediaKinds name the sniffed types for operators.
var mediaKinds = map[tongfa.MediaType]string{
	tongfa.MediaJPEG: "图片（JPEG）", tongfa.MediaPNG: "图片（PNG）", tongfa.MediaGIF: "图片（GIF）", tongfa.MediaWebP: "图片（WebP）",
	tongfa.MediaPDF: "PDF 文档", tongfa.MediaDOCX: "Word 文档", tongfa.MediaXLSX: "Excel 表格", tongfa.MediaCSV: "CSV 表格",
	tongfa.MediaTXT: "文本", tongfa.MediaMP4: "视频（MP4）",
}

// consoleLibrary shows the files of one unit the viewer may read, newest
// first, with the upload form for the unit's editors.
func (s *Server) consoleLibrary(w http.ResponseWriter, r *http.Request, v *view) error {
	p := principal(r)
	units := unitOptions(p, p.Tree.Readable(p.User))
	v.Title, v.Nav = "媒体库", "library"
	if len(units) == 0 { // a system administrator reads no unit's files
		v.Data = libraryView{Page: 1, Pages: 1}
		return s.render(w, http.StatusOK, "library", "layout", v)
	}
	unit, err := chosenUnit(r, units)
	if err != nil {
		return err
	}
	page := 1
	if n, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && n > 0 {
		page = n
	}
	list, total, err := s.Media.List(r.Context(), p, unit, page, libraryPerPage)
	if err != nil {
		return err
	}
	d := libraryView{Unit: unit, Units: units, Upload: media.MayUpload(p, unit), Page: page, Total: total,
		Pages: max(1, (total+libraryPerPage-1)/libraryPerPage)}
	if page > 1 {
		d.Prev = page - 1
	}
	if page < d.Pages {
		d.Next = page + 1
	}
	for _, o := range list {
		f := libraryFile{MediaObject: o, Kind: mediaKinds[o.Type], Size: humanSize(o.Size), Picture: o.Type.Image()}
		if f.Kind == "" {
			f.Kind = string(o.Type)
		}
		if o.Width > 0 {
			f.Dimensions = fmt.Sprintf("%d×%d", o.Width, o.Height)
		}
		d.Files = append(d.Files, f)
	}
	v.Data = d
	return s.render(w, http.StatusOK, "library", "layout", v)
}

// humanSize writes a file size as operators read it.
func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d 字节", n)
}
