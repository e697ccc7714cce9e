# DynamoDB tables (key schema from the service's schema file) and the private avatars bucket.

resource "aws_dynamodb_table" "this" {
  for_each = var.table_schemas

  #checkov:skip=CKV_AWS_119:Encrypted at rest with the AWS managed key (aws/dynamodb). A customer managed key costs 1 USD/month per key and adds nothing for a single-account app table.
  name         = var.table_names[each.key]
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = each.value.hash_key.name
  range_key    = try(each.value.range_key.name, null)

  dynamic "attribute" {
    for_each = compact([each.value.hash_key.name, try(each.value.range_key.name, "")])
    content {
      name = attribute.value
      type = attribute.value == each.value.hash_key.name ? each.value.hash_key.type : each.value.range_key.type
    }
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  server_side_encryption {
    enabled = true
  }

  deletion_protection_enabled = var.deletion_protection

  lifecycle {
    precondition {
      condition     = contains(keys(var.table_names), each.key)
      error_message = "The schema file defines table '${each.key}' but table_names has no name for it: add one in the root module."
    }
  }
}

resource "aws_s3_bucket" "avatars" {
  #checkov:skip=CKV_AWS_18:Server access logging needs a second bucket and grows without bound; CloudTrail data events are the better audit trail when one is required.
  #checkov:skip=CKV_AWS_144:Cross-region replication doubles storage cost; avatars are re-uploadable user content and the bucket is versioned.
  #checkov:skip=CKV_AWS_145:SSE-S3 (AES256) encryption; SSE-KMS would add a KMS key (1 USD/month) and per-request KMS charges without a cross-account need.
  #checkov:skip=CKV2_AWS_6:The bucket has a public access block (aws_s3_bucket_public_access_block.avatars); checkov cannot evaluate its public_avatars switch (see CKV_AWS_54 there).
  #checkov:skip=CKV2_AWS_62:No consumer of S3 event notifications exists: the service writes and reads avatars itself.
  bucket        = var.bucket_name
  force_destroy = var.force_destroy
}

resource "aws_s3_bucket_ownership_controls" "avatars" {
  bucket = aws_s3_bucket.avatars.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "avatars" {
  #checkov:skip=CKV_AWS_54:block_public_policy is on unless public_avatars (opt-in, for AVATAR_URL_MODE=public), which then allows public reads of avatars/* only; the moto check asserts all four are on by default.
  #checkov:skip=CKV_AWS_56:restrict_public_buckets is on unless public_avatars (opt-in), as for CKV_AWS_54.
  bucket = aws_s3_bucket.avatars.id

  # ACLs are disabled by BucketOwnerEnforced and stay blocked. With public_avatars the bucket
  # policy (and only it) may grant public reads of avatars/*.
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = !var.public_avatars
  restrict_public_buckets = !var.public_avatars
}

resource "aws_s3_bucket_server_side_encryption_configuration" "avatars" {
  bucket = aws_s3_bucket.avatars.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_versioning" "avatars" {
  bucket = aws_s3_bucket.avatars.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "avatars" {
  bucket = aws_s3_bucket.avatars.id

  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  # The lifecycle rule must not race the versioning change.
  depends_on = [aws_s3_bucket_versioning.avatars]
}

data "aws_iam_policy_document" "avatars" {
  dynamic "statement" {
    for_each = var.require_tls ? [1] : []
    content {
      sid       = "DenyInsecureTransport"
      effect    = "Deny"
      actions   = ["s3:*"]
      resources = [aws_s3_bucket.avatars.arn, "${aws_s3_bucket.avatars.arn}/*"]

      principals {
        type        = "*"
        identifiers = ["*"]
      }

      condition {
        test     = "Bool"
        variable = "aws:SecureTransport"
        values   = ["false"]
      }
    }
  }

  dynamic "statement" {
    for_each = var.public_avatars ? [1] : []
    content {
      sid       = "PublicReadAvatars"
      effect    = "Allow"
      actions   = ["s3:GetObject"]
      resources = ["${aws_s3_bucket.avatars.arn}/${var.avatars_prefix}/*"]

      principals {
        type        = "*"
        identifiers = ["*"]
      }
    }
  }
}

resource "aws_s3_bucket_policy" "avatars" {
  # S3 rejects a policy without statements: none at all when neither rule applies.
  count  = var.require_tls || var.public_avatars ? 1 : 0
  bucket = aws_s3_bucket.avatars.id
  policy = data.aws_iam_policy_document.avatars.json

  # A public statement is rejected while block_public_policy is still on.
  depends_on = [aws_s3_bucket_public_access_block.avatars, aws_s3_bucket_ownership_controls.avatars]
}
