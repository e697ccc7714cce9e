# State is local by default (terraform/terraform.tfstate, git-ignored). `make tf-local` and the
# moto check pass their own `-backend-config=path=...` so they never touch this file's state.
# For a shared account use the S3 backend with locking: see backend.s3.tf.example and README.md.
terraform {
  backend "local" {}
}
