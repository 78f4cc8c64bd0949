// Package provider is a virtual-kubelet provider that runs each container
// of a pod as a local process. Every pod gets its own network namespace on
// a bridge (package podnet) and the containers run inside it through
// `ip netns exec`, which also gives each of them a private mount namespace
// where files under /etc/netns/<ns>/ replace /etc/<file>.
//
// There are no images: a container's image repository is mapped to a local
// program (for example registry.k8s.io/gateway-api/echo-basic to an
// echo-basic binary built from the conformance module). A pod with an image
// that has no mapping is never started; its containers wait with reason
// ErrImageNotMapped and a message naming the image.
package provider

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/virtual-kubelet/virtual-kubelet/errdefs"
	"github.com/virtual-kubelet/virtual-kubelet/node/api"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	corev1listers "k8s.io/client-go/listers/core/v1"
	statsv1alpha1 "k8s.io/kubelet/pkg/apis/stats/v1alpha1"

	"github.com/agentgateway-jcp/agentgateway-jcp/conformance/node/internal/podnet"
)

// ReasonImageNotMapped is the waiting reason of containers whose image has
// no local program.
const ReasonImageNotMapped = "ErrImageNotMapped"

// Config configures the provider.
type Config struct {
	NodeName string
	NodeIP   net.IP
	Network  *podnet.Network
	StateDir string            // per-pod directories and container logs
	Images   map[string]string // image repository (no tag or digest) -> program
	Client   kubernetes.Interface
}

// Provider implements nodeutil.Provider and node.PodNotifier.
type Provider struct {
	cfg Config

	mu     sync.Mutex
	pods   map[string]*podRuntime
	notify func(*corev1.Pod)

	secrets    corev1listers.SecretLister
	configMaps corev1listers.ConfigMapLister
	services   corev1listers.ServiceLister
}

// SetListers gives the provider the caches virtual-kubelet maintains for
// Secret and ConfigMap volumes and for the Service environment variables.
func (p *Provider) SetListers(secrets corev1listers.SecretLister, configMaps corev1listers.ConfigMapLister, services corev1listers.ServiceLister) {
	p.secrets, p.configMaps, p.services = secrets, configMaps, services
}

type podRuntime struct {
	pod        *corev1.Pod
	ep         *podnet.Endpoint
	dir        string
	startTime  metav1.Time
	containers []*containerRuntime
	deleted    bool
	ctx        context.Context // ends when the pod is deleted
	cancel     context.CancelFunc
}

type containerRuntime struct {
	spec    corev1.Container
	program string
	logPath string

	// Guarded by Provider.mu.
	cmd       *exec.Cmd
	waiting   *corev1.ContainerStateWaiting
	running   *corev1.ContainerStateRunning
	last      *corev1.ContainerStateTerminated
	restarts  int32
	ready     bool
	stopping  bool
	stoppedCh chan struct{} // closed when the supervisor goroutine ends
}

// New returns a provider; pods are created by virtual-kubelet calls.
func New(cfg Config) *Provider {
	return &Provider{cfg: cfg, pods: map[string]*podRuntime{}}
}

func key(namespace, name string) string { return namespace + "/" + name }

// ImageRepository strips the tag and digest from an image reference.
func ImageRepository(image string) string {
	if i := strings.Index(image, "@"); i >= 0 {
		image = image[:i]
	}
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		image = image[:i]
	}
	return image
}

// NotifyPods is called once by virtual-kubelet; cb receives every status
// change.
func (p *Provider) NotifyPods(_ context.Context, cb func(*corev1.Pod)) {
	p.mu.Lock()
	p.notify = cb
	p.mu.Unlock()
}

// changed sends the current pod and status to virtual-kubelet. Must be
// called without p.mu held.
func (p *Provider) changed(pr *podRuntime) {
	p.mu.Lock()
	cb := p.notify
	pod := p.podWithStatus(pr)
	p.mu.Unlock()
	if cb != nil {
		cb(pod)
	}
}

