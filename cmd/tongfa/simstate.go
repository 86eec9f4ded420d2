package main

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/tongfa/tongfa/connectors/sim"
)

// simSaveEvery is how often a running simulator's posts are written out,
// so that even a killed demo keeps the links it recorded.
const simSaveEvery = 5 * time.Second

// simState keeps a simulator's posts and pages in a file across restarts.
// The zero path keeps nothing.
type simState struct {
	path string
	s    *sim.Server
	last []byte // what the file holds
}

// keepSimState loads the file into s, if there is one yet.
func keepSimState(path string, s *sim.Server) (*simState, error) {
	k := &simState{path: path, s: s}
	if path == "" {
		return k, nil
	}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return k, nil
	case err != nil:
		return nil, failure(err, "无法读取模拟器状态：%s", fileProblem(path, err))
	}
	if err := s.Load(bytes.NewReader(b)); err != nil {
		return nil, failure(err, "模拟器状态文件 %s 无法识别，请删除它或换一个文件", path)
	}
	k.last = b
	return k, nil
}

// run saves every simSaveEvery until ctx ends; the returned func waits
// for the last save and reports its error.
func (k *simState) run(ctx context.Context) func() error {
	if k.path == "" {
		return func() error { return nil }
	}
	done := make(chan error, 1)
	go func() {
		t := time.NewTicker(simSaveEvery)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				k.save() //nolint:errcheck // the final save reports
			case <-ctx.Done():
				done <- k.save()
				return
			}
		}
	}()
	return func() error { return <-done }
}

// save writes the state when it changed, atomically: a crash mid-write
// leaves the previous file.
func (k *simState) save() error {
	var b bytes.Buffer
	if err := k.s.Save(&b); err != nil {
		return err
	}
	if bytes.Equal(b.Bytes(), k.last) {
		return nil
	}
	err := os.MkdirAll(filepath.Dir(k.path), 0o755)
	var tmp *os.File
	if err == nil {
		tmp, err = os.CreateTemp(filepath.Dir(k.path), ".sim-state-*")
	}
	if err == nil {
		_, err = tmp.Write(b.Bytes())
		err = errors.Join(err, tmp.Close())
		if err == nil {
			err = os.Rename(tmp.Name(), k.path)
		}
		os.Remove(tmp.Name()) //nolint:errcheck // gone after a rename
	}
	if err != nil {
		return failure(err, "无法保存模拟器状态：%s", fileProblem(k.path, err))
	}
	k.last = b.Bytes()
	return nil
}
