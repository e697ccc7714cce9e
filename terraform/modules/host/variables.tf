variable "name_prefix" {
  description = "Prefix of the resource names."
  type        = string
}

variable "aws_region" {
  description = "Region (for the registry login and SSM calls of the boot script)."
  type        = string
}

variable "instance_type" {
  description = "EC2 instance type (validated in the root module against the free-tier list)."
  type        = string
  default     = "t3.micro"
}

variable "architecture" {
  description = "CPU architecture of instance_type, x86_64 or arm64: picks the Amazon Linux 2023 AMI when ami_id is null."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be x86_64 or arm64."
  }
}

variable "ami_id" {
  description = "AMI id, of the instance type's architecture. Null: the latest Amazon Linux 2023 AMI of that architecture from the public SSM parameter."
  type        = string
  default     = null
}

variable "vpc_id" {
  description = "VPC of the host's security group (modules/network)."
  type        = string
}

variable "subnet_id" {
  description = "Public subnet the host runs in (modules/network; it maps a public IPv4 address on launch)."
  type        = string
}

variable "allowed_cidrs" {
  description = "IPv4 CIDRs allowed to reach app_port."
  type        = list(string)
}

variable "app_port" {
  description = "Port the container listens on and the security group opens."
  type        = number
  default     = 8080
}

variable "root_volume_size" {
  description = "Root volume size in GiB (encrypted gp3)."
  type        = number
  default     = 20
}

variable "instance_profile_name" {
  description = "Instance profile of the host (modules/access)."
  type        = string
}

variable "image" {
  description = "Full image reference with a tag or digest: `<ECR repository url>:<tag>` (pulled with the instance role) or a public image."
  type        = string

  validation {
    condition     = var.image != null && can(regex("^[a-z0-9.-]+(:[0-9]+)?/[a-z0-9._/-]+(:[A-Za-z0-9_][A-Za-z0-9_.-]*|@sha256:[0-9a-f]{64})$", var.image))
    error_message = "The EC2 host needs an image: the ECR one (enable_registry with image_tag, which make deploy-aws sets from the commit) or a public `image`."
  }
}

variable "service_env" {
  description = "Environment of the service container (the env contract: AWS_REGION, USERS_TABLE, STATE_TABLE, AVATARS_BUCKET, PORT, ...)."
  type        = map(string)

  validation {
    condition     = alltrue([for k, v in var.service_env : can(regex("^[A-Z][A-Z0-9_]*$", k)) && !can(regex("[\\r\\n]", v))])
    error_message = "service_env keys must be UPPER_SNAKE_CASE and values single-line."
  }
}

variable "api_key_parameter" {
  description = "SSM SecureString parameter read into API_KEY at each start (null: API_KEY unset)."
  type        = string
  default     = null
}
