package localcluster

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// process is one control-plane component started by this package. Its pid
// is also written to <run dir>/pids/<name>, so that a later `down` from
// another process can stop it.
type process struct {
	name string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has been reaped
}

func pidDir(runDir string) string { return filepath.Join(runDir, "pids") }

// startProcess runs bin with args; stdout and stderr go to
// <run dir>/logs/<name>.log. The process gets its own session so that it
// outlives the command that started it (`devcluster up`) and does not get
// the terminal's Ctrl-C.
func startProcess(runDir, name, bin string, args []string) (*process, error) {
	logDir := filepath.Join(runDir, "logs")
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(pidDir(runDir), 0o755); err != nil {
		return nil, err
	}
	logFile, err := os.OpenFile(filepath.Join(logDir, name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child keeps its own descriptor
	cmd := exec.Command(bin, args...)
	cmd.Dir = runDir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(p.done)
	}()
	pidFile := filepath.Join(pidDir(runDir), name)
	if err := os.WriteFile(pidFile, []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o644); err != nil {
		_ = cmd.Process.Kill()
		return nil, err
	}
	return p, nil
}

// exited reports whether the process has already died (used to fail fast
// with its log instead of waiting for a timeout).
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// logTail returns the last lines of a component's log for error messages.
func logTail(runDir, name string, lines int) string {
	data, err := os.ReadFile(filepath.Join(runDir, "logs", name+".log"))
	if err != nil {
		return ""
	}
	all := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}

// alive reports whether pid is a running (not zombie) process.
func alive(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the parenthesised command name.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 || i+2 >= len(data) {
		return false
	}
	return data[i+2] != 'Z'
}

// stopPID sends SIGTERM to the process group of pid, waits up to grace for
// it to go away and then kills the group.
func stopPID(pid int, grace time.Duration) {
	if !alive(pid) {
		return
	}
	// Each component leads its own session and process group.
	_ = syscall.Kill(-pid, syscall.SIGTERM)
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		if !alive(pid) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	for i := 0; i < 50 && alive(pid); i++ {
		time.Sleep(100 * time.Millisecond)
	}
}

// stopAll stops the components recorded in runDir in the reverse order of
// their start, so the API server never loses etcd while controllers still
// talk to it.
func stopAll(runDir string) error {
	order := []string{"kube-scheduler", "kube-controller-manager", "kube-apiserver", "etcd"}
	entries, err := os.ReadDir(pidDir(runDir))
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	known := map[string]bool{}
	for _, n := range order {
		known[n] = true
	}
	// Anything unexpected in the pid directory is stopped first.
	for _, e := range entries {
		if !known[e.Name()] {
			order = append([]string{e.Name()}, order...)
		}
	}
	for _, name := range order {
		file := filepath.Join(pidDir(runDir), name)
		data, err := os.ReadFile(file)
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
		if err != nil || pid <= 1 || !isComponent(pid, name) {
			_ = os.Remove(file)
			continue
		}
		grace := 10 * time.Second
		if name == "vknode" {
			// The node stops its pods (and their namespaces) first.
			grace = 45 * time.Second
		}
		stopPID(pid, grace)
		_ = os.Remove(file)
	}
	return nil
}

// isComponent guards against pid reuse after a crash: only a process whose
// program name matches the recorded component is signalled.
func isComponent(pid int, name string) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return false
	}
	argv0, _, _ := bytes.Cut(data, []byte{0})
	return filepath.Base(string(argv0)) == name
}
