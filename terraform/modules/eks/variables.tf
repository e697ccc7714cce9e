variable "cluster_name" {
  description = "Name of the EKS cluster (and prefix of its roles, key alias, launch template and node group)."
  type        = string
}

variable "kubernetes_version" {
  description = "Kubernetes minor version, e.g. 1.33."
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets of the cluster, for internet-facing load balancers (modules/network, tagged kubernetes.io/role/elb)."
  type        = list(string)
}

variable "private_subnet_ids" {
  description = "Private subnets of the nodes and internal load balancers, with outbound traffic through a NAT gateway (modules/network, tagged kubernetes.io/role/internal-elb)."
  type        = list(string)
}

variable "public_access_cidrs" {
  description = "IPv4 CIDRs allowed to reach the public API endpoint."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "node_instance_types" {
  description = "Instance types of the managed node group."
  type        = list(string)
  default     = ["t3.medium"]
}

variable "node_count" {
  description = "Desired, min and max size of the managed node group."
  type = object({
    desired = number
    min     = number
    max     = number
  })
  default = { desired = 2, min = 1, max = 3 }
}

variable "node_volume_size" {
  description = "Root volume size of the nodes in GiB (encrypted gp3)."
  type        = number
  default     = 20
}

variable "log_retention_days" {
  description = "Retention of the control plane log group (all five control plane log types)."
  type        = number
  default     = 30
}

variable "app_policy_arn" {
  description = "The service's least-privilege policy (modules/access), attached to the IRSA role."
  type        = string
}

variable "namespace" {
  description = "Namespace of the service account the IRSA role trusts."
  type        = string
  default     = "sre-kit"
}

variable "service_account_name" {
  description = "Name of the service account the IRSA role trusts."
  type        = string
  default     = "sre-kit"
}

variable "emulated" {
  description = "True when the AWS endpoint is an emulator: settings emulators do not implement (EKS access config) are left out. Always false on AWS."
  type        = bool
  default     = false
}
