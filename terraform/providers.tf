# One provider block for both targets. `aws_endpoint` is the only switch:
#   ""                       real AWS, normal credential chain (or aws_access_key/aws_secret_key)
#   "http://localhost:4566"  every service below points at the emulator, with test credentials
locals {
  emulated = var.aws_endpoint != ""
}

provider "aws" {
  region = var.aws_region

  # Keys entered as Terraform variables win; null falls back to the normal credential chain.
  # The emulator accepts any key, so "test" is used when none is given.
  access_key = local.emulated ? coalesce(var.aws_access_key, "test") : var.aws_access_key
  secret_key = local.emulated ? coalesce(var.aws_secret_key, "test") : var.aws_secret_key

  skip_credentials_validation = local.emulated
  skip_metadata_api_check     = local.emulated
  skip_requesting_account_id  = local.emulated
  s3_use_path_style           = local.emulated

  # Every service this configuration calls. One missing here would reach real AWS while emulated:
  # the moto check (enable_ec2 and enable_eks on, no internet) fails if one is forgotten.
  dynamic "endpoints" {
    for_each = local.emulated ? [var.aws_endpoint] : []
    content {
      dynamodb = endpoints.value
      ec2      = endpoints.value
      ecr      = endpoints.value
      eks      = endpoints.value
      iam      = endpoints.value
      kms      = endpoints.value
      logs     = endpoints.value
      s3       = endpoints.value
      ssm      = endpoints.value
      sts      = endpoints.value
    }
  }

  default_tags {
    tags = merge(var.tags, {
      Project   = var.name_prefix
      ManagedBy = "terraform"
    })
  }
}
