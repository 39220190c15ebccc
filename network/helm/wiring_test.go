package helm

import (
	"fmt"
	"maps"
	"regexp"
	"strconv"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// pod is one pod the release would run: its labels as the controllers set
// them, its spec and the claims its owner adds.
type pod struct {
	owner  string
	labels map[string]string
	spec   corev1.PodSpec
	claims []string
}

// pods expands the workloads into the pods they make: a StatefulSet's pod N
// carries the pod-name and pod-index labels the controller adds, which
// per-pod Services and the downward API select on.
func (o objects) pods() []pod {
	var out []pod
	for _, w := range o.workloads() {
		claims := []string{}
		for _, c := range w.claims {
			claims = append(claims, c.Name)
		}
		if sts, ok := o.statefulSets[w.name[len("StatefulSet/"):]]; ok && w.name == "StatefulSet/"+sts.Name {
			replicas := 1
			if sts.Spec.Replicas != nil {
				replicas = int(*sts.Spec.Replicas)
			}
			for i := range replicas {
				labels := maps.Clone(w.template.Labels)
				labels["statefulset.kubernetes.io/pod-name"] = fmt.Sprintf("%s-%d", sts.Name, i)
				labels["apps.kubernetes.io/pod-index"] = strconv.Itoa(i)
				out = append(out, pod{w.name, labels, w.template.Spec, claims})
			}
			continue
		}
		out = append(out, pod{w.name, w.template.Labels, w.template.Spec, claims})
	}
	return out
}

// checkWiring checks what strict decoding cannot: that the objects fit
// together as the API server and the controllers will use them.
func checkWiring(t *testing.T, o objects, externalSecrets []string) {
	t.Helper()
	pods := o.pods()
	for _, w := range o.workloads() {
		checkPodSpec(t, w, o, externalSecrets)
	}
	for _, s := range o.statefulSets {
		if !selects(s.Spec.Selector.MatchLabels, s.Spec.Template.Labels) {
			t.Errorf("StatefulSet/%s: selector %v does not select its own template %v", s.Name, s.Spec.Selector.MatchLabels, s.Spec.Template.Labels)
		}
		if !hasService(o, s.Spec.ServiceName) {
			t.Errorf("StatefulSet/%s: serviceName %q is not a Service of the release", s.Name, s.Spec.ServiceName)
		}
	}
	for _, d := range o.deployments {
		if !selects(d.Spec.Selector.MatchLabels, d.Spec.Template.Labels) {
			t.Errorf("Deployment/%s: selector does not select its own template", d.Name)
		}
	}
	for _, svc := range o.services {
		matched := podsSelected(pods, svc.Spec.Selector)
		if len(matched) == 0 {
			t.Errorf("Service/%s: selector %v selects no pod of the release", svc.Name, svc.Spec.Selector)
			continue
		}
		for _, p := range svc.Spec.Ports {
			for _, m := range matched {
				if !podExposes(m.spec, p.TargetPort) {
					t.Errorf("Service/%s port %s: target %s is not a container port of %s", svc.Name, p.Name, p.TargetPort.String(), m.owner)
				}
			}
		}
	}
	for _, np := range o.policies {
		matched := podsSelected(pods, np.Spec.PodSelector.MatchLabels)
		if len(matched) == 0 {
			t.Errorf("NetworkPolicy/%s selects no pod", np.Name)
		}
		for _, rule := range np.Spec.Ingress {
			for _, port := range rule.Ports {
				for _, m := range matched {
					if port.Port != nil && !podExposes(m.spec, *port.Port) {
						t.Errorf("NetworkPolicy/%s: port %s is not a container port of %s", np.Name, port.Port.String(), m.owner)
					}
				}
			}
		}
	}
	for _, b := range o.budgets {
		if len(podsSelected(pods, b.Spec.Selector.MatchLabels)) < 2 {
			t.Errorf("PodDisruptionBudget/%s: selects fewer than two pods, so maxUnavailable blocks every drain", b.Name)
		}
	}
}

func hasService(o objects, name string) bool {
	for _, s := range o.services {
		if s.Name == name {
			return true
		}
	}
	return false
}

func podsSelected(pods []pod, selector map[string]string) []pod {
	var out []pod
	for _, p := range pods {
		if selects(selector, p.labels) {
			out = append(out, p)
		}
	}
	return out
}

// podExposes reports whether a named or numbered port is a container port.
func podExposes(spec corev1.PodSpec, port intstr.IntOrString) bool {
	for _, c := range spec.Containers {
		for _, cp := range c.Ports {
			if (port.Type == intstr.String && cp.Name == port.StrVal) || (port.Type == intstr.Int && cp.ContainerPort == port.IntVal) {
				return true
			}
		}
	}
	return false
}

var envReference = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)

// checkPodSpec: every mount names a volume or claim, every ConfigMap a
// volume uses is in the release, every Secret is one the bank creates (the
// values name it), probes use declared ports, and every $(VAR) in a
// command or an env value names a variable defined before it (Kubernetes
// leaves an unknown reference as literal text).
func checkPodSpec(t *testing.T, w workload, o objects, externalSecrets []string) {
	t.Helper()
	volumes := map[string]bool{}
	for _, v := range w.template.Spec.Volumes {
		volumes[v.Name] = true
		switch {
		case v.ConfigMap != nil:
			if _, ok := o.configMaps[v.ConfigMap.Name]; !ok {
				t.Errorf("%s: volume %s uses ConfigMap %q, which the release does not render", w.name, v.Name, v.ConfigMap.Name)
			}
		case v.Secret != nil:
			if !contains(externalSecrets, v.Secret.SecretName) {
				t.Errorf("%s: volume %s uses Secret %q, which no value names", w.name, v.Name, v.Secret.SecretName)
			}
		}
	}
	for _, c := range w.claims {
		if volumes[c.Name] {
			t.Errorf("%s: claim %s shadows a volume of the same name", w.name, c.Name)
		}
		volumes[c.Name] = true
	}
	containers := append(append([]corev1.Container{}, w.template.Spec.InitContainers...), w.template.Spec.Containers...)
	for _, c := range containers {
		for _, m := range c.VolumeMounts {
			if !volumes[m.Name] {
				t.Errorf("%s container %s: mount %s names no volume or claim", w.name, c.Name, m.Name)
			}
		}
		defined := map[string]bool{}
		for _, e := range c.Env {
			for _, ref := range envReference.FindAllStringSubmatch(e.Value, -1) {
				if !defined[ref[1]] {
					t.Errorf("%s container %s: env %s uses $(%s) before it is defined", w.name, c.Name, e.Name, ref[1])
				}
			}
			defined[e.Name] = true
		}
		for _, arg := range append(append([]string{}, c.Command...), c.Args...) {
			for _, ref := range envReference.FindAllStringSubmatch(arg, -1) {
				if !defined[ref[1]] {
					t.Errorf("%s container %s: command uses $(%s), which is not in its env", w.name, c.Name, ref[1])
				}
			}
		}
		for _, probe := range []*corev1.Probe{c.ReadinessProbe, c.LivenessProbe} {
			if probe == nil {
				continue
			}
			var port intstr.IntOrString
			switch {
			case probe.HTTPGet != nil:
				port = probe.HTTPGet.Port
			case probe.TCPSocket != nil:
				port = probe.TCPSocket.Port
			default:
				continue
			}
			if !podExposes(corev1.PodSpec{Containers: []corev1.Container{c}}, port) {
				t.Errorf("%s container %s: probe port %s is not one of its ports", w.name, c.Name, port.String())
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
