# .tflint.hcl plus the AWS ruleset. Needs `tflint --init` with access to github.com (set
# GITHUB_TOKEN to avoid API rate limits); this machine's Go proxy cannot serve it.
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
