# EKS in the subnets of modules/network (public ones for load balancers, private ones for the
# nodes): the cluster with encrypted secrets and control plane logs, a managed node group with
# IMDSv2, the IAM OIDC provider and the IRSA role of the chart's service account.

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

locals {
  partition   = data.aws_partition.current.partition
  issuer_host = replace(aws_eks_cluster.this.identity[0].oidc[0].issuer, "https://", "")
}

# --- Secrets encryption key ---------------------------------------------------------------------

data "aws_iam_policy_document" "kms" {
  #checkov:skip=CKV_AWS_111:This is a key policy: Resource "*" means this key only. The account-root statement is AWS's default key policy, delegating access control to IAM.
  #checkov:skip=CKV_AWS_356:Key policy, Resource "*" is this key (see CKV_AWS_111).
  #checkov:skip=CKV_AWS_109:Key policy, the default account-root delegation to IAM (see CKV_AWS_111).
  statement {
    sid       = "AccountAdministration"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
}

resource "aws_kms_key" "eks" {
  description             = "${var.cluster_name} EKS secrets envelope encryption"
  enable_key_rotation     = true
  deletion_window_in_days = 7
  policy                  = data.aws_iam_policy_document.kms.json
}

resource "aws_kms_alias" "eks" {
  name          = "alias/${var.cluster_name}-eks"
  target_key_id = aws_kms_key.eks.key_id
}

# --- Control plane ------------------------------------------------------------------------------

data "aws_iam_policy_document" "cluster_assume" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "Service"
      identifiers = ["eks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cluster" {
  name               = "${var.cluster_name}-eks-cluster"
  assume_role_policy = data.aws_iam_policy_document.cluster_assume.json
}

resource "aws_iam_role_policy_attachment" "cluster" {
  role       = aws_iam_role.cluster.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonEKSClusterPolicy"
}

# Created before the cluster so that its retention applies (EKS would otherwise create it
# without expiry).
resource "aws_cloudwatch_log_group" "cluster" {
  #checkov:skip=CKV_AWS_158:Control plane logs are encrypted by CloudWatch Logs with its service key; a CMK would add cost without a cross-account need.
  #checkov:skip=CKV_AWS_338:Retention is a variable (default 30 days) to keep the log bill small; raise log_retention_days where audit rules ask for a year.
  name              = "/aws/eks/${var.cluster_name}/cluster"
  retention_in_days = var.log_retention_days
}

resource "aws_eks_cluster" "this" {
  #checkov:skip=CKV_AWS_39:The public endpoint lets developers run kubectl and helm from their machines; it is limited to public_access_cidrs and the private endpoint is on for the nodes.
  #checkov:skip=CKV_AWS_38:public_access_cidrs is a variable; the default (everyone) keeps the kit usable from any network and the API still requires IAM authentication.
  name     = var.cluster_name
  role_arn = aws_iam_role.cluster.arn
  version  = var.kubernetes_version

  vpc_config {
    subnet_ids              = concat(var.private_subnet_ids, var.public_subnet_ids)
    endpoint_private_access = true
    endpoint_public_access  = true
    public_access_cidrs     = var.public_access_cidrs
  }

  encryption_config {
    resources = ["secrets"]
    provider {
      key_arn = aws_kms_key.eks.arn
    }
  }

  enabled_cluster_log_types = ["api", "audit", "authenticator", "controllerManager", "scheduler"]

  # Access entries (API) plus the aws-auth ConfigMap; the creator of the cluster is its admin.
  # Emulators do not implement access config (moto returns none, so every plan would replace the
  # cluster): it is left to their defaults there, and always set on AWS.
  dynamic "access_config" {
    for_each = var.emulated ? [] : [1]
    content {
      authentication_mode                         = "API_AND_CONFIG_MAP"
      bootstrap_cluster_creator_admin_permissions = true
    }
  }

  depends_on = [
    aws_iam_role_policy_attachment.cluster,
    aws_cloudwatch_log_group.cluster,
  ]
}

# --- Nodes --------------------------------------------------------------------------------------

data "aws_iam_policy_document" "node_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "node" {
  name               = "${var.cluster_name}-eks-node"
  assume_role_policy = data.aws_iam_policy_document.node_assume.json
}

resource "aws_iam_role_policy_attachment" "node" {
  for_each = toset([
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
  ])

  role       = aws_iam_role.node.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/${each.value}"
}

# IMDSv2 only, one hop: pods cannot borrow the node role; the app gets its role through IRSA.
resource "aws_launch_template" "node" {
  name_prefix            = "${var.cluster_name}-node-"
  update_default_version = true

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_type           = "gp3"
      volume_size           = var.node_volume_size
      encrypted             = true
      delete_on_termination = true
    }
  }

  lifecycle {
    # This template sets no tag_specifications. moto copies the template's own tags (default_tags)
    # into its data as a "launch-template" tag specification, which AWS does not; without this
    # every plan under moto shows a change. Inert on AWS, where the attribute stays empty.
    ignore_changes = [tag_specifications]
  }
}

resource "aws_eks_node_group" "this" {
  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "${var.cluster_name}-default"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = var.private_subnet_ids
  ami_type        = "AL2023_x86_64_STANDARD"
  capacity_type   = "ON_DEMAND"
  instance_types  = var.node_instance_types

  launch_template {
    id      = aws_launch_template.node.id
    version = aws_launch_template.node.latest_version
  }

  scaling_config {
    desired_size = var.node_count.desired
    min_size     = var.node_count.min
    max_size     = var.node_count.max
  }

  # update_config is left to the EKS default (max_unavailable = 1): one node at a time.

  lifecycle {
    ignore_changes = [
      # The cluster autoscaler (or an operator) changes the desired size.
      scaling_config[0].desired_size,
      # Never set here (AWS rejects remote_access together with a launch template). moto invents
      # a default ssh key ("eksKeypair") for it, which would force a replacement at every plan.
      remote_access,
    ]
  }

  # The private subnets' route through the NAT gateway exists before their ids are known
  # (modules/network): the nodes can reach the internet from their first boot.
  depends_on = [aws_iam_role_policy_attachment.node]
}

# --- IRSA ---------------------------------------------------------------------------------------

resource "aws_iam_openid_connect_provider" "this" {
  url            = aws_eks_cluster.this.identity[0].oidc[0].issuer
  client_id_list = ["sts.amazonaws.com"]
}

data "aws_iam_policy_document" "irsa_assume" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.this.arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.issuer_host}:sub"
      values   = ["system:serviceaccount:${var.namespace}:${var.service_account_name}"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.issuer_host}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "irsa" {
  name               = "${var.cluster_name}-app-irsa"
  description        = "sre-kit service account ${var.namespace}/${var.service_account_name}: the app policy only."
  assume_role_policy = data.aws_iam_policy_document.irsa_assume.json
}

resource "aws_iam_role_policy_attachment" "irsa" {
  role       = aws_iam_role.irsa.name
  policy_arn = var.app_policy_arn
}