// CreatePod starts the pod's network and containers.
func (p *Provider) CreatePod(ctx context.Context, pod *corev1.Pod) error {
	k := key(pod.Namespace, pod.Name)
	p.mu.Lock()
	if _, ok := p.pods[k]; ok {
		p.mu.Unlock()
		return nil
	}
	pr := &podRuntime{
		pod:       pod.DeepCopy(),
		dir:       filepath.Join(p.cfg.StateDir, "pods", pod.Namespace+"_"+pod.Name+"_"+string(pod.UID)),
		startTime: metav1.Now(),
	}
	pr.ctx, pr.cancel = context.WithCancel(context.Background())
	p.pods[k] = pr
	var unmapped []string
	for _, c := range pod.Spec.Containers {
		cr := &containerRuntime{spec: c, stoppedCh: make(chan struct{})}
		cr.program = p.cfg.Images[ImageRepository(c.Image)]
		if cr.program == "" {
			unmapped = append(unmapped, c.Image)
			cr.waiting = &corev1.ContainerStateWaiting{Reason: ReasonImageNotMapped,
				Message: fmt.Sprintf("image %q has no local program on node %s (known: %s)", c.Image, p.cfg.NodeName, p.knownImages())}
			close(cr.stoppedCh)
		} else {
			cr.waiting = &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}
			cr.logPath = filepath.Join(pr.dir, c.Name+".log")
		}
		pr.containers = append(pr.containers, cr)
	}
	p.mu.Unlock()

	if len(unmapped) > 0 || len(pod.Spec.InitContainers) > 0 {
		if len(unmapped) == 0 {
			// Init containers are not run yet; say so instead of
			// starting the pod half-way.
			p.mu.Lock()
			for _, cr := range pr.containers {
				cr.waiting = &corev1.ContainerStateWaiting{Reason: "InitContainersNotSupported",
					Message: "this node does not run init containers yet"}
				close(cr.stoppedCh)
			}
			p.mu.Unlock()
		}
		p.changed(pr)
		return nil
	}

	if err := os.MkdirAll(pr.dir, 0o755); err != nil {
		return err
	}
	if !pod.Spec.HostNetwork {
		ep, err := p.cfg.Network.Attach(k + "/" + string(pod.UID))
		if err != nil {
			return fmt.Errorf("pod network for %s: %w", k, err)
		}
		pr.ep = ep
		if err := writeEtcFiles(ep.NetNS, pod, ep.IP, p.cfg.NodeIP); err != nil {
			return err
		}
	}
	go p.startPod(pr)
	p.changed(pr)
	return nil
}

// startPod writes the volumes, retrying like the kubelet while a Secret or
// ConfigMap does not exist yet (the conformance suite creates some Secrets
// after the pods that mount them), then starts the containers.
func (p *Provider) startPod(pr *podRuntime) {
	for attempt := 0; ; attempt++ {
		err := p.prepareVolumes(pr.ctx, pr)
		if err == nil {
			// Like the kubelet, do not start a container whose
			// environment names a Secret or ConfigMap that is missing.
			for _, cr := range pr.containers {
				if _, err = p.environment(pr, cr.spec); err != nil {
					break
				}
			}
		}
		if err == nil {
			break
		}
		if attempt%30 == 0 {
			log.Printf("provider: pod %s/%s waits for its volumes or environment: %v", pr.pod.Namespace, pr.pod.Name, err)
		}
		p.mu.Lock()
		for _, cr := range pr.containers {
			cr.waiting = &corev1.ContainerStateWaiting{Reason: "ContainerCreating", Message: err.Error()}
		}
		p.mu.Unlock()
		p.changed(pr)
		select {
		case <-pr.ctx.Done():
			for _, cr := range pr.containers {
				close(cr.stoppedCh)
			}
			return
		case <-time.After(time.Second):
		}
	}
	go p.refreshTokens(pr.ctx, pr)
	for _, cr := range pr.containers {
		go p.supervise(pr, cr)
	}
}

