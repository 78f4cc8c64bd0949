package provider

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/virtual-kubelet/virtual-kubelet/node/api"
)

// Container output is stored one line per record, prefixed with the time
// the line was read: "<RFC3339Nano> <stream> <text>". The timestamp is what
// makes `sinceTime` work (the Gateway API mirror tests ask for logs since a
// point in time and look for a request line).

// logFile serialises writes of the stdout and stderr copiers of one
// container into one file.
type logFile struct {
	mu sync.Mutex
	f  *os.File
}

func openLog(path string) (*logFile, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	return &logFile{f: f}, nil
}

// copyLines reads r line by line and appends each line with a timestamp.
func (l *logFile) copyLines(stream string, r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := time.Now().UTC().Format(time.RFC3339Nano) + " " + stream + " " + sc.Text() + "\n"
		l.mu.Lock()
		_, _ = l.f.WriteString(line)
		l.mu.Unlock()
	}
}

func (l *logFile) Close() error { return l.f.Close() }

// logRecord is one parsed line.
type logRecord struct {
	ts   time.Time
	text string
}

func parseRecord(line string) (logRecord, bool) {
	tsText, rest, ok := strings.Cut(line, " ")
	if !ok {
		return logRecord{}, false
	}
	ts, err := time.Parse(time.RFC3339Nano, tsText)
	if err != nil {
		return logRecord{}, false
	}
	_, text, _ := strings.Cut(rest, " ") // drop the stream name
	return logRecord{ts: ts, text: text}, true
}

// format renders a record the way the kubelet does: the raw text, or with
// timestamps=true the RFC3339Nano time, a space and the text.
func (r logRecord) format(timestamps bool) string {
	if timestamps {
		return r.ts.Format(time.RFC3339Nano) + " " + r.text + "\n"
	}
	return r.text + "\n"
}

// since returns the lower time bound of opts, or the zero time.
func since(opts api.ContainerLogOpts) time.Time {
	if !opts.SinceTime.IsZero() {
		return opts.SinceTime
	}
	if opts.SinceSeconds > 0 {
		return time.Now().Add(-time.Duration(opts.SinceSeconds) * time.Second)
	}
	return time.Time{}
}

// readLogs renders the stored log of a container according to opts. With
// Follow it keeps streaming new lines until ctx ends.
func readLogs(ctx context.Context, path string, opts api.ContainerLogOpts) (io.ReadCloser, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	from := since(opts)
	var records []logRecord
	for _, line := range strings.Split(string(data), "\n") {
		rec, ok := parseRecord(line)
		if !ok || rec.ts.Before(from) {
			continue
		}
		records = append(records, rec)
	}
	if opts.Tail > 0 && len(records) > opts.Tail {
		records = records[len(records)-opts.Tail:]
	}
	var buf bytes.Buffer
	for _, rec := range records {
		buf.WriteString(rec.format(opts.Timestamps))
	}
	if !opts.Follow {
		out := buf.Bytes()
		if opts.LimitBytes > 0 && len(out) > opts.LimitBytes {
			out = out[:opts.LimitBytes]
		}
		return io.NopCloser(bytes.NewReader(out)), nil
	}
	pr, pw := io.Pipe()
	go func() {
		defer pw.Close()
		if _, err := pw.Write(buf.Bytes()); err != nil {
			return
		}
		offset := int64(len(data))
		var partial string
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(250 * time.Millisecond):
			}
			f, err := os.Open(path)
			if err != nil {
				return
			}
			_, _ = f.Seek(offset, io.SeekStart)
			more, _ := io.ReadAll(f)
			f.Close()
			if len(more) == 0 {
				continue
			}
			offset += int64(len(more))
			lines := strings.Split(partial+string(more), "\n")
			partial = lines[len(lines)-1]
			for _, line := range lines[:len(lines)-1] {
				if rec, ok := parseRecord(line); ok {
					if _, err := pw.Write([]byte(rec.format(opts.Timestamps))); err != nil {
						return
					}
				}
			}
		}
	}()
	return pr, nil
}
