output "app_policy_arn" {
  description = "ARN of the least-privilege policy of the service."
  value       = aws_iam_policy.app.arn
}

output "app_policy_json" {
  description = "The app policy document (for review and tests)."
  value       = data.aws_iam_policy_document.app.json
}

output "host_role_arn" {
  description = "ARN of the EC2 host role (null without the host)."
  value       = one(aws_iam_role.host[*].arn)
}

output "host_instance_profile_name" {
  description = "Name of the EC2 host's instance profile (null without the host)."
  value       = one(aws_iam_instance_profile.host[*].name)
}
