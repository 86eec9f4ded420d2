package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/tongfa/tongfa"
)

// BadCheckpoint is a checkpoint line that cannot be trusted: unreadable,
// or not signed under the key verification uses.
type BadCheckpoint struct {
	Line   int
	Reason string // for the operator (Chinese)
}

func (e *BadCheckpoint) Error() string {
	return fmt.Sprintf("校验点文件第 %d 行%s", e.Line, e.Reason)
}

// ReadCheckpoints reads checkpoint lines (blank lines skipped) and checks
// each signature under mac. A forged or altered checkpoint is an error,
// not something to skip: it means someone reached the file as well.
func ReadCheckpoints(r io.Reader, mac *tongfa.AuditMAC) ([]tongfa.AuditCheckpoint, error) {
	var out []tongfa.AuditCheckpoint
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var c tongfa.AuditCheckpoint
		if err := json.Unmarshal(bytes.Trim(line, "`"), &c); err != nil {
			return nil, &BadCheckpoint{Line: n, Reason: "无法解析：" + err.Error()}
		}
		if signer := tongfa.HashScheme(c.MAC); mac.For(signer) == nil {
			return nil, &BadCheckpoint{Line: n, Reason: fmt.Sprintf("由 %s 签发，而所配置的审计密钥是 %s：配置了错误的密钥，或校验点被伪造", signer, mac.Name())}
		}
		if !c.Valid(mac) {
			return nil, &BadCheckpoint{Line: n, Reason: "的签名无效：校验点被改动或伪造"}
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("读取校验点文件失败：%w", err)
	}
	return out, nil
}