func (p *Provider) knownImages() string {
	var names []string
	for k := range p.cfg.Images {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// writeEtcFiles gives the pod its own /etc/hosts, /etc/hostname and (for
// the ClusterFirst DNS policies) an /etc/resolv.conf pointing at the
// node's cluster DNS; `ip netns exec` bind-mounts /etc/netns/<ns>/<file>
// over /etc/<file>.
func writeEtcFiles(netns string, pod *corev1.Pod, ip, dnsServer net.IP) error {
	dir := filepath.Join("/etc/netns", netns)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	switch pod.Spec.DNSPolicy {
	case "", corev1.DNSClusterFirst, corev1.DNSClusterFirstWithHostNet:
		resolv := fmt.Sprintf("search %s.svc.cluster.local svc.cluster.local cluster.local\nnameserver %s\noptions ndots:5\n",
			pod.Namespace, dnsServer)
		if err := os.WriteFile(filepath.Join(dir, "resolv.conf"), []byte(resolv), 0o644); err != nil {
			return err
		}
	}
	// Containers share the host's UTS namespace, so the kernel host name
	// is the machine's; map it to the pod too, or programs that resolve
	// their own host name (Java's InetAddress.getLocalHost) fail.
	names := pod.Name
	if h, err := os.Hostname(); err == nil && h != "" && h != pod.Name {
		names += " " + h
	}
	hosts := fmt.Sprintf("127.0.0.1\tlocalhost\n::1\tlocalhost\n%s\t%s\n", ip, names)
	if err := os.WriteFile(filepath.Join(dir, "hosts"), []byte(hosts), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "hostname"), []byte(pod.Name+"\n"), 0o644)
}

// supervise runs one container and restarts it according to the pod's
// restart policy until the pod is deleted.
func (p *Provider) supervise(pr *podRuntime, cr *containerRuntime) {
	defer close(cr.stoppedCh)
	backoff := time.Second
	for {
		exitCode, started, err := p.runOnce(pr, cr)
		finished := metav1.Now()
		p.mu.Lock()
		cr.running, cr.ready, cr.cmd = nil, false, nil
		term := &corev1.ContainerStateTerminated{ExitCode: int32(exitCode), StartedAt: started, FinishedAt: finished, Reason: "Completed"}
		if exitCode != 0 {
			term.Reason = "Error"
		}
		if err != nil {
			term.ExitCode, term.Reason, term.Message = 128, "StartError", err.Error()
		}
		cr.last = term
		stop := cr.stopping
		policy := pr.pod.Spec.RestartPolicy
		if !stop && (policy == corev1.RestartPolicyNever || (policy == corev1.RestartPolicyOnFailure && term.ExitCode == 0)) {
			stop = true
		}
		if !stop {
			cr.waiting = &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff",
				Message: fmt.Sprintf("back-off %s restarting failed container %s", backoff, cr.spec.Name)}
		}
		p.mu.Unlock()
		p.changed(pr)
		if stop {
			return
		}
		time.Sleep(backoff)
		p.mu.Lock()
		stop = cr.stopping
		if !stop {
			cr.restarts++
		}
		p.mu.Unlock()
		if stop {
			return
		}
		if backoff < 30*time.Second {
			backoff *= 2
		}
	}
}

// runOnce starts the container process and waits for it to exit.
func (p *Provider) runOnce(pr *podRuntime, cr *containerRuntime) (int, metav1.Time, error) {
	started := metav1.Now()
	logs, err := openLog(cr.logPath)
	if err != nil {
		return -1, started, err
	}
	defer logs.Close()

	script, err := p.mountScript(pr, cr.spec)
	if err != nil {
		return -1, started, err
	}
	env, err := p.environment(pr, cr.spec)
	if err != nil {
		return -1, started, err
	}
	argv := append([]string{cr.program}, expandArgs(cr.spec.Args, env)...)
	if script != "" {
		// sh -c SCRIPT PROGRAM ARGS...: the script mounts, then execs.
		argv = append([]string{"sh", "-c", script}, argv...)
	}
	switch {
	case pr.ep != nil:
		// ip netns exec also unshares the mount namespace.
		argv = append([]string{"ip", "netns", "exec", pr.ep.NetNS}, argv...)
	case script != "":
		argv = append([]string{"unshare", "--mount", "--propagation", "private"}, argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	cmd.Dir = pr.dir
	// Own process group so that stopping kills helpers too; SIGKILL if the
	// node process dies, so no orphaned pod processes survive it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	outR, outW, err := os.Pipe()
	if err != nil {
		return -1, started, err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		return -1, started, err
	}
	cmd.Stdout, cmd.Stderr = outW, errW

	p.mu.Lock()
	if cr.stopping {
		p.mu.Unlock()
		outR.Close()
		outW.Close()
		errR.Close()
		errW.Close()
		return 0, started, nil
	}
	err = cmd.Start()
	if err == nil {
		cr.cmd = cmd
		cr.waiting = nil
		cr.running = &corev1.ContainerStateRunning{StartedAt: started}
		// Without a readiness probe a running container is ready, as on
		// a real kubelet.
		cr.ready = cr.spec.ReadinessProbe == nil
	}
	p.mu.Unlock()
	outW.Close()
	errW.Close()
	if err != nil {
		outR.Close()
		errR.Close()
		return -1, started, err
	}
	p.changed(pr)
	probeCtx, cancelProbe := context.WithCancel(context.Background())
	if cr.spec.ReadinessProbe != nil {
		go p.probeLoop(probeCtx, pr, cr)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); logs.copyLines("stdout", outR); outR.Close() }()
	go func() { defer wg.Done(); logs.copyLines("stderr", errR); errR.Close() }()
	wg.Wait()
	err = cmd.Wait()
	cancelProbe()
	if cmd.ProcessState != nil {
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal()), started, nil
		}
		return cmd.ProcessState.ExitCode(), started, nil
	}
	return -1, started, err
}

