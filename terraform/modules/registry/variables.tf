variable "name" {
  description = "Name of the ECR repository."
  type        = string
}

variable "retention_count" {
  description = "How many most recent images the lifecycle policy keeps."
  type        = number
  default     = 10
}

variable "force_delete" {
  description = "Let destroy delete the repository with its images."
  type        = bool
  default     = false
}
