locals {
  # The service's table key schema is the one source of truth: Terraform reads it and never
  # restates a key. Keys starting with "$" ($comment, ...) are annotations, not tables.
  table_schema_file = "${path.module}/../service/schema/dynamodb-tables.json"
  table_schemas     = { for name, schema in jsondecode(file(local.table_schema_file)) : name => schema if !startswith(name, "$") }

  table_names = {
    users = coalesce(var.users_table_name, "${var.name_prefix}-users")
    state = coalesce(var.state_table_name, "${var.name_prefix}-state")
  }

  # Unique across AWS by default: the account id is part of the name.
  avatars_bucket_name = var.avatars_bucket_name != null ? var.avatars_bucket_name : "${var.name_prefix}-avatars-${data.aws_caller_identity.current[0].account_id}"

  # Graviton families carry a "g" after the generation digit (t4g, m7g, c7gn): arm64 hosts.
  host_architecture = can(regex("^[a-z]+[0-9]+[a-z]*g[a-z]*\\.", var.instance_type)) ? "arm64" : "x86_64"
  # The platform `make deploy-aws` builds the image for: the host's, not the laptop's.
  image_platform = local.host_architecture == "arm64" ? "linux/arm64" : "linux/amd64"

  # What the host runs: the public `image` when given, else the ECR image of image_tag.
  host_image = var.image != null ? var.image : (var.enable_registry && var.image_tag != null ? "${module.registry[0].repository_url}:${var.image_tag}" : null)

  # What the service reads (the env contract of .env-example).
  service_env = {
    AWS_REGION      = var.aws_region
    USERS_TABLE     = module.data.table_names["users"]
    STATE_TABLE     = module.data.table_names["state"]
    AVATARS_BUCKET  = module.data.bucket_name
    AVATAR_URL_MODE = var.public_avatars ? "public" : "presigned"
    PORT            = tostring(var.app_port)
  }
}

data "aws_caller_identity" "current" {
  count = var.avatars_bucket_name == null ? 1 : 0
}

module "data" {
  source = "./modules/data"

  table_schemas                      = local.table_schemas
  table_names                        = local.table_names
  point_in_time_recovery             = var.point_in_time_recovery
  deletion_protection                = var.deletion_protection
  bucket_name                        = local.avatars_bucket_name
  public_avatars                     = var.public_avatars
  require_tls                        = !(var.allow_plain_http && var.aws_endpoint != "")
  noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
  force_destroy                      = var.avatars_force_destroy
}

module "registry" {
  source = "./modules/registry"
  count  = var.enable_registry ? 1 : 0

  name            = var.name_prefix
  retention_count = var.image_retention_count
  force_delete    = var.registry_force_delete
}

module "access" {
  source = "./modules/access"

  name_prefix            = var.name_prefix
  table_arns             = values(module.data.table_arns)
  bucket_arn             = module.data.bucket_arn
  avatars_prefix         = module.data.avatars_prefix
  create_host_role       = var.enable_ec2
  pull_image             = var.enable_registry
  image_repository_arn   = one(module.registry[*].repository_arn)
  api_key_parameter_name = var.api_key_parameter_name
}

# The host's own VPC: one public subnet, its first /24, in the first AZ that offers instance_type.
module "host_network" {
  source = "./modules/network"
  count  = var.enable_ec2 ? 1 : 0

  name                    = "${var.name_prefix}-host"
  cidr_block              = var.host_vpc_cidr
  subnet_prefix_length    = 24
  az_count                = 1
  instance_type           = var.instance_type
  map_public_ip_on_launch = true
}

module "host" {
  source = "./modules/host"
  count  = var.enable_ec2 ? 1 : 0

  name_prefix           = var.name_prefix
  aws_region            = var.aws_region
  instance_type         = var.instance_type
  architecture          = local.host_architecture
  ami_id                = var.ami_id
  vpc_id                = module.host_network[0].vpc_id
  subnet_id             = module.host_network[0].public_subnet_ids[0]
  allowed_cidrs         = var.allowed_cidrs
  app_port              = var.app_port
  root_volume_size      = var.root_volume_size
  instance_profile_name = module.access.host_instance_profile_name
  image                 = local.host_image
  service_env           = local.service_env
  api_key_parameter     = var.api_key_parameter_name
}

# The cluster's VPC over the first two AZs: /20 public subnets for load balancers and the NAT
# gateway, /20 private subnets for the nodes.
module "eks_network" {
  source = "./modules/network"
  count  = var.enable_eks ? 1 : 0

  name                 = "${var.name_prefix}-eks"
  cidr_block           = var.eks_vpc_cidr
  subnet_prefix_length = 20
  az_count             = 2
  private_subnets      = true

  public_subnet_tags = {
    "kubernetes.io/role/elb"                   = "1"
    "kubernetes.io/cluster/${var.name_prefix}" = "shared"
  }
  private_subnet_tags = {
    "kubernetes.io/role/internal-elb"          = "1"
    "kubernetes.io/cluster/${var.name_prefix}" = "shared"
  }
}

module "eks" {
  source = "./modules/eks"
  count  = var.enable_eks ? 1 : 0

  cluster_name         = var.name_prefix
  kubernetes_version   = var.eks_kubernetes_version
  public_subnet_ids    = module.eks_network[0].public_subnet_ids
  private_subnet_ids   = module.eks_network[0].private_subnet_ids
  public_access_cidrs  = var.eks_public_access_cidrs
  node_instance_types  = var.eks_node_instance_types
  node_count           = var.eks_node_count
  app_policy_arn       = module.access.app_policy_arn
  namespace            = var.k8s_namespace
  service_account_name = var.k8s_service_account
  emulated             = local.emulated
}