// expandArgs expands $(VAR) references in args with the container's
// environment, as the kubelet does.
func expandArgs(args, env []string) []string {
	values := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		values[k] = v
	}
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = expandVars(a, values)
	}
	return out
}

// UpdatePod records the new pod object; running processes are unchanged
// (only metadata of a running pod can change anyway).
func (p *Provider) UpdatePod(_ context.Context, pod *corev1.Pod) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if pr, ok := p.pods[key(pod.Namespace, pod.Name)]; ok {
		pr.pod = pod.DeepCopy()
	}
	return nil
}

// DeletePod stops the containers (SIGTERM, then SIGKILL after the grace
// period), removes the network namespace and reports the final status.
func (p *Provider) DeletePod(ctx context.Context, pod *corev1.Pod) error {
	k := key(pod.Namespace, pod.Name)
	p.mu.Lock()
	pr, ok := p.pods[k]
	if !ok {
		p.mu.Unlock()
		return errdefs.NotFoundf("pod %s is not known", k)
	}
	pr.deleted = true
	pr.cancel()
	grace := 10 * time.Second
	if pod.DeletionGracePeriodSeconds != nil && time.Duration(*pod.DeletionGracePeriodSeconds)*time.Second < grace {
		grace = time.Duration(*pod.DeletionGracePeriodSeconds) * time.Second
	}
	var pgids []int
	for _, cr := range pr.containers {
		cr.stopping = true
		if cr.cmd != nil && cr.cmd.Process != nil {
			pgids = append(pgids, cr.cmd.Process.Pid)
		}
	}
	p.mu.Unlock()

	for _, pid := range pgids {
		_ = syscall.Kill(-pid, syscall.SIGTERM)
	}
	deadline := time.After(grace)
	for _, cr := range pr.containers {
		select {
		case <-cr.stoppedCh:
		case <-deadline:
			for _, pid := range pgids {
				_ = syscall.Kill(-pid, syscall.SIGKILL)
			}
			<-cr.stoppedCh
		}
	}
	p.cfg.Network.Detach(pr.ep)

	p.mu.Lock()
	for _, cr := range pr.containers {
		if cr.last == nil {
			now := metav1.Now()
			cr.last = &corev1.ContainerStateTerminated{ExitCode: 0, Reason: "Completed", StartedAt: now, FinishedAt: now}
		}
		cr.waiting, cr.running = nil, nil
	}
	cb := p.notify
	final := p.podWithStatus(pr)
	delete(p.pods, k)
	p.mu.Unlock()
	_ = os.RemoveAll(pr.dir)
	_ = os.RemoveAll(filepath.Join(stagingRoot, string(pr.pod.UID)))
	if cb != nil {
		cb(final)
	}
	// Like the kubelet, remove the pod object once its processes are gone
	// instead of leaving it Terminating until the grace period ends
	// (virtual-kubelet would only force-delete it then).
	if p.cfg.Client != nil && pod.DeletionTimestamp != nil {
		zero := int64(0)
		err := p.cfg.Client.CoreV1().Pods(pod.Namespace).Delete(context.Background(), pod.Name, metav1.DeleteOptions{
			GracePeriodSeconds: &zero,
			Preconditions:      &metav1.Preconditions{UID: &pod.UID},
		})
		if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
			log.Printf("provider: final delete of %s: %v", k, err)
		}
	}
	return nil
}

