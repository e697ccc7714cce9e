# A VPC with public subnets behind an internet gateway and, on request, private subnets whose
# outbound traffic leaves through one NAT gateway. One subnet of each kind per AZ.

# Candidate AZs: those that offer instance_type when it is set (not every AZ offers every type,
# e.g. us-east-1e has no t3), else every available AZ that needs no opt-in.
data "aws_ec2_instance_type_offerings" "this" {
  count         = var.instance_type != null ? 1 : 0
  location_type = "availability-zone"

  filter {
    name   = "instance-type"
    values = [var.instance_type]
  }
}

data "aws_availability_zones" "available" {
  #checkov:skip=CKV_AWS_394:The first zone names in sorted order are used; AWS adds zones with later letters, so a new zone does not move the subnets.
  count = var.instance_type == null ? 1 : 0
  state = "available"

  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

locals {
  candidate_azs = var.instance_type != null ? data.aws_ec2_instance_type_offerings.this[0].locations : data.aws_availability_zones.available[0].names
  azs           = slice(sort(local.candidate_azs), 0, var.az_count)
  newbits       = max(0, var.subnet_prefix_length - tonumber(split("/", var.cidr_block)[1]))
  # Public subnets take the first az_count blocks of the VPC, private subnets the next ones.
  public_cidrs  = [for i in range(var.az_count) : cidrsubnet(var.cidr_block, local.newbits, i)]
  private_cidrs = [for i in range(var.az_count) : cidrsubnet(var.cidr_block, local.newbits, var.az_count + i)]
  # The AZ is part of a subnet's Name only when there is more than one AZ.
  subnet_suffix = [for az in local.azs : var.az_count > 1 ? "-${az}" : ""]
  nat_count     = var.private_subnets ? 1 : 0
}

resource "aws_vpc" "this" {
  #checkov:skip=CKV2_AWS_11:VPC flow logs are billed (CloudWatch Logs or S3); enable them when traffic analysis is required.
  cidr_block           = var.cidr_block
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = { Name = var.name }
}

# The default security group of the VPC allows nothing (nothing uses it).
resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
  tags   = { Name = var.name }
}

resource "aws_subnet" "public" {
  #checkov:skip=CKV_AWS_130:map_public_ip_on_launch is on only where the caller asks for it: the EC2 host's network, for its one public host, whose security group opens only app_port.
  count = var.az_count

  vpc_id                  = aws_vpc.this.id
  cidr_block              = local.public_cidrs[count.index]
  availability_zone       = local.azs[count.index]
  map_public_ip_on_launch = var.map_public_ip_on_launch

  tags = merge(var.public_subnet_tags, { Name = "${var.name}-public${local.subnet_suffix[count.index]}" })
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id
  tags   = { Name = "${var.name}-public" }
}

resource "aws_route" "public_internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route_table_association" "public" {
  count = var.az_count

  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

# --- Private subnets (private_subnets = true) ----------------------------------------------------

resource "aws_subnet" "private" {
  count = var.private_subnets ? var.az_count : 0

  vpc_id            = aws_vpc.this.id
  cidr_block        = local.private_cidrs[count.index]
  availability_zone = local.azs[count.index]

  tags = merge(var.private_subnet_tags, { Name = "${var.name}-private${local.subnet_suffix[count.index]}" })
}

resource "aws_eip" "nat" {
  count = local.nat_count

  domain = "vpc"
  tags   = { Name = "${var.name}-nat" }

  depends_on = [aws_internet_gateway.this]
}

# One NAT gateway (not one per AZ): half the cost, at the price of AZ-level egress redundancy.
resource "aws_nat_gateway" "this" {
  count = local.nat_count

  allocation_id = aws_eip.nat[0].id
  subnet_id     = aws_subnet.public[0].id
  tags          = { Name = var.name }

  depends_on = [aws_internet_gateway.this]
}

resource "aws_route_table" "private" {
  count = local.nat_count

  vpc_id = aws_vpc.this.id
  tags   = { Name = "${var.name}-private" }
}

resource "aws_route" "private_nat" {
  count = local.nat_count

  route_table_id         = aws_route_table.private[0].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[0].id
}

resource "aws_route_table_association" "private" {
  count = var.private_subnets ? var.az_count : 0

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[0].id
}
