package smoke

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"
)

// logWriter forwards progress lines of the harness to the test log.
type logWriter struct{ t *testing.T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// runKubectl runs kubectl against the test cluster and fails the test on
// error; stdin may be empty.
func runKubectl(ctx context.Context, t *testing.T, kubectl, kubeconfig, stdin string, args ...string) string {
	t.Helper()
	out, err := tryKubectl(ctx, kubectl, kubeconfig, stdin, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func tryKubectl(ctx context.Context, kubectl, kubeconfig, stdin string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, kubectl, append([]string{"--kubeconfig=" + kubeconfig}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return out.String(), &kubectlError{args: args, err: err, stderr: errOut.String()}
	}
	return out.String(), nil
}

type kubectlError struct {
	args   []string
	err    error
	stderr string
}

func (e *kubectlError) Error() string {
	return "kubectl " + strings.Join(e.args, " ") + ": " + e.err.Error() + "\n" + e.stderr
}