// StopAll deletes every pod; used when the node shuts down.
func (p *Provider) StopAll(ctx context.Context) {
	p.mu.Lock()
	var pods []*corev1.Pod
	for _, pr := range p.pods {
		pods = append(pods, pr.pod)
	}
	p.mu.Unlock()
	for _, pod := range pods {
		_ = p.DeletePod(ctx, pod)
	}
}

// GetPod returns the pod with its current status.
func (p *Provider) GetPod(_ context.Context, namespace, name string) (*corev1.Pod, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pr, ok := p.pods[key(namespace, name)]
	if !ok {
		return nil, errdefs.NotFoundf("pod %s/%s is not known", namespace, name)
	}
	return p.podWithStatus(pr), nil
}

// GetPodStatus returns the current status.
func (p *Provider) GetPodStatus(ctx context.Context, namespace, name string) (*corev1.PodStatus, error) {
	pod, err := p.GetPod(ctx, namespace, name)
	if err != nil {
		return nil, err
	}
	return &pod.Status, nil
}

// GetPods lists all pods on this node.
func (p *Provider) GetPods(context.Context) ([]*corev1.Pod, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]*corev1.Pod, 0, len(p.pods))
	for _, pr := range p.pods {
		out = append(out, p.podWithStatus(pr))
	}
	return out, nil
}

// podWithStatus renders the kubelet-style status. Caller holds p.mu.
func (p *Provider) podWithStatus(pr *podRuntime) *corev1.Pod {
	pod := pr.pod.DeepCopy()
	st := corev1.PodStatus{
		HostIP:    p.cfg.NodeIP.String(),
		HostIPs:   []corev1.HostIP{{IP: p.cfg.NodeIP.String()}},
		StartTime: &pr.startTime,
		// The API server sets the QoS class at creation and rejects
		// status updates that change it.
		QOSClass: pr.pod.Status.QOSClass,
	}
	switch {
	case pr.ep != nil:
		st.PodIP = pr.ep.IP.String()
	case pr.pod.Spec.HostNetwork:
		st.PodIP = p.cfg.NodeIP.String()
	}
	if st.PodIP != "" {
		st.PodIPs = []corev1.PodIP{{IP: st.PodIP}}
	}
	allReady, anyRunning, allDone, anyFailed, anyWaiting := true, false, true, false, false
	for _, cr := range pr.containers {
		cs := corev1.ContainerStatus{
			Name:         cr.spec.Name,
			Image:        cr.spec.Image,
			ImageID:      "local://" + cr.program,
			Ready:        cr.ready,
			RestartCount: cr.restarts,
		}
		started := cr.running != nil
		cs.Started = &started
		switch {
		case cr.running != nil:
			cs.State.Running = cr.running.DeepCopy()
			cs.ContainerID = fmt.Sprintf("agjcp://%s/%s/%d", pod.Name, cr.spec.Name, cr.restarts)
			anyRunning = true
			allDone = false
			if cr.last != nil {
				cs.LastTerminationState.Terminated = cr.last.DeepCopy()
			}
		case cr.waiting != nil:
			cs.State.Waiting = cr.waiting.DeepCopy()
			anyWaiting = true
			allDone = false
			if cr.last != nil {
				cs.LastTerminationState.Terminated = cr.last.DeepCopy()
			}
		case cr.last != nil:
			cs.State.Terminated = cr.last.DeepCopy()
			if cr.last.ExitCode != 0 {
				anyFailed = true
			}
		default:
			allDone = false
		}
		if !cr.ready {
			allReady = false
		}
		st.ContainerStatuses = append(st.ContainerStatuses, cs)
	}
	switch {
	case allDone && len(pr.containers) > 0:
		st.Phase = corev1.PodSucceeded
		if anyFailed {
			st.Phase = corev1.PodFailed
		}
	case anyRunning:
		st.Phase = corev1.PodRunning
	default:
		st.Phase = corev1.PodPending
	}
	_ = anyWaiting
	cond := func(t corev1.PodConditionType, ok bool, reason string) corev1.PodCondition {
		c := corev1.PodCondition{Type: t, Status: corev1.ConditionFalse, LastTransitionTime: pr.startTime, Reason: reason}
		if ok {
			c.Status, c.Reason = corev1.ConditionTrue, ""
		}
		return c
	}
	ready := allReady && anyRunning
	st.Conditions = []corev1.PodCondition{
		cond(corev1.PodReadyToStartContainers, pr.ep != nil || pr.pod.Spec.HostNetwork, "NetworkNotReady"),
		cond(corev1.PodInitialized, true, ""),
		cond(corev1.ContainersReady, ready, "ContainersNotReady"),
		cond(corev1.PodReady, ready, "ContainersNotReady"),
		cond(corev1.PodScheduled, true, ""),
	}
	pod.Status = st
	return pod
}

