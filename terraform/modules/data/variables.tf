variable "table_schemas" {
  description = "Key schema of each table, keyed by logical name: the decoded service/schema/dynamodb-tables.json."
  type = map(object({
    hash_key  = object({ name = string, type = string })
    range_key = optional(object({ name = string, type = string }))
  }))

  validation {
    condition = alltrue(flatten([
      for t in values(var.table_schemas) : [
        for k in compact([t.hash_key.type, try(t.range_key.type, "")]) : contains(["S", "N", "B"], k)
      ]
    ]))
    error_message = "Every key type in table_schemas must be S, N or B."
  }
}

variable "table_names" {
  description = "Physical table name for each logical name of table_schemas (same keys)."
  type        = map(string)
}

variable "point_in_time_recovery" {
  description = "Enable point-in-time recovery on every table."
  type        = bool
  default     = true
}

variable "deletion_protection" {
  description = "Enable DynamoDB deletion protection on every table."
  type        = bool
  default     = false
}

variable "bucket_name" {
  description = "Name of the avatars bucket."
  type        = string
}

variable "public_avatars" {
  description = "Allow anonymous s3:GetObject on avatars/* (AVATAR_URL_MODE=public). Everything else stays private."
  type        = bool
  default     = false
}

variable "require_tls" {
  description = "Deny every request to the bucket that does not use TLS (aws:SecureTransport). Only an emulator that speaks plain HTTP needs false."
  type        = bool
  default     = true
}

variable "avatars_prefix" {
  description = "Key prefix under which the service stores avatars (no leading or trailing slash)."
  type        = string
  default     = "avatars"
}

variable "noncurrent_version_expiration_days" {
  description = "Days a noncurrent object version is kept before it expires."
  type        = number
  default     = 30
}

variable "force_destroy" {
  description = "Let destroy delete the bucket with its objects and versions."
  type        = bool
  default     = false
}
