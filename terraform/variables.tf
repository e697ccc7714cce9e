# --- Target -------------------------------------------------------------------------------------

variable "aws_endpoint" {
  description = "Empty: real AWS. Set (e.g. http://localhost:4566): every AWS API call goes to this emulator endpoint, with test credentials and the account/credential checks skipped."
  type        = string
  default     = ""

  validation {
    condition     = var.aws_endpoint == "" || can(regex("^https?://[^/\\s]+/?$", var.aws_endpoint))
    error_message = "aws_endpoint must be empty (real AWS) or a base URL such as http://localhost:4566 (scheme, host and port, no path)."
  }
}

variable "aws_region" {
  description = "AWS region of every resource (the service's AWS_REGION)."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must be a region code such as us-east-1 or eu-west-3."
  }
}

variable "aws_access_key" {
  description = "Optional access key id. Null: the normal credential chain (AWS_PROFILE, environment, ~/.aws, instance role)."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.aws_access_key == null || can(regex("^[A-Za-z0-9]{4,128}$", var.aws_access_key))
    error_message = "aws_access_key must be an access key id (letters and digits), or null to use the credential chain."
  }
}

variable "aws_secret_key" {
  description = "Optional secret access key, together with aws_access_key."
  type        = string
  default     = null
  sensitive   = true
}

variable "tags" {
  description = "Extra tags on every resource (through the provider's default_tags). Project and ManagedBy are always set."
  type        = map(string)
  default     = {}
}

# --- Names --------------------------------------------------------------------------------------

variable "name_prefix" {
  description = "Prefix of every resource name (tables, bucket, roles, repository, cluster)."
  type        = string
  default     = "sre-kit"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,18}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-20 characters: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (it is part of S3, IAM and EKS names)."
  }
}

variable "users_table_name" {
  description = "Name of the users table (the service's USERS_TABLE). Null: `<name_prefix>-users`."
  type        = string
  default     = null

  validation {
    condition     = var.users_table_name == null || can(regex("^[A-Za-z0-9_.-]{3,255}$", var.users_table_name))
    error_message = "users_table_name must be 3-255 characters of letters, digits, '_', '-' and '.'."
  }
}

variable "state_table_name" {
  description = "Name of the state table (the service's STATE_TABLE). Null: `<name_prefix>-state`."
  type        = string
  default     = null

  validation {
    condition     = var.state_table_name == null || can(regex("^[A-Za-z0-9_.-]{3,255}$", var.state_table_name))
    error_message = "state_table_name must be 3-255 characters of letters, digits, '_', '-' and '.'."
  }
}

variable "avatars_bucket_name" {
  description = "Name of the avatars bucket (the service's AVATARS_BUCKET). Null: `<name_prefix>-avatars-<account id>`, unique across AWS."
  type        = string
  default     = null

  validation {
    condition     = var.avatars_bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.avatars_bucket_name))
    error_message = "avatars_bucket_name must be a valid S3 bucket name: 3-63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit."
  }
}

# --- Data ---------------------------------------------------------------------------------------

variable "public_avatars" {
  description = "Allow anonymous reads of avatars/* in the bucket (for the service's AVATAR_URL_MODE=public). Everything else stays private."
  type        = bool
  default     = false
}

variable "allow_plain_http" {
  description = "Only with aws_endpoint (an emulator that speaks plain HTTP): drop the bucket policy's TLS-only rule, which would refuse every request there. Ignored on AWS, where TLS is always required."
  type        = bool
  default     = false
}

variable "point_in_time_recovery" {
  description = "Point-in-time recovery (continuous backups) of both tables."
  type        = bool
  default     = true
}

variable "deletion_protection" {
  description = "DynamoDB deletion protection on both tables. On: `make destroy-aws` cannot delete them until it is turned off."
  type        = bool
  default     = false
}

variable "noncurrent_version_expiration_days" {
  description = "Days a replaced or deleted avatar version is kept before S3 expires it."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && var.noncurrent_version_expiration_days <= 3650 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number of days between 1 and 3650."
  }
}

variable "avatars_force_destroy" {
  description = "Let destroy delete the avatars bucket with the objects (and versions) in it. Off: destroy stops at a non-empty bucket instead of deleting user data."
  type        = bool
  default     = false
}

