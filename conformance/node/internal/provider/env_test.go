package provider

import (
	"net"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	corev1listers "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"

	"github.com/agentgateway-jcp/agentgateway-jcp/conformance/node/internal/podnet"
)

func TestEnvironmentResolvesDownwardAPIAndExpands(t *testing.T) {
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "gw-1", Namespace: "infra", Labels: map[string]string{"app": "gw"}},
		Spec:       corev1.PodSpec{NodeName: "vk-0", ServiceAccountName: "gw"},
	}
	c := corev1.Container{
		Name: "proxy",
		Resources: corev1.ResourceRequirements{
			Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("64Mi")},
		},
		Env: []corev1.EnvVar{
			{Name: "IP", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "status.podIP"}}},
			{Name: "HOST", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "status.hostIP"}}},
			{Name: "NS", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.namespace"}}},
			{Name: "APP", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.labels['app']"}}},
			{Name: "SA", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "spec.serviceAccountName"}}},
			{Name: "CPU", ValueFrom: &corev1.EnvVarSource{ResourceFieldRef: &corev1.ResourceFieldSelector{Resource: "limits.cpu"}}},
			{Name: "MEM_MI", ValueFrom: &corev1.EnvVarSource{ResourceFieldRef: &corev1.ResourceFieldSelector{
				Resource: "limits.memory", Divisor: resource.MustParse("1Mi")}}},
			{Name: "ADDR", Value: "$(IP):8080 $$(IP) $(UNKNOWN)"},
		},
	}
	p := New(Config{NodeIP: net.ParseIP("10.244.0.1")})
	pr := &podRuntime{pod: pod, ep: &podnet.Endpoint{IP: net.ParseIP("10.244.0.7")}}
	env, err := p.environment(pr, c)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(env, "\n")
	for _, want := range []string{"IP=10.244.0.7", "HOST=10.244.0.1", "NS=infra", "APP=gw", "SA=gw",
		"MEM_MI=64", "ADDR=10.244.0.7:8080 $(IP) $(UNKNOWN)", "HOSTNAME=gw-1"} {
		if !strings.Contains(got, want+"\n") && !strings.HasSuffix(got, want) {
			t.Errorf("environment lacks %q:\n%s", want, got)
		}
	}
	if !strings.Contains(got, "CPU=") || strings.Contains(got, "CPU=0") {
		t.Errorf("limits.cpu without a limit should be the node's CPU count:\n%s", got)
	}
	if args := expandArgs([]string{"--ip=$(IP)", "$(NOPE)"}, env); args[0] != "--ip=10.244.0.7" || args[1] != "$(NOPE)" {
		t.Errorf("expandArgs = %v", args)
	}
}

func TestEnvironmentWaitsForMissingSecret(t *testing.T) {
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns"}}
	c := corev1.Container{Name: "c", Env: []corev1.EnvVar{{Name: "K", ValueFrom: &corev1.EnvVarSource{
		SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "s"}, Key: "k"}}}}}
	p := New(Config{NodeIP: net.ParseIP("10.244.0.1")})
	if _, err := p.environment(&podRuntime{pod: pod}, c); err == nil {
		t.Fatal("a missing Secret must hold the container back")
	}
}

func TestEnvironmentHasServiceVariables(t *testing.T) {
	idx := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})
	for _, svc := range []*corev1.Service{
		{ObjectMeta: metav1.ObjectMeta{Name: "kubernetes", Namespace: "default"},
			Spec: corev1.ServiceSpec{ClusterIP: "10.96.0.1", Ports: []corev1.ServicePort{{Name: "https", Port: 443, Protocol: corev1.ProtocolTCP}}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "echo-v1", Namespace: "ns"},
			Spec: corev1.ServiceSpec{ClusterIP: "10.96.0.9", Ports: []corev1.ServicePort{{Port: 8080}}}},
		{ObjectMeta: metav1.ObjectMeta{Name: "headless", Namespace: "ns"}, Spec: corev1.ServiceSpec{ClusterIP: "None"}},
		{ObjectMeta: metav1.ObjectMeta{Name: "elsewhere", Namespace: "other"}, Spec: corev1.ServiceSpec{ClusterIP: "10.96.0.5"}},
	} {
		if err := idx.Add(svc); err != nil {
			t.Fatal(err)
		}
	}
	p := New(Config{NodeIP: net.ParseIP("10.244.0.1")})
	p.SetListers(nil, nil, corev1listers.NewServiceLister(idx))
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "ns"}}
	env, err := p.environment(&podRuntime{pod: pod}, corev1.Container{Name: "c",
		Env: []corev1.EnvVar{{Name: "ECHO_V1_SERVICE_PORT", Value: "explicit wins"}}})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(env, "\n") + "\n"
	for _, want := range []string{"KUBERNETES_SERVICE_HOST=10.96.0.1", "KUBERNETES_SERVICE_PORT=443",
		"KUBERNETES_SERVICE_PORT_HTTPS=443", "KUBERNETES_PORT=tcp://10.96.0.1:443", "KUBERNETES_PORT_443_TCP_ADDR=10.96.0.1",
		"ECHO_V1_SERVICE_HOST=10.96.0.9", "ECHO_V1_SERVICE_PORT=explicit wins"} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("environment lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "HEADLESS_") || strings.Contains(got, "ELSEWHERE_") {
		t.Errorf("headless or other-namespace Services leaked into the environment:\n%s", got)
	}
}
