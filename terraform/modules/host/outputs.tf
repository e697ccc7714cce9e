output "instance_id" {
  description = "Id of the EC2 instance (for `aws ssm start-session --target`)."
  value       = aws_instance.this.id
}

output "public_ip" {
  description = "Public IPv4 address of the host."
  value       = aws_instance.this.public_ip
}

output "status_url" {
  description = "URL of the service's status page on the host."
  value       = "http://${aws_instance.this.public_ip}:${var.app_port}/status"
}

output "security_group_id" {
  description = "Security group of the host."
  value       = aws_security_group.this.id
}
