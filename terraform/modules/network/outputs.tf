output "vpc_id" {
  description = "Id of the VPC."
  value       = aws_vpc.this.id
}

output "availability_zones" {
  description = "The AZs of the subnets, in subnet order."
  value       = local.azs
}

output "public_subnet_ids" {
  description = "Ids of the public subnets, one per AZ, in the order of availability_zones. Known once their route to the internet gateway exists."
  value       = aws_subnet.public[*].id

  depends_on = [aws_route.public_internet, aws_route_table_association.public]
}

output "private_subnet_ids" {
  description = "Ids of the private subnets (empty without private_subnets), in the order of availability_zones. Known once their route through the NAT gateway exists, so that instances started in them can reach the internet."
  value       = aws_subnet.private[*].id

  depends_on = [aws_route.private_nat, aws_route_table_association.private]
}
