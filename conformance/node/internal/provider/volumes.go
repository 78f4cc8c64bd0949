package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Volumes are materialised as directories under <pod dir>/volumes/<name>
// and bind-mounted at each container's mountPath inside the container's
// private mount namespace (see mountScript). Secret, ConfigMap,
// downward-API, projected (including service-account tokens), emptyDir
// and hostPath volumes are supported.

// tokenLifetime is what the kubelet asks for by default; the token file is
// rewritten well before it expires.
const tokenLifetime = 3607 * time.Second

func (p *Provider) volumeDir(pr *podRuntime, name string) string {
	return filepath.Join(pr.dir, "volumes", name)
}

// prepareVolumes writes the content of every volume of the pod.
func (p *Provider) prepareVolumes(ctx context.Context, pr *podRuntime) error {
	for _, v := range pr.pod.Spec.Volumes {
		dir := p.volumeDir(pr, v.Name)
		if v.HostPath != nil {
			continue // mounted straight from the host
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		files, err := p.volumeFiles(ctx, pr.pod, v)
		if err != nil {
			return fmt.Errorf("volume %s: %w", v.Name, err)
		}
		if err := writeFiles(dir, files); err != nil {
			return fmt.Errorf("volume %s: %w", v.Name, err)
		}
	}
	return nil
}

// refreshTokens rewrites projected service-account tokens periodically so
// long-running pods (our controller during a whole suite run) keep a
// valid token, like the kubelet does.
func (p *Provider) refreshTokens(ctx context.Context, pr *podRuntime) {
	hasToken := false
	for _, v := range pr.pod.Spec.Volumes {
		if v.Projected != nil {
			for _, s := range v.Projected.Sources {
				if s.ServiceAccountToken != nil {
					hasToken = true
				}
			}
		}
	}
	if !hasToken {
		return
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(tokenLifetime / 3):
		}
		if err := p.prepareVolumes(ctx, pr); err != nil && ctx.Err() == nil {
			fmt.Fprintf(os.Stderr, "provider: refreshing volumes of %s/%s: %v\n", pr.pod.Namespace, pr.pod.Name, err)
		}
	}
}

// writeFiles writes each file through a temporary name and a rename, so
// a reader inside the pod never sees a half-written file.
func writeFiles(dir string, files map[string][]byte) error {
	for rel, data := range files {
		clean := filepath.Clean(rel)
		if filepath.IsAbs(clean) || strings.HasPrefix(clean, "..") {
			return fmt.Errorf("invalid file path %q", rel)
		}
		path := filepath.Join(dir, clean)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		tmp := path + ".tmp"
		if err := os.WriteFile(tmp, data, 0o644); err != nil {
			return err
		}
		if err := os.Rename(tmp, path); err != nil {
			return err
		}
	}
	return nil
}

func pick(data map[string][]byte, items []corev1.KeyToPath, optional bool, what string) (map[string][]byte, error) {
	out := map[string][]byte{}
	if len(items) == 0 {
		for k, v := range data {
			out[k] = v
		}
		return out, nil
	}
	for _, it := range items {
		v, ok := data[it.Key]
		if !ok {
			if optional {
				continue
			}
			return nil, fmt.Errorf("%s has no key %q", what, it.Key)
		}
		out[it.Path] = v
	}
	return out, nil
}

func (p *Provider) secretData(namespace, name string) (map[string][]byte, error) {
	if p.secrets == nil {
		return nil, fmt.Errorf("no secret lister")
	}
	s, err := p.secrets.Secrets(namespace).Get(name)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for k, v := range s.Data {
		out[k] = v
	}
	for k, v := range s.StringData {
		out[k] = []byte(v)
	}
	return out, nil
}

func (p *Provider) configMapData(namespace, name string) (map[string][]byte, error) {
	if p.configMaps == nil {
		return nil, fmt.Errorf("no config map lister")
	}
	cm, err := p.configMaps.ConfigMaps(namespace).Get(name)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for k, v := range cm.Data {
		out[k] = []byte(v)
	}
	for k, v := range cm.BinaryData {
		out[k] = v
	}
	return out, nil
}

