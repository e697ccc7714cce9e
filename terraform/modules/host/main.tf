# One free-tier host in a public subnet (modules/network): security group opening only the app
# port, IMDSv2, encrypted root volume, no SSH (SSM Session Manager through the instance role).

data "aws_ssm_parameter" "al2023" {
  count = var.ami_id == null ? 1 : 0
  name  = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${var.architecture}"
}

locals {
  ami_id = coalesce(var.ami_id, one(data.aws_ssm_parameter.al2023[*].insecure_value))
  # The boot script logs in to the registry only when it is ECR (the instance role pulls); any
  # other image is pulled anonymously (a public image).
  ecr_registry = can(regex("^[0-9]{12}\\.dkr\\.ecr\\.", var.image)) ? split("/", var.image)[0] : null
}

resource "aws_security_group" "this" {
  name        = "${var.name_prefix}-host"
  description = "sre-kit host: app port in from allowed_cidrs, HTTPS out"
  vpc_id      = var.vpc_id

  tags = { Name = "${var.name_prefix}-host" }
}

resource "aws_vpc_security_group_ingress_rule" "app" {
  for_each = toset(var.allowed_cidrs)

  security_group_id = aws_security_group.this.id
  description       = "sre-kit API from ${each.value}"
  ip_protocol       = "tcp"
  from_port         = var.app_port
  to_port           = var.app_port
  cidr_ipv4         = each.value
}

# Out: HTTPS only (dnf repositories, ECR, DynamoDB, S3, SSM). DNS and NTP use link-local VPC
# services that security groups do not filter.
resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS to AWS APIs and package repositories"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_instance" "this" {
  #checkov:skip=CKV_AWS_88:The host serves the public /status page; only app_port is open, to allowed_cidrs.
  #checkov:skip=CKV_AWS_135:EBS optimisation is on for t3 and t4g (where it is free and default); t2.micro does not support it.
  #checkov:skip=CKV_AWS_126:Detailed (1-minute) monitoring is billed; basic 5-minute metrics are enough for a free-tier host.
  ami                    = local.ami_id
  instance_type          = var.instance_type
  subnet_id              = var.subnet_id
  vpc_security_group_ids = [aws_security_group.this.id]
  iam_instance_profile   = var.instance_profile_name
  # t3 and t4g are EBS-optimised at no cost; t2 does not support the flag.
  ebs_optimized = !startswith(var.instance_type, "t2.")
  monitoring    = false

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
    # 2 hops: the container (one bridge hop away) reaches IMDSv2 for the instance role.
    http_put_response_hop_limit = 2
    instance_metadata_tags      = "disabled"
  }

  root_block_device {
    volume_type           = "gp3"
    volume_size           = var.root_volume_size
    encrypted             = true
    delete_on_termination = true
  }

  user_data = templatefile("${path.module}/user-data.sh.tftpl", {
    image             = var.image
    ecr_registry      = local.ecr_registry
    region            = var.aws_region
    port              = var.app_port
    env               = var.service_env
    api_key_parameter = var.api_key_parameter
  })
  # A new image tag or env is a new host (immutable deploys; the public IP changes).
  user_data_replace_on_change = true

  tags = { Name = "${var.name_prefix}-host" }

  lifecycle {
    # With ami_id null the AMI comes from the "latest" SSM parameter: a newer AMI must not
    # replace a running host at the next apply. Roll it on purpose:
    #   terraform apply -replace='module.host[0].aws_instance.this'
    ignore_changes = [ami]
  }
}
