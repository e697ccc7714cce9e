output "cluster_name" {
  description = "Name of the EKS cluster."
  value       = aws_eks_cluster.this.name
}

output "cluster_endpoint" {
  description = "Endpoint of the Kubernetes API."
  value       = aws_eks_cluster.this.endpoint
}

output "oidc_provider_arn" {
  description = "ARN of the cluster's IAM OIDC provider."
  value       = aws_iam_openid_connect_provider.this.arn
}

output "irsa_role_arn" {
  description = "Role of the chart's service account (annotation eks.amazonaws.com/role-arn)."
  value       = aws_iam_role.irsa.arn
}

output "node_group_name" {
  description = "Name of the managed node group."
  value       = aws_eks_node_group.this.node_group_name
}
