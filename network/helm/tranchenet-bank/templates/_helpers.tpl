{{/* Names and labels shared by every object of one bank's node set. */}}

{{- define "tnb.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "tnb.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
tranchenet.io/msp-id: {{ .Values.org.mspID }}
{{- end -}}

{{/* selector COMPONENT: the labels a component's pods carry and are selected by. */}}
{{- define "tnb.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "tnb.externalDomain" -}}
{{- default .Values.org.domain .Values.org.externalDomain -}}
{{- end -}}

{{- define "tnb.caName" -}}ca-{{ .Values.org.name }}{{- end -}}

{{/* The CA's in-cluster URL, for enrollment from this bank's pods. */}}
{{- define "tnb.caURL" -}}
https://{{ include "tnb.fullname" . }}-ca:{{ .Values.ca.port }}
{{- end -}}

{{- define "tnb.storageClass" -}}
{{- if . }}
storageClassName: {{ . | quote }}
{{- end }}
{{- end -}}