func (p *Provider) volumeFiles(ctx context.Context, pod *corev1.Pod, v corev1.Volume) (map[string][]byte, error) {
	optional := func(b *bool) bool { return b != nil && *b }
	switch {
	case v.EmptyDir != nil:
		return nil, nil
	case v.Secret != nil:
		data, err := p.secretData(pod.Namespace, v.Secret.SecretName)
		if err != nil {
			if optional(v.Secret.Optional) {
				return nil, nil
			}
			return nil, err
		}
		return pick(data, v.Secret.Items, optional(v.Secret.Optional), "secret "+v.Secret.SecretName)
	case v.ConfigMap != nil:
		data, err := p.configMapData(pod.Namespace, v.ConfigMap.Name)
		if err != nil {
			if optional(v.ConfigMap.Optional) {
				return nil, nil
			}
			return nil, err
		}
		return pick(data, v.ConfigMap.Items, optional(v.ConfigMap.Optional), "config map "+v.ConfigMap.Name)
	case v.DownwardAPI != nil:
		return downwardFiles(pod, v.DownwardAPI.Items)
	case v.Projected != nil:
		out := map[string][]byte{}
		for _, s := range v.Projected.Sources {
			var part map[string][]byte
			var err error
			switch {
			case s.Secret != nil:
				var data map[string][]byte
				data, err = p.secretData(pod.Namespace, s.Secret.Name)
				if err == nil {
					part, err = pick(data, s.Secret.Items, optional(s.Secret.Optional), "secret "+s.Secret.Name)
				} else if optional(s.Secret.Optional) {
					err = nil
				}
			case s.ConfigMap != nil:
				var data map[string][]byte
				data, err = p.configMapData(pod.Namespace, s.ConfigMap.Name)
				if err == nil {
					part, err = pick(data, s.ConfigMap.Items, optional(s.ConfigMap.Optional), "config map "+s.ConfigMap.Name)
				} else if optional(s.ConfigMap.Optional) {
					err = nil
				}
			case s.DownwardAPI != nil:
				part, err = downwardFiles(pod, s.DownwardAPI.Items)
			case s.ServiceAccountToken != nil:
				var token string
				token, err = p.serviceAccountToken(ctx, pod, s.ServiceAccountToken)
				part = map[string][]byte{s.ServiceAccountToken.Path: []byte(token)}
			}
			if err != nil {
				return nil, err
			}
			for k, v := range part {
				out[k] = v
			}
		}
		return out, nil
	default:
		return nil, fmt.Errorf("unsupported volume type")
	}
}

func downwardFiles(pod *corev1.Pod, items []corev1.DownwardAPIVolumeFile) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, it := range items {
		if it.FieldRef == nil {
			return nil, fmt.Errorf("downward API item %s: only fieldRef is supported", it.Path)
		}
		var val string
		switch it.FieldRef.FieldPath {
		case "metadata.name":
			val = pod.Name
		case "metadata.namespace":
			val = pod.Namespace
		case "metadata.uid":
			val = string(pod.UID)
		case "metadata.labels":
			val = formatMap(pod.Labels)
		case "metadata.annotations":
			val = formatMap(pod.Annotations)
		case "spec.serviceAccountName":
			val = pod.Spec.ServiceAccountName
		case "spec.nodeName":
			val = pod.Spec.NodeName
		default:
			return nil, fmt.Errorf("downward API field %s is not supported", it.FieldRef.FieldPath)
		}
		out[it.Path] = []byte(val)
	}
	return out, nil
}

func formatMap(m map[string]string) string {
	var lines []string
	for k, v := range m {
		lines = append(lines, fmt.Sprintf("%s=%q", k, v))
	}
	return strings.Join(lines, "\n")
}

// serviceAccountToken asks the API server for a token bound to the pod,
// as the kubelet does for projected token volumes.
func (p *Provider) serviceAccountToken(ctx context.Context, pod *corev1.Pod, src *corev1.ServiceAccountTokenProjection) (string, error) {
	if p.cfg.Client == nil {
		return "", fmt.Errorf("no API client for token requests")
	}
	seconds := int64(tokenLifetime / time.Second)
	if src.ExpirationSeconds != nil {
		seconds = *src.ExpirationSeconds
	}
	req := &authenticationv1.TokenRequest{
		Spec: authenticationv1.TokenRequestSpec{
			ExpirationSeconds: &seconds,
			BoundObjectRef:    &authenticationv1.BoundObjectReference{Kind: "Pod", APIVersion: "v1", Name: pod.Name, UID: pod.UID},
		},
	}
	if src.Audience != "" {
		req.Spec.Audiences = []string{src.Audience}
	}
	sa := pod.Spec.ServiceAccountName
	if sa == "" {
		sa = "default"
	}
	resp, err := p.cfg.Client.CoreV1().ServiceAccounts(pod.Namespace).CreateToken(ctx, sa, req, metav1.CreateOptions{})
	if err != nil {
		return "", fmt.Errorf("token for service account %s/%s: %w", pod.Namespace, sa, err)
	}
	return resp.Status.Token, nil
}

