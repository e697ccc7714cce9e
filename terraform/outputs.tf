# Exactly what the service (env contract) and the chart (values) need.

output "aws_region" {
  description = "Region of every resource (AWS_REGION)."
  value       = var.aws_region

  precondition {
    condition     = (var.aws_access_key == null) == (var.aws_secret_key == null)
    error_message = "Set both aws_access_key and aws_secret_key, or neither (the credential chain is used then)."
  }
}

output "users_table_name" {
  description = "Users table (USERS_TABLE)."
  value       = module.data.table_names["users"]
}

output "state_table_name" {
  description = "State table (STATE_TABLE)."
  value       = module.data.table_names["state"]
}

output "avatars_bucket_name" {
  description = "Avatars bucket (AVATARS_BUCKET)."
  value       = module.data.bucket_name
}

output "env" {
  description = "The service's environment for this deployment (the names of .env-example)."
  value       = local.service_env
}

output "app_policy_arn" {
  description = "The service's least-privilege IAM policy."
  value       = module.access.app_policy_arn
}

output "host_role_arn" {
  description = "Role of the EC2 host's instance profile (null when enable_ec2 is off)."
  value       = module.access.host_role_arn
}

output "irsa_role_arn" {
  description = "Role for the chart's service account, annotation eks.amazonaws.com/role-arn (null when enable_eks is off)."
  value       = one(module.eks[*].irsa_role_arn)
}

output "image_repository_url" {
  description = "ECR repository of the service image: `docker push <url>:<tag>` (null when enable_registry is off)."
  value       = one(module.registry[*].repository_url)
}

output "status_url" {
  description = "Public status page of the EC2 host, `http://<public ip>:<port>/status` (null when enable_ec2 is off)."
  value       = one(module.host[*].status_url)
}

output "host_instance_id" {
  description = "EC2 instance id, for `aws ssm start-session --target <id>` (null when enable_ec2 is off)."
  value       = one(module.host[*].instance_id)
}

output "eks_cluster_name" {
  description = "EKS cluster name (null when enable_eks is off)."
  value       = one(module.eks[*].cluster_name)
}

output "eks_update_kubeconfig_command" {
  description = "Command that adds the cluster to ~/.kube/config (null when enable_eks is off)."
  value       = var.enable_eks ? "aws eks update-kubeconfig --region ${var.aws_region} --name ${module.eks[0].cluster_name}" : null
}

output "image" {
  description = "Image the EC2 host runs: `<image_repository_url>:<image_tag>`, or the public `image` (null without a host image)."
  value       = local.host_image
}

output "image_platform" {
  description = "Platform of the host's instance type (linux/amd64 or linux/arm64): what `make deploy-aws` builds the image for."
  value       = local.image_platform
}

output "host_public_ip" {
  description = "Public IPv4 address of the EC2 host (null when enable_ec2 is off)."
  value       = one(module.host[*].public_ip)
}
