terraform {
  # 1.5: check blocks and the provider features this configuration relies on.
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # versions.env AWS_PROVIDER_VERSION (5.100.0) is the one the lock file records.
      version = "~> 5.100"
    }
  }
}
