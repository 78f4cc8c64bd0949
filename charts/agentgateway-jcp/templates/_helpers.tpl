{{/* The name of every object this chart creates. */}}
{{- define "agentgateway-jcp.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "agentgateway-jcp.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "agentgateway-jcp.labels" -}}
{{ include "agentgateway-jcp.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The Secret holding the xDS CA. */}}
{{- define "agentgateway-jcp.xdsCaSecret" -}}
{{- default (printf "%s-xds-ca" (include "agentgateway-jcp.fullname" .)) .Values.xds.tls.caSecretName -}}
{{- end -}}

{{- define "agentgateway-jcp.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