// GetContainerLogs serves `kubectl logs`, honouring sinceTime,
// sinceSeconds, tailLines, timestamps, limitBytes and follow. All restarts
// of a container share one log, so `previous` returns the same lines.
func (p *Provider) GetContainerLogs(ctx context.Context, namespace, podName, containerName string, opts api.ContainerLogOpts) (io.ReadCloser, error) {
	p.mu.Lock()
	pr, ok := p.pods[key(namespace, podName)]
	var path string
	if ok {
		for _, cr := range pr.containers {
			if cr.spec.Name == containerName {
				path = cr.logPath
			}
		}
	}
	p.mu.Unlock()
	if path == "" {
		return nil, errdefs.NotFoundf("no logs for container %s of pod %s/%s", containerName, namespace, podName)
	}
	return readLogs(ctx, path, opts)
}

// RunInContainer runs cmd inside the pod's network namespace (there is no
// container filesystem: the command must exist on the host).
func (p *Provider) RunInContainer(ctx context.Context, namespace, podName, containerName string, cmd []string, attach api.AttachIO) error {
	p.mu.Lock()
	pr, ok := p.pods[key(namespace, podName)]
	var netns string
	if ok && pr.ep != nil {
		netns = pr.ep.NetNS
	}
	p.mu.Unlock()
	if !ok || len(cmd) == 0 {
		return errdefs.NotFoundf("pod %s/%s is not known", namespace, podName)
	}
	args := cmd
	if netns != "" {
		args = append([]string{"ip", "netns", "exec", netns}, cmd...)
	}
	c := exec.CommandContext(ctx, args[0], args[1:]...)
	if attach.Stdin() != nil {
		c.Stdin = attach.Stdin()
	}
	c.Stdout, c.Stderr = attach.Stdout(), attach.Stderr()
	return c.Run()
}

// AttachToContainer is not supported: processes have no attachable stdin.
func (p *Provider) AttachToContainer(context.Context, string, string, string, api.AttachIO) error {
	return errdefs.InvalidInput("attach is not supported by the process provider")
}

// GetStatsSummary returns an empty summary (no cgroups to read from).
func (p *Provider) GetStatsSummary(context.Context) (*statsv1alpha1.Summary, error) {
	return &statsv1alpha1.Summary{Node: statsv1alpha1.NodeStats{NodeName: p.cfg.NodeName}}, nil
}

// GetMetricsResource returns no metrics.
func (p *Provider) GetMetricsResource(context.Context) ([]*dto.MetricFamily, error) {
	return nil, nil
}

// PortForward connects the stream to the pod's port over the bridge.
func (p *Provider) PortForward(ctx context.Context, namespace, podName string, port int32, stream io.ReadWriteCloser) error {
	defer stream.Close()
	p.mu.Lock()
	pr, ok := p.pods[key(namespace, podName)]
	var ip string
	if ok && pr.ep != nil {
		ip = pr.ep.IP.String()
	}
	p.mu.Unlock()
	if ip == "" {
		return errdefs.NotFoundf("pod %s/%s has no network", namespace, podName)
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(ip, fmt.Sprint(port)))
	if err != nil {
		return err
	}
	defer conn.Close()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(conn, stream); done <- struct{}{} }()
	go func() { _, _ = io.Copy(stream, conn); done <- struct{}{} }()
	select {
	case <-done:
	case <-ctx.Done():
	}
	return nil
}
