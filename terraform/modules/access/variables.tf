variable "name_prefix" {
  description = "Prefix of the policy and role names."
  type        = string
}

variable "table_arns" {
  description = "ARNs of the DynamoDB tables the service reads and writes."
  type        = list(string)
}

variable "bucket_arn" {
  description = "ARN of the avatars bucket."
  type        = string
}

variable "avatars_prefix" {
  description = "Key prefix of the avatars in the bucket: object access is limited to it."
  type        = string
  default     = "avatars"
}

variable "create_host_role" {
  description = "Create the EC2 host's role and instance profile (the app policy plus what the host itself needs)."
  type        = bool
  default     = false
}

variable "pull_image" {
  description = "Grant the host role pull access to image_repository_arn (a plan-time switch: the ARN is only known after apply)."
  type        = bool
  default     = false
}

variable "image_repository_arn" {
  description = "ARN of the ECR repository the host pulls the image from (used when pull_image is on)."
  type        = string
  default     = null
}

variable "api_key_parameter_name" {
  description = "Name of the SSM SecureString parameter holding API_KEY that the host may read (null: none)."
  type        = string
  default     = null
}