# --- Registry -----------------------------------------------------------------------------------

variable "enable_registry" {
  description = "Create the ECR repository for the service image. The local target turns it off (the compose stack builds the image; LocalStack's free edition has no ECR)."
  type        = bool
  default     = true
}

variable "image_retention_count" {
  description = "ECR lifecycle: how many most recent images to keep."
  type        = number
  default     = 10

  validation {
    condition     = var.image_retention_count >= 1 && var.image_retention_count <= 1000 && floor(var.image_retention_count) == var.image_retention_count
    error_message = "image_retention_count must be a whole number between 1 and 1000."
  }
}

variable "registry_force_delete" {
  description = "Let destroy delete the ECR repository with the images in it."
  type        = bool
  default     = false
}

variable "image_tag" {
  description = "Tag of the service image in the ECR repository that the EC2 host runs. `make deploy-aws` sets it to the commit of the image's sources (12 hex digits, plus `-dirty-<content hash>` for uncommitted changes) and pushes that image; the repository's tags are immutable, so a mutable tag such as `latest` is refused."
  type        = string
  default     = null

  validation {
    condition     = var.image_tag == null || (can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag)) && var.image_tag != "latest")
    error_message = "image_tag must be a Docker tag other than latest: up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-' (make deploy-aws derives it from the commit)."
  }
}

variable "image" {
  description = "A public image the EC2 host runs instead of the ECR one, for those who cannot build images: e.g. the image CI publishes, `ghcr.io/<owner>/<repo>:sha-<commit>`. With it `make deploy-aws` builds and pushes nothing. Null: `<image_repository_url>:<image_tag>`."
  type        = string
  default     = null

  validation {
    condition     = var.image == null || can(regex("^[a-z0-9.-]+(:[0-9]+)?/[a-z0-9._/-]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})$", var.image)) && !endswith(coalesce(var.image, "x"), ":latest")
    error_message = "image must be a full reference with a registry, a path and a tag (not latest) or a digest, such as ghcr.io/owner/sre-kit:sha-0123456789ab."
  }
}

variable "app_port" {
  description = "Port the service listens on (its PORT) and that the EC2 security group opens."
  type        = number
  default     = 8080

  validation {
    condition     = var.app_port >= 1024 && var.app_port <= 65535 && floor(var.app_port) == var.app_port
    error_message = "app_port must be a whole number between 1024 and 65535 (the container runs as a non-root user)."
  }
}

# --- EC2 host -----------------------------------------------------------------------------------

variable "enable_ec2" {
  description = "Create the EC2 host (VPC, security group, instance profile, t3.micro running the image). The local target turns it off."
  type        = bool
  default     = true
}

variable "instance_type" {
  description = "EC2 instance type of the host: t3.micro or t2.micro (x86_64), or t4g.micro (arm64, Graviton). The image is built for the type's architecture (output image_platform)."
  type        = string
  default     = "t3.micro"

  validation {
    condition     = contains(["t3.micro", "t2.micro", "t4g.micro"], var.instance_type)
    error_message = "instance_type must be a small burstable type: t3.micro, t2.micro (x86_64) or t4g.micro (arm64)."
  }
}

variable "ami_id" {
  description = "AMI of the host, of the instance type's architecture. Null: the latest Amazon Linux 2023 AMI of that architecture from the public SSM parameter (read at create time; later AMIs do not replace a running host)."
  type        = string
  default     = null

  validation {
    condition     = var.ami_id == null || can(regex("^ami-[0-9a-f]{8,17}$", var.ami_id))
    error_message = "ami_id must look like ami-0123456789abcdef0, or be null for the latest Amazon Linux 2023."
  }
}

variable "allowed_cidrs" {
  description = "IPv4 CIDRs allowed to reach the app port on the EC2 host. Default: everyone (the status page is public)."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = length(var.allowed_cidrs) > 0 && alltrue([for c in var.allowed_cidrs : can(cidrnetmask(c))])
    error_message = "allowed_cidrs must be a non-empty list of IPv4 CIDR blocks such as 203.0.113.0/24 or 0.0.0.0/0."
  }
}

