package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tongfa/tongfa"
)

// errUsage reports a command-line mistake; run prints it and exits 2.
type errUsage struct{ msg string }

func (e errUsage) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return errUsage{msg: strings.TrimSpace(fmt.Sprintf(format, args...))}
}

// exitCode lets a command choose its exit status after printing its own
// output (e.g. `check` exits 1 when the text is blocked).
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// helpRequested is -h or --help: run prints the command's help, exit 0.
type helpRequested struct{ fs *flag.FlagSet }

func (helpRequested) Error() string { return "help requested" }

// failure is an error whose operator message is Chinese while the Go
// chain behind it stays available to developers (TONGFA_DEBUG=1).
func failure(err error, format string, args ...any) error {
	return &tongfa.Error{Code: tongfa.ErrorCode(err), Message: fmt.Sprintf(format, args...), Err: err}
}

// operatorMessage is the one Chinese sentence run prints for err: the
// Message of a tongfa.Error, never its wrapped chain, or a description of
// the common failures of a command-line run.
func operatorMessage(err error) string {
	var e *tongfa.Error
	var ce *pgconn.ConnectError
	var pe *fs.PathError
	var oe *net.OpError
	switch {
	case errors.As(err, &e):
		return sentence(e.Message)
	case errors.As(err, &ce):
		return "无法连接数据库，请检查 TONGFA_DATABASE_URL，并确认 PostgreSQL 正在运行。"
	case errors.As(err, &pe):
		return sentence(fileProblem(pe.Path, err))
	case errors.As(err, &oe) && oe.Op == "dial":
		return fmt.Sprintf("无法连接 %v，请确认该服务正在运行。", oe.Addr)
	case errors.Is(err, context.Canceled):
		return "已中止。"
	}
	return "操作未能完成；设置环境变量 TONGFA_DEBUG=1 再运行一次可看到详细原因。"
}

// fileProblem says in Chinese why a file could not be used.
func fileProblem(path string, err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("文件 %s 不存在", path)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Sprintf("没有权限读写文件 %s", path)
	case errors.Is(err, syscall.EISDIR):
		return fmt.Sprintf("%s 是目录，不是文件", path)
	}
	return fmt.Sprintf("无法读写文件 %s", path)
}

// listenProblem says in Chinese why an address could not be listened on.
func listenProblem(addr string, err error) string {
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Sprintf("地址 %s 已被其他程序占用，请换一个端口", addr)
	case errors.Is(err, syscall.EACCES):
		return fmt.Sprintf("没有权限监听地址 %s", addr)
	}
	return fmt.Sprintf("无法监听地址 %s", addr)
}

// sentence ends a message with a full stop unless it already ends with
// punctuation.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s[len(s)-1:], ".!?") || strings.HasSuffix(s, "。") ||
		strings.HasSuffix(s, "！") || strings.HasSuffix(s, "？") {
		return s
	}
	return s + "。"
}
