variable "name" {
  description = "Name tag of the VPC, internet gateway and NAT gateway, and prefix of the Name of its subnets (`<name>-public`, `<name>-private`, plus `-<az>` with more than one AZ), route tables and NAT address."
  type        = string
}

variable "cidr_block" {
  description = "IPv4 CIDR of the VPC."
  type        = string

  validation {
    condition     = can(cidrnetmask(var.cidr_block))
    error_message = "cidr_block must be an IPv4 CIDR block such as 10.40.0.0/16."
  }
}

variable "subnet_prefix_length" {
  description = "Prefix length of each subnet (24: /24 subnets), at most the whole VPC. Public subnets take the first az_count blocks of that size, private subnets the next az_count."
  type        = number
  default     = 24
}

variable "az_count" {
  description = "Number of AZs, one public (and, with private_subnets, one private) subnet in each: the first ones in sorted order of the candidate AZs."
  type        = number
  default     = 1

  validation {
    condition     = var.az_count >= 1
    error_message = "az_count must be at least 1."
  }
}

variable "instance_type" {
  description = "Null: the candidate AZs are the available ones that need no opt-in. Set: the AZs that offer this EC2 instance type."
  type        = string
  default     = null
}

variable "map_public_ip_on_launch" {
  description = "Give instances started in the public subnets a public IPv4 address."
  type        = bool
  default     = false
}

variable "private_subnets" {
  description = "Also create private subnets, with outbound traffic through one NAT gateway in the first public subnet."
  type        = bool
  default     = false
}

variable "public_subnet_tags" {
  description = "Extra tags of the public subnets (e.g. kubernetes.io/role/elb)."
  type        = map(string)
  default     = {}
}

variable "private_subnet_tags" {
  description = "Extra tags of the private subnets (e.g. kubernetes.io/role/internal-elb)."
  type        = map(string)
  default     = {}
}
