package helm

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/yaml"
)

// kinds are the API types the chart may render, by apiVersion and kind.
// Decoding strictly into them is the schema check: a field the API does
// not have, or a value of the wrong type, is an error, as the API server's
// own strict field validation makes it.
var kinds = map[string]func() any{
	"v1/Service":                         func() any { return new(corev1.Service) },
	"v1/ConfigMap":                       func() any { return new(corev1.ConfigMap) },
	"apps/v1/StatefulSet":                func() any { return new(appsv1.StatefulSet) },
	"apps/v1/Deployment":                 func() any { return new(appsv1.Deployment) },
	"batch/v1/Job":                       func() any { return new(batchv1.Job) },
	"policy/v1/PodDisruptionBudget":      func() any { return new(policyv1.PodDisruptionBudget) },
	"networking.k8s.io/v1/NetworkPolicy": func() any { return new(networkingv1.NetworkPolicy) },
}

// objects is a rendered release, decoded.
type objects struct {
	all          []any
	services     []*corev1.Service
	configMaps   map[string]*corev1.ConfigMap
	statefulSets map[string]*appsv1.StatefulSet
	deployments  map[string]*appsv1.Deployment
	jobs         []*batchv1.Job
	policies     []*networkingv1.NetworkPolicy
	budgets      []*policyv1.PodDisruptionBudget
}

// decode strictly decodes every manifest into its API type and checks the
// names and labels the API server would refuse.
func decode(t *testing.T, ms []manifest) objects {
	t.Helper()
	o := objects{configMaps: map[string]*corev1.ConfigMap{}, statefulSets: map[string]*appsv1.StatefulSet{}, deployments: map[string]*appsv1.Deployment{}}
	seen := map[string]string{}
	for _, m := range ms {
		var tm metav1.TypeMeta
		if err := yaml.Unmarshal([]byte(m.yaml), &tm); err != nil {
			t.Fatalf("%s: not YAML: %v\n%s", m.source, err, m.yaml)
		}
		newObj, ok := kinds[tm.APIVersion+"/"+tm.Kind]
		if !ok {
			t.Errorf("%s: %s/%s is not a kind this chart may render", m.source, tm.APIVersion, tm.Kind)
			continue
		}
		obj := newObj()
		if err := yaml.UnmarshalStrict([]byte(m.yaml), obj); err != nil {
			t.Errorf("%s (%s): does not match the Kubernetes API type: %v", m.source, tm.Kind, err)
			continue
		}
		meta := obj.(metav1.Object)
		key := tm.Kind + "/" + meta.GetName()
		if prev, dup := seen[key]; dup {
			t.Errorf("%s: %s rendered twice (also in %s)", m.source, key, prev)
		}
		seen[key] = m.source
		checkMeta(t, m.source, tm.Kind, meta)
		o.all = append(o.all, obj)
		switch v := obj.(type) {
		case *corev1.Service:
			o.services = append(o.services, v)
		case *corev1.ConfigMap:
			o.configMaps[v.Name] = v
		case *appsv1.StatefulSet:
			o.statefulSets[v.Name] = v
		case *appsv1.Deployment:
			o.deployments[v.Name] = v
		case *batchv1.Job:
			o.jobs = append(o.jobs, v)
		case *networkingv1.NetworkPolicy:
			o.policies = append(o.policies, v)
		case *policyv1.PodDisruptionBudget:
			o.budgets = append(o.budgets, v)
		}
	}
	return o
}

// checkMeta applies the API server's name and label rules: Services need
// DNS-1035 labels (they become DNS names), other objects DNS-1123
// subdomains; label keys are qualified names and values valid label values.
func checkMeta(t *testing.T, source, kind string, meta metav1.Object) {
	t.Helper()
	var problems []string
	name := meta.GetName()
	if kind == "Service" {
		problems = validation.IsDNS1035Label(name)
	} else {
		problems = validation.IsDNS1123Subdomain(name)
	}
	if kind == "StatefulSet" && len(name) > 52 {
		// The controller labels each pod with controller-revision-hash,
		// name + "-" + a hash: longer names make pods that cannot be created.
		problems = append(problems, "a StatefulSet name longer than 52 characters breaks its pods' revision label")
	}
	if meta.GetNamespace() != "" {
		problems = append(problems, "namespace is set: the release's namespace must decide")
	}
	for k, v := range meta.GetLabels() {
		problems = append(problems, validation.IsQualifiedName(k)...)
		problems = append(problems, validation.IsValidLabelValue(v)...)
	}
	for k := range meta.GetAnnotations() {
		problems = append(problems, validation.IsQualifiedName(k)...)
	}
	if len(problems) > 0 {
		t.Errorf("%s: %s %q: %s", source, kind, name, strings.Join(problems, "; "))
	}
}

// workload is a pod template with the name of what owns it.
type workload struct {
	name     string
	template corev1.PodTemplateSpec
	claims   []corev1.PersistentVolumeClaim
}

func (o objects) workloads() []workload {
	var out []workload
	for _, s := range o.statefulSets {
		out = append(out, workload{"StatefulSet/" + s.Name, s.Spec.Template, s.Spec.VolumeClaimTemplates})
	}
	for _, d := range o.deployments {
		out = append(out, workload{"Deployment/" + d.Name, d.Spec.Template, nil})
	}
	for _, j := range o.jobs {
		out = append(out, workload{"Job/" + j.Name, j.Spec.Template, nil})
	}
	return out
}

// selects reports whether every label of the selector is on the pod.
func selects(selector, labels map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}