variable "host_vpc_cidr" {
  description = "CIDR of the EC2 host's VPC (one public subnet takes its first /24)."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.host_vpc_cidr)) && tonumber(split("/", var.host_vpc_cidr)[1]) <= 24
    error_message = "host_vpc_cidr must be an IPv4 CIDR block of /24 or larger, such as 10.40.0.0/16."
  }
}

variable "root_volume_size" {
  description = "Size in GiB of the host's encrypted gp3 root volume (the free tier covers 30 GiB of EBS)."
  type        = number
  default     = 20

  validation {
    condition     = var.root_volume_size >= 8 && var.root_volume_size <= 30 && floor(var.root_volume_size) == var.root_volume_size
    error_message = "root_volume_size must be a whole number of GiB between 8 and 30 (the free-tier EBS allowance)."
  }
}

variable "api_key_parameter_name" {
  description = "Optional name of an SSM SecureString parameter (created outside Terraform) holding the service's API_KEY. The host reads it at boot; null leaves POST /update answering 503."
  type        = string
  default     = null

  validation {
    condition     = var.api_key_parameter_name == null || can(regex("^/[A-Za-z0-9_./-]{1,1000}$", var.api_key_parameter_name))
    error_message = "api_key_parameter_name must be an SSM parameter path starting with '/', such as /sre-kit/api-key."
  }
}

# --- EKS ----------------------------------------------------------------------------------------

variable "enable_eks" {
  description = "Create the EKS cluster (VPC over two AZs, NAT gateway, cluster, managed node group, OIDC provider, IRSA role). Not free tier."
  type        = bool
  default     = false
}

variable "eks_kubernetes_version" {
  description = "Kubernetes minor version of the EKS cluster. Keep it in step with KUBERNETES_VERSION in versions.env (the make targets pass it)."
  type        = string
  default     = "1.33"

  validation {
    condition     = can(regex("^1\\.[0-9]{2}$", var.eks_kubernetes_version))
    error_message = "eks_kubernetes_version must be a Kubernetes minor version such as 1.33."
  }
}

variable "eks_vpc_cidr" {
  description = "CIDR of the EKS VPC (two public and two private subnets are carved from it)."
  type        = string
  default     = "10.41.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.eks_vpc_cidr)) && tonumber(split("/", var.eks_vpc_cidr)[1]) <= 20
    error_message = "eks_vpc_cidr must be an IPv4 CIDR block of /20 or larger, such as 10.41.0.0/16."
  }
}

variable "eks_public_access_cidrs" {
  description = "IPv4 CIDRs allowed to reach the EKS API endpoint (kubectl, helm)."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = length(var.eks_public_access_cidrs) > 0 && alltrue([for c in var.eks_public_access_cidrs : can(cidrnetmask(c))])
    error_message = "eks_public_access_cidrs must be a non-empty list of IPv4 CIDR blocks."
  }
}

variable "eks_node_instance_types" {
  description = "Instance types of the managed node group."
  type        = list(string)
  default     = ["t3.medium"]

  validation {
    condition     = length(var.eks_node_instance_types) > 0 && alltrue([for t in var.eks_node_instance_types : can(regex("^[a-z][a-z0-9-]*\\.[a-z0-9]+$", t))])
    error_message = "eks_node_instance_types must be a non-empty list of instance types such as t3.medium."
  }
}

variable "eks_node_count" {
  description = "Desired, min and max size of the managed node group."
  type = object({
    desired = number
    min     = number
    max     = number
  })
  default = { desired = 2, min = 1, max = 3 }

  validation {
    condition     = var.eks_node_count.min >= 1 && var.eks_node_count.min <= var.eks_node_count.desired && var.eks_node_count.desired <= var.eks_node_count.max
    error_message = "eks_node_count must satisfy 1 <= min <= desired <= max."
  }
}

variable "k8s_namespace" {
  description = "Namespace of the chart's service account that the IRSA role trusts."
  type        = string
  default     = "sre-kit"

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", var.k8s_namespace))
    error_message = "k8s_namespace must be a Kubernetes namespace name (DNS-1123 label)."
  }
}

variable "k8s_service_account" {
  description = "Name of the chart's service account that the IRSA role trusts."
  type        = string
  default     = "sre-kit"

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$", var.k8s_service_account))
    error_message = "k8s_service_account must be a Kubernetes service account name (DNS-1123 subdomain)."
  }
}
