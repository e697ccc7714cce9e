# The application's permissions, once: exactly the calls the service makes, on exactly its table
# and bucket ARNs. Attached to the EC2 host role here and to the IRSA role in modules/eks.

data "aws_partition" "current" {}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {
  count = var.create_host_role && var.api_key_parameter_name != null ? 1 : 0
}

data "aws_iam_policy_document" "app" {
  statement {
    sid = "Tables"
    actions = [
      "dynamodb:DescribeTable",
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:DeleteItem",
      "dynamodb:Query",
      "dynamodb:Scan",
      # TransactWriteItems is authorised per item: its Put, Update and ConditionCheck parts.
      "dynamodb:UpdateItem",
      "dynamodb:ConditionCheckItem",
    ]
    resources = var.table_arns
  }

  statement {
    sid       = "AvatarObjects"
    actions   = ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"]
    resources = ["${var.bucket_arn}/${var.avatars_prefix}/*"]
  }

  statement {
    # HeadBucket (the readiness check) is authorised by s3:ListBucket.
    sid       = "AvatarBucket"
    actions   = ["s3:ListBucket"]
    resources = [var.bucket_arn]
  }
}

resource "aws_iam_policy" "app" {
  name        = "${var.name_prefix}-app"
  description = "sre-kit service: its DynamoDB tables and avatars bucket only."
  policy      = data.aws_iam_policy_document.app.json
}

# --- EC2 host -----------------------------------------------------------------------------------

data "aws_iam_policy_document" "host_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "host" {
  count = var.create_host_role ? 1 : 0

  name               = "${var.name_prefix}-host"
  description        = "sre-kit EC2 host: the app policy, image pull, SSM Session Manager."
  assume_role_policy = data.aws_iam_policy_document.host_assume.json
}

resource "aws_iam_role_policy_attachment" "host_app" {
  count = var.create_host_role ? 1 : 0

  role       = aws_iam_role.host[0].name
  policy_arn = aws_iam_policy.app.arn
}

# Shell access through SSM Session Manager instead of SSH (no key pair, no port 22).
resource "aws_iam_role_policy_attachment" "host_ssm" {
  count = var.create_host_role ? 1 : 0

  role       = aws_iam_role.host[0].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

data "aws_iam_policy_document" "host" {
  count = var.create_host_role && (var.pull_image || var.api_key_parameter_name != null) ? 1 : 0

  dynamic "statement" {
    for_each = var.pull_image ? [1] : []
    content {
      sid = "PullImage"
      actions = [
        "ecr:BatchCheckLayerAvailability",
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
      ]
      resources = [var.image_repository_arn]
    }
  }

  dynamic "statement" {
    for_each = var.pull_image ? [1] : []
    content {
      #checkov:skip=CKV_AWS_356:ecr:GetAuthorizationToken has no resource-level permissions; AWS requires Resource "*".
      sid       = "RegistryLogin"
      actions   = ["ecr:GetAuthorizationToken"]
      resources = ["*"]
    }
  }

  dynamic "statement" {
    for_each = var.api_key_parameter_name != null ? [1] : []
    content {
      sid       = "ReadApiKey"
      actions   = ["ssm:GetParameter"]
      resources = ["arn:${data.aws_partition.current.partition}:ssm:${data.aws_region.current.name}:${data.aws_caller_identity.current[0].account_id}:parameter${var.api_key_parameter_name}"]
    }
  }
}

resource "aws_iam_role_policy" "host" {
  count = length(data.aws_iam_policy_document.host)

  name   = "host"
  role   = aws_iam_role.host[0].id
  policy = data.aws_iam_policy_document.host[0].json
}

resource "aws_iam_instance_profile" "host" {
  count = var.create_host_role ? 1 : 0

  name = "${var.name_prefix}-host"
  role = aws_iam_role.host[0].name
}