// mountScript returns a shell script that, inside the container's private
// mount namespace, bind-mounts each volume at its mountPath and then execs
// the program ("$0" "$@"). Mount points are created on the host file
// system if missing (the namespace shares it); the mounts themselves stay
// private to the container.
//
// Sources are first bind-mounted to staging points and only then to their
// targets, parents before children: a volume mounted at a directory that
// holds other volumes' sources (an emptyDir at /tmp while the node's state
// lives under /tmp) would otherwise hide them.
func (p *Provider) mountScript(pr *podRuntime, c corev1.Container) (string, error) {
	if len(c.VolumeMounts) == 0 {
		return "", nil
	}
	vols := map[string]corev1.Volume{}
	for _, v := range pr.pod.Spec.Volumes {
		vols[v.Name] = v
	}
	type mount struct {
		src, stage, target string
		dir, readOnly      bool
	}
	var mounts []mount
	var targets []string
	for _, m := range c.VolumeMounts {
		v, ok := vols[m.Name]
		if !ok {
			return "", fmt.Errorf("container %s mounts unknown volume %s", c.Name, m.Name)
		}
		src := p.volumeDir(pr, m.Name)
		if v.HostPath != nil {
			src = v.HostPath.Path
		}
		if m.SubPath != "" {
			src = filepath.Join(src, m.SubPath)
		}
		info, err := os.Stat(src)
		if err != nil {
			return "", fmt.Errorf("volume %s: %w", m.Name, err)
		}
		mounts = append(mounts, mount{src: src, target: filepath.Clean(m.MountPath), dir: info.IsDir(), readOnly: m.ReadOnly})
		targets = append(targets, filepath.Clean(m.MountPath))
	}
	stageRoot := filepath.Join(pr.dir, "mnt", c.Name)
	if under(stageRoot, targets) {
		stageRoot = filepath.Join(stagingRoot, string(pr.pod.UID), c.Name)
		if under(stageRoot, targets) {
			return "", fmt.Errorf("container %s: every staging directory for its volumes lies under one of its mount paths", c.Name)
		}
	}
	if err := os.MkdirAll(stageRoot, 0o755); err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("set -e\n")
	for i := range mounts {
		m := &mounts[i]
		m.stage = filepath.Join(stageRoot, fmt.Sprint(i))
		if m.dir {
			if err := os.MkdirAll(m.stage, 0o755); err != nil {
				return "", err
			}
		} else if err := os.WriteFile(m.stage, nil, 0o644); err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "mount --bind %s %s\n", shellQuote(m.src), shellQuote(m.stage))
	}
	sort.SliceStable(mounts, func(i, j int) bool {
		return strings.Count(mounts[i].target, "/") < strings.Count(mounts[j].target, "/")
	})
	for _, m := range mounts {
		if m.dir {
			fmt.Fprintf(&b, "mkdir -p %s\n", shellQuote(m.target))
		} else {
			fmt.Fprintf(&b, "mkdir -p %s; [ -e %s ] || : > %s\n", shellQuote(filepath.Dir(m.target)), shellQuote(m.target), shellQuote(m.target))
		}
		fmt.Fprintf(&b, "mount --bind %s %s\n", shellQuote(m.stage), shellQuote(m.target))
		if m.readOnly {
			fmt.Fprintf(&b, "mount -o remount,bind,ro %s\n", shellQuote(m.target))
		}
	}
	b.WriteString("exec \"$0\" \"$@\"\n")
	return b.String(), nil
}

// stagingRoot holds staging points when a pod's own directory would be
// hidden by one of its mounts; removed with the pod.
const stagingRoot = "/run/agjcp-mnt"

// under reports whether path is one of dirs or lies below one of them.
func under(path string, dirs []string) bool {
	for _, d := range dirs {
		if d == "/" || path == d || strings.HasPrefix(path, d+"/") {
			return true
		}
	}
	return false
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
