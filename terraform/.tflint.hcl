# tflint configuration that works offline: the terraform ruleset is built into tflint, nothing is
# downloaded. `make tf-check` uses it. The AWS ruleset (invalid instance types, regions, ...) needs
# a plugin download from GitHub: .tflint.aws.hcl adds it, for CI and connected machines
# (`make tf-check TFLINT_CONFIG=.tflint.aws.hcl`, after `tflint --init`; see README.md).
config {
  call_module_type = "local"
}

plugin "terraform" {
  enabled = true
  preset  = "recommended"
}
