package provider

import (
	"fmt"
	"math"
	"net"
	"runtime"
	"sort"
	"strings"
	"syscall"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// The node resolves container environments itself (vknode sets
// virtual-kubelet's SkipDownwardAPIResolution): virtual-kubelet v1.14.1
// rejects fieldRefs such as status.podIP, which it cannot know before the
// provider has attached the pod to the network, and leaves resourceFieldRef
// variables empty. Resolution happens when a container starts, as on the
// kubelet, so the pod IP is known and Secrets created after the pod are seen.

// environment builds the process environment of container c: PATH and
// HOSTNAME, the Service variables (KUBERNETES_SERVICE_HOST, ...), then envFrom sources, then env entries in order, with $(VAR)
// references to earlier variables expanded as the kubelet does.
func (p *Provider) environment(pr *podRuntime, c corev1.Container) ([]string, error) {
	pod := pr.pod
	values := map[string]string{}
	var order []string
	set := func(name, value string) {
		if _, seen := values[name]; !seen {
			order = append(order, name)
		}
		values[name] = value
	}
	set("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
	set("HOSTNAME", pod.Name)
	for _, kv := range p.serviceEnv(pod) {
		set(kv[0], kv[1])
	}
	optional := func(b *bool) bool { return b != nil && *b }
	for _, from := range c.EnvFrom {
		var data map[string][]byte
		var err error
		switch {
		case from.ConfigMapRef != nil:
			data, err = p.configMapData(pod.Namespace, from.ConfigMapRef.Name)
			if err != nil && optional(from.ConfigMapRef.Optional) {
				data, err = nil, nil
			}
		case from.SecretRef != nil:
			data, err = p.secretData(pod.Namespace, from.SecretRef.Name)
			if err != nil && optional(from.SecretRef.Optional) {
				data, err = nil, nil
			}
		}
		if err != nil {
			return nil, fmt.Errorf("envFrom of container %s: %w", c.Name, err)
		}
		for k, v := range data {
			set(from.Prefix+k, string(v))
		}
	}
	for _, e := range c.Env {
		if e.ValueFrom == nil {
			set(e.Name, expandVars(e.Value, values))
			continue
		}
		v, ok, err := p.envValueFrom(pr, c, e.ValueFrom)
		if err != nil {
			return nil, fmt.Errorf("env %s of container %s: %w", e.Name, c.Name, err)
		}
		if ok {
			set(e.Name, v)
		}
	}
	env := make([]string, 0, len(order))
	for _, name := range order {
		env = append(env, name+"="+values[name])
	}
	return env, nil
}

// serviceEnv returns the docker-link style variables the kubelet gives
// every container: those of the default namespace's kubernetes Service
// always, and of the pod's namespace's Services unless enableServiceLinks
// is false. Only Services with a cluster IP count.
func (p *Provider) serviceEnv(pod *corev1.Pod) [][2]string {
	if p.services == nil {
		return nil
	}
	links := pod.Spec.EnableServiceLinks == nil || *pod.Spec.EnableServiceLinks
	chosen := map[string]*corev1.Service{}
	all, err := p.services.List(labels.Everything())
	if err != nil {
		return nil
	}
	for _, svc := range all {
		if svc.Spec.ClusterIP == "" || svc.Spec.ClusterIP == corev1.ClusterIPNone {
			continue
		}
		switch {
		case svc.Namespace == metav1.NamespaceDefault && svc.Name == "kubernetes":
			if _, seen := chosen[svc.Name]; !seen {
				chosen[svc.Name] = svc
			}
		case svc.Namespace == pod.Namespace && links:
			chosen[svc.Name] = svc
		}
	}
	names := make([]string, 0, len(chosen))
	for name := range chosen {
		names = append(names, name)
	}
	sort.Strings(names)
	var out [][2]string
	for _, name := range names {
		svc := chosen[name]
		prefix := strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
		ip := svc.Spec.ClusterIP
		for i, port := range svc.Spec.Ports {
			proto := strings.ToUpper(string(port.Protocol))
			if proto == "" {
				proto = "TCP"
			}
			addr := fmt.Sprintf("%s://%s", strings.ToLower(proto), net.JoinHostPort(ip, fmt.Sprint(port.Port)))
			if i == 0 {
				out = append(out, [2]string{prefix + "_SERVICE_HOST", ip}, [2]string{prefix + "_SERVICE_PORT", fmt.Sprint(port.Port)},
					[2]string{prefix + "_PORT", addr})
			}
			if port.Name != "" {
				out = append(out, [2]string{prefix + "_SERVICE_PORT_" + strings.ToUpper(strings.ReplaceAll(port.Name, "-", "_")), fmt.Sprint(port.Port)})
			}
			base := fmt.Sprintf("%s_PORT_%d_%s", prefix, port.Port, proto)
			out = append(out, [2]string{base, addr}, [2]string{base + "_PROTO", strings.ToLower(proto)},
				[2]string{base + "_PORT", fmt.Sprint(port.Port)}, [2]string{base + "_ADDR", ip})
		}
	}
	return out
}

// envValueFrom resolves one valueFrom; ok is false for a missing optional
// key, which leaves the variable unset.
func (p *Provider) envValueFrom(pr *podRuntime, c corev1.Container, from *corev1.EnvVarSource) (string, bool, error) {
	pod := pr.pod
	optional := func(b *bool) bool { return b != nil && *b }
	switch {
	case from.FieldRef != nil:
		v, err := p.fieldValue(pr, from.FieldRef.FieldPath)
		return v, err == nil, err
	case from.ResourceFieldRef != nil:
		v, err := resourceValue(c, from.ResourceFieldRef)
		return v, err == nil, err
	case from.SecretKeyRef != nil:
		ref := from.SecretKeyRef
		data, err := p.secretData(pod.Namespace, ref.Name)
		if err != nil {
			if optional(ref.Optional) {
				return "", false, nil
			}
			return "", false, fmt.Errorf("secret %s: %w", ref.Name, err)
		}
		v, found := data[ref.Key]
		if !found && !optional(ref.Optional) {
			return "", false, fmt.Errorf("secret %s has no key %q", ref.Name, ref.Key)
		}
		return string(v), found, nil
	case from.ConfigMapKeyRef != nil:
		ref := from.ConfigMapKeyRef
		data, err := p.configMapData(pod.Namespace, ref.Name)
		if err != nil {
			if optional(ref.Optional) {
				return "", false, nil
			}
			return "", false, fmt.Errorf("config map %s: %w", ref.Name, err)
		}
		v, found := data[ref.Key]
		if !found && !optional(ref.Optional) {
			return "", false, fmt.Errorf("config map %s has no key %q", ref.Name, ref.Key)
		}
		return string(v), found, nil
	}
	return "", false, fmt.Errorf("unsupported valueFrom")
}

// fieldValue is the downward API for environment variables.
func (p *Provider) fieldValue(pr *podRuntime, path string) (string, error) {
	pod := pr.pod
	if name, key, ok := subscript(path); ok {
		switch name {
		case "metadata.labels":
			return pod.Labels[key], nil
		case "metadata.annotations":
			return pod.Annotations[key], nil
		}
	}
	podIP := ""
	switch {
	case pr.ep != nil:
		podIP = pr.ep.IP.String()
	case pod.Spec.HostNetwork:
		podIP = p.cfg.NodeIP.String()
	}
	switch path {
	case "metadata.name":
		return pod.Name, nil
	case "metadata.namespace":
		return pod.Namespace, nil
	case "metadata.uid":
		return string(pod.UID), nil
	case "metadata.labels":
		return formatMap(pod.Labels), nil
	case "metadata.annotations":
		return formatMap(pod.Annotations), nil
	case "spec.nodeName":
		return pod.Spec.NodeName, nil
	case "spec.serviceAccountName":
		return pod.Spec.ServiceAccountName, nil
	case "status.hostIP", "status.hostIPs":
		return p.cfg.NodeIP.String(), nil
	case "status.podIP", "status.podIPs":
		return podIP, nil
	}
	return "", fmt.Errorf("fieldPath %s is not supported by this node", path)
}

// subscript splits "metadata.labels['key']".
func subscript(path string) (string, string, bool) {
	open := strings.Index(path, "['")
	if open < 0 || !strings.HasSuffix(path, "']") {
		return "", "", false
	}
	return path[:open], path[open+2 : len(path)-2], true
}

// resourceValue follows the kubelet: a limit that is not set is the
// node's capacity; the value is divided by the divisor and rounded up.
func resourceValue(c corev1.Container, ref *corev1.ResourceFieldSelector) (string, error) {
	kind, name, ok := strings.Cut(ref.Resource, ".")
	if !ok {
		return "", fmt.Errorf("resource %q is not limits.X or requests.X", ref.Resource)
	}
	list := c.Resources.Limits
	if kind == "requests" {
		list = c.Resources.Requests
	}
	q, set := list[corev1.ResourceName(name)]
	if !set {
		switch {
		case kind == "limits" && name == "cpu":
			q = *resource.NewQuantity(int64(runtime.NumCPU()), resource.DecimalSI)
		case kind == "limits" && name == "memory":
			var si syscall.Sysinfo_t
			if err := syscall.Sysinfo(&si); err != nil {
				return "", err
			}
			q = *resource.NewQuantity(int64(si.Totalram)*int64(si.Unit), resource.BinarySI)
		case kind == "limits" && name == "ephemeral-storage":
			q = *resource.NewQuantity(math.MaxInt64/2, resource.BinarySI)
		default:
			q = resource.Quantity{}
		}
	}
	divisor := ref.Divisor
	if divisor.IsZero() {
		divisor = *resource.NewQuantity(1, resource.DecimalSI)
	}
	if name == "cpu" {
		m, d := q.MilliValue(), divisor.MilliValue()
		return fmt.Sprint((m + d - 1) / d), nil
	}
	v, d := q.Value(), divisor.Value()
	return fmt.Sprint((v + d - 1) / d), nil
}

// expandVars replaces $(NAME) with an earlier variable's value; $$ is a
// literal $ and unknown references stay as written, as on the kubelet.
func expandVars(s string, values map[string]string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '(':
			end := strings.IndexByte(s[i+2:], ')')
			if end < 0 {
				b.WriteByte(s[i])
				continue
			}
			name := s[i+2 : i+2+end]
			if v, ok := values[name]; ok {
				b.WriteString(v)
			} else {
				b.WriteString(s[i : i+3+end])
			}
			i += 2 + end
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
