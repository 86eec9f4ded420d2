package sim

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// keyedFile is a file (a picture or an attachment) uploaded to the app
// backend or the website CMS before the article that shows it.
type keyedFile struct {
	ID       string `json:"id"`
	Key      string `json:"key"`
	URL      string `json:"url"`
	Name     string `json:"name"`
	Type     string `json:"type"`
	Size     int    `json:"size"`
	Received int    `json:"-"` // times it was created as a new file (1 for an exactly-once sender)
	data     []byte
}

// fileIn is an upload: POST /app/files or /website/api/files, JSON with
// the bytes in base64, idempotent by key.
type fileIn struct {
	Key    string `json:"key"`
	Name   string `json:"name"`
	Type   string `json:"type"`
	Data   string `json:"data"`
	SentAt int64  `json:"sent_at"`
}

// isFiles reports whether path (after the platform prefix) is the upload
// endpoint.
func isFiles(path string) bool { return path == "files" || path == "api/files" }

func (s *Server) keyedFiles(w http.ResponseWriter, r *http.Request, d dialect, st *keyedState, path string, body []byte) {
	s.serve(w, r, d, path, func() answer {
		var in fileIn
		if r.Method != http.MethodPost || json.Unmarshal(body, &in) != nil || in.Key == "" || in.Name == "" {
			return answer{400, map[string]any{"code": "invalid", "message": "缺少文件名或幂等键"}}
		}
		data, err := base64.StdEncoding.DecodeString(in.Data)
		if err != nil || len(data) == 0 {
			return answer{400, map[string]any{"code": "invalid", "message": "文件内容无效"}}
		}
		if f, ok := st.files[in.Key]; ok {
			return answer{200, f}
		}
		id := fmt.Sprintf("%s-file-%d", d.name, s.nextID())
		f := &keyedFile{ID: id, Key: in.Key, URL: base(r) + "/" + d.name + "/f/" + id, Name: in.Name, Type: in.Type,
			Size: len(data), Received: 1, data: data}
		st.files[in.Key], st.filesByID[id] = f, f
		return answer{201, f}
	})
}

// keyedFileServe serves an uploaded file at /{platform}/f/{id}.
func (s *Server) keyedFileServe(w http.ResponseWriter, st *keyedState, id string) {
	s.mu.Lock()
	f, ok := st.filesByID[id]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, nil)
		return
	}
	w.Header().Set("Content-Type", f.Type)
	w.Header().Set("Content-Disposition", "attachment")
	w.Write(f.data) //nolint:errcheck
}

// Files returns the files platform ("app" or "website") received, each
// once, by name.
func (s *Server) Files(platform string) map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := map[string]*keyedState{"app": s.app, "website": s.website}[platform]
	out := map[string]int{}
	if st == nil {
		return out
	}
	for _, f := range st.files {
		out[f.Name] += f.Received
	}
	return out
}

// FileData returns the bytes of the file platform received under name.
func (s *Server) FileData(platform, name string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := map[string]*keyedState{"app": s.app, "website": s.website}[platform]
	for _, f := range st.files {
		if strings.EqualFold(f.Name, name) {
			return f.data
		}
	}
	return nil
}
