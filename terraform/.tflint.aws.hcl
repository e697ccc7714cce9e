# .tflint.hcl plus the AWS ruleset. Needs `tflint --init` with access to github.com, where the
# plugin's releases are (set GITHUB_TOKEN to avoid API rate limits); offline, `make tf-check`
# uses .tflint.hcl.
config {
  call_module_type = "local"
}

plugin "terraform" {
  enabled = true
  preset  = "recommended"
}

plugin "aws" {
  enabled = true
  version = "0.40.0"
  source  = "github.com/terraform-linters/tflint-ruleset-aws"
}
