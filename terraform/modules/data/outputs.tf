output "table_names" {
  description = "Physical table name by logical name (users, state)."
  value       = { for k, t in aws_dynamodb_table.this : k => t.name }
}

output "table_arns" {
  description = "Table ARN by logical name."
  value       = { for k, t in aws_dynamodb_table.this : k => t.arn }
}

output "bucket_name" {
  description = "Name of the avatars bucket."
  value       = aws_s3_bucket.avatars.bucket
}

output "bucket_arn" {
  description = "ARN of the avatars bucket."
  value       = aws_s3_bucket.avatars.arn
}

output "avatars_prefix" {
  description = "Key prefix of the avatars in the bucket."
  value       = var.avatars_prefix
}
