{{/*
Chart name, truncated to 63 characters (the DNS label limit of Kubernetes names).
*/}}
{{- define "sre-kit.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name of every resource: the release name, plus the chart name unless the release name
already contains it. Release `sre-kit` gives `sre-kit` (the ServiceAccount name that
Terraform's IRSA role trusts by default).
*/}}
{{- define "sre-kit.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "sre-kit.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Selector labels of the API pods. Immutable once a Deployment exists: never add to them.
The component label keeps the `helm test` pod (component helm-test) out of the Service.
*/}}
{{- define "sre-kit.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sre-kit.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: api
{{- end }}

{{/*
Standard labels of every resource.
*/}}
{{- define "sre-kit.labels" -}}
helm.sh/chart: {{ include "sre-kit.chart" . }}
{{ include "sre-kit.selectorLabels" . }}
app.kubernetes.io/version: {{ include "sre-kit.imageTag" . | quote }}
app.kubernetes.io/part-of: sre-kit
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Name of the ServiceAccount the pods run as.
*/}}
{{- define "sre-kit.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "sre-kit.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Image tag: image.tag, or the chart's appVersion (the service version).
*/}}
{{- define "sre-kit.imageTag" -}}
{{- .Values.image.tag | default .Chart.AppVersion | toString }}
{{- end }}

{{/*
Image reference: repository@digest when a digest is given, repository:tag otherwise.
*/}}
{{- define "sre-kit.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (include "sre-kit.imageTag" .) }}
{{- end }}
{{- end }}

{{/*
True when more than one replica can exist: the HPA may scale above one, or replicaCount > 1.
*/}}
{{- define "sre-kit.multiReplica" -}}
{{- if .Values.autoscaling.enabled }}
{{- if gt (int .Values.autoscaling.maxReplicas) 1 }}true{{ end }}
{{- else if gt (int .Values.replicaCount) 1 }}true{{ end }}
{{- end }}

{{/*
True when the chart creates its Secret: an API key value without existingSecret, or the
emulator's static credentials.
*/}}
{{- define "sre-kit.createSecret" -}}
{{- if or (and .Values.apiKey.value (not .Values.apiKey.existingSecret)) .Values.emulatorCredentials.enabled }}true{{ end }}
{{- end }}

{{/*
Rules between values that a JSON schema cannot express. Included by the Deployment, so
`helm install`, `helm template` and `helm lint` fail with the message.
*/}}
{{- define "sre-kit.validate" -}}
{{- $grace := int .Values.terminationGracePeriodSeconds }}
{{- $needMs := add (mul (int .Values.preStopSleepSeconds) 1000) (int .Values.config.shutdownTimeoutMs) }}
{{- if le (mul $grace 1000) $needMs }}
{{- fail (printf "terminationGracePeriodSeconds (%d s) must be longer than preStopSleepSeconds + config.shutdownTimeoutMs (%d ms), or Kubernetes kills requests still in flight" $grace $needMs) }}
{{- end }}
{{- if and .Values.apiKey.value .Values.apiKey.existingSecret }}
{{- fail "set apiKey.value or apiKey.existingSecret, not both" }}
{{- end }}
{{- if and .Values.autoscaling.enabled (gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)) }}
{{- fail (printf "autoscaling.minReplicas (%d) is greater than autoscaling.maxReplicas (%d)" (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)) }}
{{- end }}
{{- if and .Values.autoscaling.enabled (not .Values.autoscaling.targetCPUUtilizationPercentage) (not .Values.autoscaling.targetMemoryUtilizationPercentage) }}
{{- fail "autoscaling.enabled needs targetCPUUtilizationPercentage or targetMemoryUtilizationPercentage" }}
{{- end }}
{{- if and .Values.podDisruptionBudget.enabled (include "sre-kit.multiReplica" .) }}
{{- $hasMax := not (kindIs "invalid" .Values.podDisruptionBudget.maxUnavailable) }}
{{- $hasMin := not (kindIs "invalid" .Values.podDisruptionBudget.minAvailable) }}
{{- if eq $hasMax $hasMin }}
{{- fail "podDisruptionBudget: set exactly one of maxUnavailable and minAvailable (the other null)" }}
{{- end }}
{{- end }}
{{- if lt (int64 .Values.config.uploadTmpMaxBytes) (int64 .Values.config.avatarMaxBytes) }}
{{- fail (printf "config.uploadTmpMaxBytes (%d) must be at least config.avatarMaxBytes (%d), or the service refuses to start" (int64 .Values.config.uploadTmpMaxBytes) (int64 .Values.config.avatarMaxBytes)) }}
{{- end }}
{{- if and (not (kindIs "invalid" .Values.service.nodePort)) (eq .Values.service.type "ClusterIP") }}
{{- fail "service.nodePort is set but service.type is ClusterIP; use NodePort or LoadBalancer, or set nodePort to null" }}
{{- end }}
{{- end }}

{{/*
The `job` label of the service's series in the cluster: prometheusRule.job, or the Service's
name, which Prometheus Operator makes the job of every target of the chart's ServiceMonitor.
*/}}
{{- define "sre-kit.ruleJob" -}}
{{- .Values.prometheusRule.job | default (include "sre-kit.fullname" .) }}
{{- end }}

{{/*
The label matchers that replace the job matcher of observability/prometheus/rules in the
PrometheusRule: the job, and the release's namespace unless prometheusRule.matchNamespace is off.
*/}}
{{- define "sre-kit.ruleMatchers" -}}
{{- printf "job=%q" (include "sre-kit.ruleJob" .) }}
{{- if .Values.prometheusRule.matchNamespace }}{{ printf ",namespace=%q" .Release.Namespace }}{{ end }}
{{- end }}
