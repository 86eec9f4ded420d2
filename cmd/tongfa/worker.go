package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
)

func init() {
	register(command{name: "worker", summary: "运行投递任务（可以同时运行多个）。", run: func(ctx context.Context, st Stdio, args []string) error {
		return runHub(ctx, st, "worker", args, false, true)
	}})
}

// workerID names this process's leases: host, pid and a random suffix.
func workerID() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b) //nolint:errcheck
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))
}
