{{- define "fro.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "fro.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "fro.selectorLabels" -}}
app.kubernetes.io/name: {{ include "fro.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "fro.labels" -}}
{{ include "fro.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "fro.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "fro.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Leader election is on when asked for, and always with more than one replica. */}}
{{- define "fro.leaderElection" -}}
{{- if or .Values.leaderElection.enabled (gt (int .Values.replicas) 1) -}}true{{- else -}}false{{- end -}}
{{- end -}}

{{/*
The rights the operator needs in every namespace it watches. Each rule names what uses it; the
RBAC tests check them against the requests the operator makes and against FlinkRbac.
*/}}
{{- define "fro.namespacedRules" -}}
# FlinkResilientJobs: informer, finalizer (patch), status (replaced whole, by the operator only).
- apiGroups: [flinkresilience.dev]
  resources: [flinkresilientjobs]
  verbs: [get, list, watch, patch]
- apiGroups: [flinkresilience.dev]
  resources: [flinkresilientjobs/status]
  verbs: [update]
# The job's objects carry an ownerReference with blockOwnerDeletion, which needs this.
- apiGroups: [flinkresilience.dev]
  resources: [flinkresilientjobs/finalizers]
  verbs: [update]
# The JobManager Deployment: informer, create or update, delete on teardown and redeploy.
- apiGroups: [apps]
  resources: [deployments]
  verbs: [get, list, watch, create, update, delete]
# Pods: informer (label-selected), delete by label on teardown, force delete on lost nodes.
# create is held only because the per-job Role grants it to the JobManager (RBAC lets one grant
# only what one holds; the alternative, 'escalate', would allow granting anything).
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, watch, create, delete, deletecollection]
# The Flink configuration ConfigMaps, and Flink's HA ConfigMaps (read; deleted with the job).
# Teardown lists the job's by label and deletes, one by one, only those the job owns.
# The per-job Role grants Flink the rest of these verbs.
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get, list, watch, create, update, patch, delete]
# The JobManager's Services (read before an update, to check the job owns them; on teardown
# listed by label and deleted one by one if the job owns them).
- apiGroups: [""]
  resources: [services]
  verbs: [get, list, create, update, delete]
# Per-job ServiceAccount, Role and RoleBinding (model/FlinkRbac.java).
- apiGroups: [""]
  resources: [serviceaccounts]
  verbs: [get, create, update]
- apiGroups: [rbac.authorization.k8s.io]
  resources: [roles, rolebindings]
  verbs: [get, create, update]
# Held only to be granted to the JobManager for Flink's HA leader election.
- apiGroups: [coordination.k8s.io]
  resources: [leases]
  verbs: [get, list, watch, create, update]
# Events on FlinkResilientJobs.
- apiGroups: [""]
  resources: [events]
  verbs: [create, patch]
{{- end -}}
